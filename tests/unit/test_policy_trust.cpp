// The policy's trust section and admission: strict parsing (what ward
// cannot check is refused, never read as a pass), containers-policy.json's
// scope order, signedIdentity rules, and admit_image on real signatures
// with keys read from files at check time (a removed key file revokes).
#include "../../runtime/trust/base64.hpp"
#include "trust_helpers.hpp"
#include "ward/policy/policy.hpp"
#include "ward/trust/admission.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward;
using namespace ward::trust;
using ward::test::error_of;
using ward::test::TempDir;
using ward::test::write_bytes;

namespace {

std::string with_trust(const std::string& trust) {
    return R"({"name": "t", "trust": )" + trust + "}";
}

policy::TrustSection trust_of(const std::string& trust) {
    policy::Policy p = policy::parse_policy(with_trust(trust), "p.json");
    BOOST_REQUIRE(p.trust);
    return *p.trust;
}

std::string parse_error(const std::string& trust) {
    return error_of([&] { policy::parse_policy(with_trust(trust), "p.json"); });
}

const Digest kManifest{"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"};

} // namespace

BOOST_AUTO_TEST_SUITE(policy_trust)

BOOST_AUTO_TEST_CASE(section_round_trips) {
    std::string doc = R"({"default": [{"type": "reject"}],
        "scopes": {"docker.io/library/busybox": [{"type": "sigstoreSigned", "keyPath": "/k/a.pub",
                       "signedIdentity": {"type": "exactRepository", "dockerRepository": "r.example/x"}}],
                   "*.example.com": [{"type": "insecureAcceptAnything"}]},
        "bundles": [{"type": "sigstoreSigned", "keyPaths": ["/k/a.pub", "/k/b.pub"]}],
        "unverified": "warn", "verifyRootfs": "always",
        "unpack": {"devices": "drop", "setid": "keep", "fileCapabilities": "refuse"}})";
    policy::TrustSection t = trust_of(doc);
    BOOST_TEST(t.scopes.size() == 2u);
    const auto& req = t.scopes.at("docker.io/library/busybox")[0];
    BOOST_TEST((req.type == policy::Requirement::Type::sigstore_signed));
    BOOST_TEST(req.key_paths == std::vector<std::string>{"/k/a.pub"});
    BOOST_TEST((req.signed_identity.kind == policy::SignedIdentity::Kind::exact_repository));
    BOOST_TEST(t.bundle_requirements()[0].key_paths.size() == 2u);
    BOOST_TEST((t.unverified == policy::TrustSection::Unverified::warn));
    BOOST_TEST((t.verify_rootfs == policy::TrustSection::VerifyRootfs::always));
    BOOST_TEST((t.unpack.file_capabilities == policy::Treatment::refuse));
    // Written back and parsed again: the same section.
    policy::Policy p = policy::parse_policy(with_trust(doc), "p.json");
    std::string again = json::serialize(policy::policy_to_json(p));
    policy::Policy q = policy::parse_policy(again, "again");
    BOOST_TEST(json::serialize(policy::policy_to_json(q)) == again);
}

BOOST_AUTO_TEST_CASE(defaults_and_absence) {
    policy::Policy none = policy::parse_policy(R"({"name": "n"})", "p.json");
    BOOST_TEST(!none.trust);
    policy::TrustSection t = trust_of(R"({"default": [{"type": "insecureAcceptAnything"}]})");
    BOOST_TEST((t.unverified == policy::TrustSection::Unverified::refuse));
    BOOST_TEST((t.verify_rootfs == policy::TrustSection::VerifyRootfs::never));
    BOOST_TEST((t.unpack.devices == policy::Treatment::refuse));
    BOOST_TEST(&t.bundle_requirements() == &t.default_requirements);
}

BOOST_AUTO_TEST_CASE(strict_parse_names_the_field) {
    BOOST_TEST(parse_error("{}") ==
               "p.json: trust.default: required (the requirements for images no scope names)");
    BOOST_TEST(parse_error(R"({"default": []})") ==
               "p.json: trust.default: empty (say {\"type\": \"reject\"} or {\"type\": "
               "\"insecureAcceptAnything\"})");
    BOOST_TEST(parse_error(R"({"default": [{"type": "signedBy", "keyPath": "/k"}]})") ==
               "p.json: trust.default[0].type: \"signedBy\" (GPG simple signing) is not "
               "supported by ward; use sigstoreSigned");
    BOOST_TEST(parse_error(R"({"default": [{"type": "accept"}]})") ==
               "p.json: trust.default[0].type: \"accept\" is not a requirement type (reject, "
               "insecureAcceptAnything, sigstoreSigned)");
    BOOST_TEST(parse_error(R"({"default": [{"type": "sigstoreSigned"}]})") ==
               "p.json: trust.default[0]: sigstoreSigned needs exactly one of keyPath, keyPaths, "
               "keyData, keyDatas");
    BOOST_TEST(
        parse_error(
            R"({"default": [{"type": "sigstoreSigned", "keyPath": "/a", "keyData": "eA=="}]})") ==
        "p.json: trust.default[0]: sigstoreSigned needs exactly one of keyPath, keyPaths, "
        "keyData, keyDatas");
    BOOST_TEST(parse_error(R"({"default": [{"type": "sigstoreSigned", "keyPath": "k.pub"}]})") ==
               "p.json: trust.default[0]: key path \"k.pub\" must be absolute");
    BOOST_TEST(parse_error(R"({"default": [{"type": "sigstoreSigned", "fulcio": {}}]})") ==
               "p.json: trust.default[0].fulcio: keyless (Fulcio/PKI) verification is not "
               "supported by ward; name the public keys with keyPath, keyPaths or keyData");
    // Rekor keys are spelled as containers-policy.json spells them, one form at a time.
    BOOST_TEST(parse_error(R"({"default": [{"type": "sigstoreSigned", "keyPath": "/a",
                 "rekorPublicKeyPath": "/r", "rekorPublicKeyData": "eA=="}]})") ==
               "p.json: trust.default[0]: sigstoreSigned needs at most one of rekorPublicKeyPath, "
               "rekorPublicKeyPaths, rekorPublicKeyData, rekorPublicKeyDatas");
    BOOST_TEST(parse_error(R"({"default": [{"type": "sigstoreSigned", "keyPath": "/a",
                 "rekorPublicKeyPath": "r.pub"}]})") ==
               "p.json: trust.default[0]: key path \"r.pub\" must be absolute");
    BOOST_TEST(parse_error(R"({"default": [{"type": "reject", "keyPath": "/a"}]})") ==
               "p.json: trust.default[0].keyPath: unknown key");
    BOOST_TEST(
        parse_error(
            R"({"default": [{"type": "sigstoreSigned", "keyPath": "/a", "signedIdentity": {"type": "remapIdentity", "prefix": "a.io"}}]})") ==
        "p.json: trust.default[0].signedIdentity.signedPrefix: required for remapIdentity");
    BOOST_TEST(
        parse_error(
            R"({"default": [{"type": "sigstoreSigned", "keyPath": "/a", "signedIdentity": {"type": "exactReference"}}]})") ==
        "p.json: trust.default[0].signedIdentity.dockerReference: required for exactReference");
    BOOST_TEST(
        parse_error(
            R"({"default": [{"type": "sigstoreSigned", "keyPath": "/a", "signedIdentity": {"type": "matchAnything"}}]})") ==
        "p.json: trust.default[0].signedIdentity.type: \"matchAnything\" is not a signedIdentity "
        "type (matchRepoDigestOrExact, matchRepository, matchExact, exactReference, "
        "exactRepository, remapIdentity)");
    BOOST_TEST(parse_error(R"({"default": [{"type": "reject"}], "unverified": "maybe"})") ==
               "p.json: trust.unverified: \"maybe\" is not one of refuse, warn, allow");
    BOOST_TEST(
        parse_error(
            R"({"default": [{"type": "reject"}], "scopes": {"https://x": [{"type": "reject"}]}})") ==
        "p.json: trust.scopes[\"https://x\"]: \"https://x\" is not a scope "
        "(host[:port][/path][:tag|@digest])");
    BOOST_TEST(
        parse_error(R"({"default": [{"type": "reject"}], "unpack": {"devices": "allow"}})") ==
        "p.json: trust.unpack.devices: \"allow\" is not one of refuse, drop, keep");
    BOOST_TEST(parse_error(R"({"default": [{"type": "reject"}], "transports": {}})") ==
               "p.json: trust.transports: unknown key");
}

BOOST_AUTO_TEST_CASE(most_specific_scope_wins) {
    policy::TrustSection t = trust_of(R"({"default": [{"type": "reject"}], "scopes": {
        "r.example.com/ns/app:v1": [{"type": "insecureAcceptAnything"}],
        "r.example.com/ns/app": [{"type": "insecureAcceptAnything"}],
        "r.example.com/ns": [{"type": "insecureAcceptAnything"}],
        "r.example.com": [{"type": "insecureAcceptAnything"}],
        "*.b.example.com": [{"type": "insecureAcceptAnything"}],
        "*.example.com": [{"type": "insecureAcceptAnything"}],
        "localhost:5000": [{"type": "insecureAcceptAnything"}]}})");
    auto scope = [&](const std::string& name) { return policy::requirements_for(t, name).scope; };
    BOOST_TEST(scope("r.example.com/ns/app:v1") == "r.example.com/ns/app:v1");
    BOOST_TEST(scope("r.example.com/ns/app:v2") == "r.example.com/ns/app");
    BOOST_TEST(scope("r.example.com/ns/app@sha256:" + kManifest.hex) == "r.example.com/ns/app");
    BOOST_TEST(scope("r.example.com/ns/other:v1") == "r.example.com/ns");
    BOOST_TEST(scope("r.example.com/other/x:1") == "r.example.com");
    BOOST_TEST(scope("a.b.example.com/x:1") == "*.b.example.com");
    BOOST_TEST(scope("a.example.com/x:1") == "*.example.com");
    BOOST_TEST(scope("example.com/x:1") == "default");
    BOOST_TEST(scope("localhost:5000/x:1") == "localhost:5000");
    BOOST_TEST(scope("docker.io/library/busybox:latest") == "default");
    // A prefix matches only at a component boundary.
    BOOST_TEST(scope("r.example.com/nsx/app:1") == "r.example.com");
}

// containers/image's policy_reference_match semantics, case by case.
BOOST_AUTO_TEST_CASE(signed_identity_rules) {
    using K = policy::SignedIdentity::Kind;
    policy::SignedIdentity rule;
    auto ok = [&](K kind, const std::string& name, const std::string& identity) {
        rule.kind = kind;
        return identity_matches(rule, name, identity);
    };
    const std::string by_digest = "r.io/app@sha256:" + kManifest.hex;
    // matchRepoDigestOrExact: a tagged name needs that tag signed; a name by
    // digest the repository with some tag or digest; never a bare repository.
    BOOST_TEST(ok(K::match_repo_digest_or_exact, "r.io/app:v1", "r.io/app:v1"));
    BOOST_TEST(!ok(K::match_repo_digest_or_exact, "r.io/app:v1", "r.io/app:v2"));
    BOOST_TEST(!ok(K::match_repo_digest_or_exact, "r.io/app:v1", "r.io/app"));
    BOOST_TEST(!ok(K::match_repo_digest_or_exact, "r.io/app:v1", "r.io/app:v1@" + kManifest.str()));
    BOOST_TEST(ok(K::match_repo_digest_or_exact, by_digest, "r.io/app:v9"));
    BOOST_TEST(ok(K::match_repo_digest_or_exact, by_digest, by_digest));
    BOOST_TEST(!ok(K::match_repo_digest_or_exact, by_digest, "r.io/app"));
    BOOST_TEST(!ok(K::match_repo_digest_or_exact, by_digest, "r.io/other:v1"));
    // matchRepository: the repository, tag or not.
    BOOST_TEST(ok(K::match_repository, "r.io/app:v1", "r.io/app"));
    BOOST_TEST(ok(K::match_repository, "r.io/app:v1", "r.io/app:v2"));
    BOOST_TEST(ok(K::match_repository, by_digest, "r.io/app"));
    BOOST_TEST(!ok(K::match_repository, "r.io/app:v1", "r.io/app2"));
    BOOST_TEST(!ok(K::match_repository, "localhost:5000/app:v1", "localhost:5001/app"));
    // matchExact: equal, both with a tag or digest.
    BOOST_TEST(ok(K::match_exact, "r.io/app:v1", "r.io/app:v1"));
    BOOST_TEST(!ok(K::match_exact, "r.io/app:v1", "r.io/app"));
    BOOST_TEST(!ok(K::match_exact, "r.io/app:v1", "r.io/app:v2"));
    BOOST_TEST(ok(K::match_exact, by_digest, by_digest));
    // Both sides normalised as containers/image does: docker.io, library/.
    BOOST_TEST(ok(K::match_exact, "docker.io/library/busybox:1.36", "busybox:1.36"));
    BOOST_TEST(ok(K::match_repository, "docker.io/bitnami/redis:7", "bitnami/redis"));
    BOOST_TEST(ok(K::match_exact, "docker.io/library/busybox:1", "index.docker.io/busybox:1"));
    // Not references at all: never a match.
    BOOST_TEST(!ok(K::match_repository, "r.io/app:v1", "r.io/App"));
    BOOST_TEST(!ok(K::match_repository, "r.io/app:v1", ""));
    BOOST_TEST(!ok(K::match_repository, "r.io/app:v1", "r.io/app:bad tag"));
    // exactReference / exactRepository: what the policy names, whatever the image's name.
    rule.reference = "mirror.io/app:stable";
    BOOST_TEST(ok(K::exact_reference, "r.io/app:v1", "mirror.io/app:stable"));
    BOOST_TEST(!ok(K::exact_reference, "r.io/app:v1", "mirror.io/app"));
    BOOST_TEST(!ok(K::exact_reference, "r.io/app:v1", "r.io/app:v1"));
    rule.reference = "mirror.io/app";
    BOOST_TEST(!ok(K::exact_reference, "r.io/app:v1", "mirror.io/app"));
    rule.repository = "mirror.io/app";
    BOOST_TEST(ok(K::exact_repository, "r.io/app:v1", "mirror.io/app:anything"));
    BOOST_TEST(ok(K::exact_repository, "r.io/app:v1", "mirror.io/app"));
    BOOST_TEST(!ok(K::exact_repository, "r.io/app:v1", "r.io/app:v1"));
    // remapIdentity: the name with prefix → signedPrefix, then as
    // matchRepoDigestOrExact; a prefix matches whole components only.
    rule.prefix = "mirror.local/upstream";
    rule.signed_prefix = "r.io";
    BOOST_TEST(ok(K::remap_identity, "mirror.local/upstream/app:v1", "r.io/app:v1"));
    BOOST_TEST(!ok(K::remap_identity, "mirror.local/upstream/app:v1", "r.io/app"));
    BOOST_TEST(!ok(K::remap_identity, "mirror.local/upstream/app:v1", "mirror.local/upstream/app"));
    BOOST_TEST(
        ok(K::remap_identity, "mirror.local/upstreamx/app:v1", "mirror.local/upstreamx/app:v1"));
    BOOST_TEST(!ok(K::remap_identity, "mirror.local/upstreamx/app:v1", "r.iox/app:v1"));
    BOOST_TEST(ok(K::remap_identity, "r.io/app:v1", "r.io/app:v1"));
}

// A refusal says why: cosign's repository-only form under matchExact.
BOOST_AUTO_TEST_CASE(identity_refusals_name_why) {
    using K = policy::SignedIdentity::Kind;
    policy::SignedIdentity rule;
    rule.kind = K::match_exact;
    BOOST_TEST(*identity_refusal(rule, "r.io/app:v1", "r.io/app") ==
               "identity \"r.io/app\" is a repository without a tag or digest (cosign's form); "
               "matchExact wants \"r.io/app:v1\"");
    BOOST_TEST(*identity_refusal(rule, "r.io/app:v1", "r.io/app:v2") ==
               "identity \"r.io/app:v2\", matchExact wants \"r.io/app:v1\"");
    rule.kind = K::match_repo_digest_or_exact;
    BOOST_TEST(*identity_refusal(rule, "r.io/app:v1", "r.io/app") ==
               "identity \"r.io/app\" is a repository without a tag or digest (cosign's form); "
               "matchRepoDigestOrExact wants \"r.io/app:v1\"");
    rule.kind = K::match_repository;
    BOOST_TEST(*identity_refusal(rule, "r.io/app:v1", "r.io/other") ==
               "identity \"r.io/other\", matchRepository wants repository \"r.io/app\"");
    BOOST_TEST(*identity_refusal(rule, "r.io/app:v1", "R.io/x/Y") ==
               "identity \"R.io/x/Y\" is not a docker reference");
    rule.kind = K::exact_repository;
    rule.repository = "Not/A/Repo";
    BOOST_TEST(*identity_refusal(rule, "r.io/app:v1", "r.io/app") ==
               "exactRepository's dockerRepository \"Not/A/Repo\" is not a docker reference");
}

BOOST_AUTO_TEST_CASE(admission_with_keys_read_at_check_time) {
    TempDir dir;
    PrivateKey key = PrivateKey::generate();
    PrivateKey stranger = PrivateKey::generate();
    write_bytes(dir.str("demo.pub"), key.public_pem());
    std::string payload = make_payload(kManifest, "localhost/demo");
    Signature sig{payload, key.sign(payload), "signature layer sha256:aa", ""};
    policy::TrustSection t = trust_of(
        R"({"default": [{"type": "reject"}], "scopes": {"localhost/demo": [{"type": "sigstoreSigned", "keyPath": ")" +
        dir.str("demo.pub") + R"(", "signedIdentity": {"type": "matchRepository"}}]}})");

    Admission a = admit_image(t, "localhost/demo:latest", {kManifest}, {sig});
    BOOST_TEST(a.scope == "localhost/demo");
    BOOST_TEST(a.requirement == "sigstoreSigned");
    BOOST_REQUIRE(a.signature);
    BOOST_TEST(a.signature->key == dir.str("demo.pub"));

    // Outside the scope: the default rejects.
    BOOST_TEST(error_of([&] { admit_image(t, "localhost/other:latest", {kManifest}, {sig}); }) ==
               "localhost/other:latest is rejected by the policy (scope \"default\")");
    // Signed by another key.
    Signature forged{payload, stranger.sign(payload), "signature layer sha256:bb", ""};
    BOOST_TEST(error_of([&] { admit_image(t, "localhost/demo:latest", {kManifest}, {forged}); }) ==
               "no signature by a trusted key for localhost/demo:latest (manifest " +
                   kManifest.str() + "): signature layer sha256:bb: does not verify with key " +
                   dir.str("demo.pub"));
    // Signed for another identity.
    std::string other = make_payload(kManifest, "localhost/evil");
    Signature wrong_id{other, key.sign(other), "signature layer sha256:cc", ""};
    BOOST_TEST(
        error_of([&] { admit_image(t, "localhost/demo:latest", {kManifest}, {wrong_id}); }) ==
        "no signature by a trusted key for localhost/demo:latest (manifest " + kManifest.str() +
            "): signature layer sha256:cc: identity \"localhost/evil\", matchRepository wants "
            "repository \"localhost/demo\"");
    // The key file removed from the host: the policy names a key it cannot
    // read, so nothing it signed is admitted any more.
    std::filesystem::remove(dir.str("demo.pub"));
    BOOST_TEST(error_of([&] { admit_image(t, "localhost/demo:latest", {kManifest}, {sig}); }) ==
               "trust.scopes[\"localhost/demo\"][0]: no key left to verify with: key file " +
                   dir.str("demo.pub") + " does not exist");
}

// Rotation: several keys per requirement (keyPaths); a key taken out of the
// list revokes what it signed; a deleted key file among several is skipped
// with a warning, the others keep working; none left, or a file that is not
// a key, is an error naming the file.
BOOST_AUTO_TEST_CASE(key_rotation_with_key_paths) {
    TempDir dir;
    PrivateKey old_key = PrivateKey::generate();
    PrivateKey new_key = PrivateKey::generate();
    write_bytes(dir.str("old.pub"), old_key.public_pem());
    write_bytes(dir.str("new.pub"), new_key.public_pem());
    std::string payload = make_payload(kManifest, "r.io/app:v1");
    Signature by_old{payload, old_key.sign(payload), "signature layer sha256:01", ""};
    Signature by_new{payload, new_key.sign(payload), "signature layer sha256:02", ""};
    auto policy_with = [&](const std::string& paths) {
        return trust_of(R"({"default": [{"type": "sigstoreSigned", "keyPaths": [)" + paths +
                        "]}]}");
    };
    std::string both = "\"" + dir.str("old.pub") + "\", \"" + dir.str("new.pub") + "\"";
    policy::TrustSection rotating = policy_with(both);

    Admission a = admit_image(rotating, "r.io/app:v1", {kManifest}, {by_old});
    BOOST_REQUIRE(a.signature);
    BOOST_TEST(a.signature->key == dir.str("old.pub"));
    BOOST_REQUIRE(a.met.size() == 1u);
    BOOST_TEST(a.met[0].where == "trust.default[0]");
    BOOST_TEST(a.warnings.empty());
    BOOST_TEST(admit_image(rotating, "r.io/app:v1", {kManifest}, {by_new}).signature->key ==
               dir.str("new.pub"));

    // Revocation by removal: the old key is no longer listed.
    policy::TrustSection rotated = policy_with("\"" + dir.str("new.pub") + "\"");
    BOOST_TEST(error_of([&] { admit_image(rotated, "r.io/app:v1", {kManifest}, {by_old}); }) ==
               "no signature by a trusted key for r.io/app:v1 (manifest " + kManifest.str() +
                   "): signature layer sha256:01: does not verify with key " + dir.str("new.pub"));

    // The old key's file deleted while the policy still lists it.
    std::filesystem::remove(dir.str("old.pub"));
    Admission b = admit_image(rotating, "r.io/app:v1", {kManifest}, {by_new});
    BOOST_TEST(b.signature->key == dir.str("new.pub"));
    BOOST_TEST(b.warnings ==
                   std::vector<std::string>{"trust.default[0]: key " + dir.str("old.pub") +
                                            " does not exist; skipped, the "
                                            "requirement's other keys remain"},
               boost::test_tools::per_element());
    BOOST_TEST(error_of([&] {
                   admit_image(rotating, "r.io/app:v1", {kManifest}, {by_old});
               }).find("does not verify with key " + dir.str("new.pub")) != std::string::npos);

    // Every file gone: nothing can verify, and the error names them.
    std::filesystem::remove(dir.str("new.pub"));
    BOOST_TEST(error_of([&] { admit_image(rotating, "r.io/app:v1", {kManifest}, {by_new}); }) ==
               "trust.default[0]: no key left to verify with: key files " + dir.str("old.pub") +
                   ", " + dir.str("new.pub") + " do not exist");

    // A file that is there but not a key is never skipped.
    write_bytes(dir.str("new.pub"), new_key.public_pem());
    write_bytes(dir.str("old.pub"), "not a key\n");
    BOOST_TEST(error_of([&] { admit_image(rotating, "r.io/app:v1", {kManifest}, {by_new}); })
                   .find("trust.default[0]: key " + dir.str("old.pub") + ": " + dir.str("old.pub") +
                         ": not a PEM public key") == 0u);
}

BOOST_AUTO_TEST_CASE(key_data_and_every_requirement) {
    PrivateKey key = PrivateKey::generate();
    std::string payload = make_payload(kManifest, "r.io/app:v1");
    Signature sig{payload, key.sign(payload), "sig", ""};
    std::string data = base64_encode(key.public_pem());
    policy::TrustSection t = trust_of(R"({"default": [{"type": "insecureAcceptAnything"},
        {"type": "sigstoreSigned", "keyData": ")" +
                                      data + R"("}]})");
    BOOST_TEST(admit_image(t, "r.io/app:v1", {kManifest}, {sig}).requirement == "sigstoreSigned");
    // Both requirements must hold: insecureAcceptAnything does not excuse
    // the missing signature.
    BOOST_TEST(error_of([&] {
                   admit_image(t, "r.io/app:v1", {kManifest}, {});
               }).find("no signature for r.io/app:v1 (manifest " + kManifest.str() + ")") == 0u);
    policy::TrustSection bad =
        trust_of(R"({"default": [{"type": "sigstoreSigned", "keyData": "!!"}]})");
    BOOST_TEST(error_of([&] { admit_image(bad, "r.io/app:v1", {kManifest}, {sig}); }) ==
               "trust.default[0].keyData: not base64 (keyData is the PEM public key, "
               "base64-encoded)");
}

BOOST_AUTO_TEST_CASE(shipped_policies_have_trust_sections) {
    for (const char* name : {"hardened", "baseline", "compat"}) {
        std::string path = std::string("contrib/policies/") + name + ".json";
        policy::Policy p = policy::parse_policy(ward::read_file(path), path);
        BOOST_REQUIRE_MESSAGE(p.trust, name);
    }
    policy::Policy h = policy::parse_policy(policy::builtin_hardened_text(), "built-in");
    BOOST_TEST(error_of([&] {
                   admit_image(*h.trust, "docker.io/library/busybox:1", {kManifest}, {});
               }) == "docker.io/library/busybox:1 is rejected by the policy (scope \"default\")");
    BOOST_TEST((h.trust->unverified == policy::TrustSection::Unverified::refuse));
}

BOOST_AUTO_TEST_SUITE_END()
