// Sigstore bundles v0.3 (cosign v3's default) made by sigstore-js
// (tests/data/cosign-bundle/make-fixtures.sh), verified by the same
// verify_signatures that checks simple signing: each refusal names why.
#include "trust_helpers.hpp"
#include "ward/policy/policy.hpp"
#include "ward/trust/admission.hpp"
#include "ward/trust/sigstore_bundle.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace ward;
using namespace ward::trust;
using ward::test::contains;
using ward::test::error_of;

namespace {

const std::string kDir = "tests/data/cosign-bundle/";

std::string slurp(const std::string& name) {
    std::ifstream in(kDir + name, std::ios::binary);
    BOOST_REQUIRE_MESSAGE(in, "cannot read " << kDir + name);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

Digest manifest() {
    std::string text = slurp("manifest-digest");
    return parse_digest(text.substr(0, text.find('\n')));
}

Signature bundle(const std::string& name) {
    return Signature{slurp(name), "", name, "", SignatureFormat::sigstore_bundle};
}

PublicKey key(const std::string& name) {
    return PublicKey::load(kDir + name);
}

VerifiedSignature verify(const std::string& name, const std::string& pub,
                         const std::vector<PublicKey>& log_keys = {}, IdentityCheck id = {}) {
    return verify_signatures({bundle(name)}, {key(pub)}, {manifest()}, id, "the image", log_keys);
}

std::string refusal(const std::string& name, const std::string& pub,
                    const std::vector<PublicKey>& log_keys = {}, IdentityCheck id = {}) {
    return error_of([&] { verify(name, pub, log_keys, id); });
}

} // namespace

BOOST_AUTO_TEST_SUITE(trust_sigstore_bundle)

BOOST_AUTO_TEST_CASE(a_sigstore_js_bundle_over_the_manifest_verifies) {
    VerifiedSignature v = verify("good.bundle.json", "signer.pub");
    BOOST_TEST(v.signed_digest.str() == manifest().str());
    BOOST_TEST(v.key == kDir + "signer.pub");
    BOOST_TEST(v.identity == "");
    BOOST_TEST(signature_format_name(v.format) == "sigstore bundle v0.3");
    BOOST_TEST(v.notes.empty());
}

BOOST_AUTO_TEST_CASE(each_bad_bundle_is_refused_with_its_reason) {
    std::string other = refusal("other-digest.bundle.json", "signer.pub");
    BOOST_TEST(contains(other, "no signature by a trusted key for the image: "
                               "other-digest.bundle.json: signs sha256:"),
               other);
    BOOST_TEST(contains(other, ", not this image"), other);
    BOOST_TEST(contains(refusal("tampered.bundle.json", "signer.pub"),
                        "tampered.bundle.json: does not verify with key " + kDir + "signer.pub"));
    BOOST_TEST(contains(refusal("good.bundle.json", "other.pub"),
                        "good.bundle.json: does not verify with key " + kDir + "other.pub"));
    std::string predicate = refusal("wrong-predicate.bundle.json", "signer.pub");
    BOOST_TEST(contains(predicate, "wrong-predicate.bundle.json: statement: predicateType: "
                                   "\"https://slsa.dev/provenance/v1\" is not cosign's image "
                                   "signature (\"https://sigstore.dev/cosign/sign/v1\")"),
               predicate);
}

BOOST_AUTO_TEST_CASE(a_log_entry_is_checked_only_with_a_log_key) {
    VerifiedSignature unchecked = verify("tlog.bundle.json", "signer.pub");
    BOOST_TEST(
        unchecked.notes ==
            std::vector<std::string>{"transparency-log entry not checked (no rekorPublicKeyPath)"},
        boost::test_tools::per_element());
    VerifiedSignature checked = verify("tlog.bundle.json", "signer.pub", {key("rekor.pub")});
    BOOST_TEST(checked.notes == std::vector<std::string>{"log entry 42 (dsse) promised by " + kDir +
                                                         "rekor.pub"},
               boost::test_tools::per_element());

    std::string bad_set = refusal("bad-set.bundle.json", "signer.pub", {key("rekor.pub")});
    BOOST_TEST(contains(bad_set, "bad-set.bundle.json: tlogEntries[0]: signed entry timestamp "
                                 "does not verify with " +
                                     kDir + "rekor.pub"),
               bad_set);
    // Without a log key the altered entry is not read: the signature stands.
    BOOST_TEST(verify("bad-set.bundle.json", "signer.pub").notes.size() == 1u);
    BOOST_TEST(contains(refusal("tlog.bundle.json", "signer.pub", {key("rekor-other.pub")}),
                        "tlogEntries[0]: log "));
    BOOST_TEST(contains(refusal("tlog.bundle.json", "signer.pub", {key("rekor-other.pub")}),
                        " is not one the policy trusts"));
    BOOST_TEST(contains(refusal("good.bundle.json", "signer.pub", {key("rekor.pub")}),
                        "good.bundle.json: no transparency-log entry, and the policy names a log "
                        "key (rekorPublicKeyPath)"));
}

BOOST_AUTO_TEST_CASE(a_stated_identity_refuses_a_bundle_the_default_does_not) {
    IdentityCheck any_name;
    any_name.refusal = [](const std::string&) { return std::nullopt; };
    any_name.want = "the identity repository \"r.example/app\"";
    BOOST_TEST(verify("good.bundle.json", "signer.pub", {}, any_name).key == kDir + "signer.pub");
    any_name.stated = true;
    BOOST_TEST(contains(refusal("good.bundle.json", "signer.pub", {}, any_name),
                        "good.bundle.json: a sigstore bundle names no docker-reference, and the "
                        "identity repository \"r.example/app\" was asked for"));
}

BOOST_AUTO_TEST_CASE(the_bundle_parser_is_strict_and_names_the_field) {
    std::string good = slurp("good.bundle.json");
    SigstoreBundle b = parse_sigstore_bundle(good, "b");
    BOOST_TEST(b.payload_type == "application/vnd.in-toto+json");
    BOOST_TEST(b.log_entries.empty());
    BOOST_TEST(parse_sigstore_bundle(slurp("tlog.bundle.json"), "b").log_entries.at(0).log_index ==
               42);
    auto with = [&](const std::string& from, const std::string& to) {
        std::string s = good;
        size_t at = s.find(from);
        BOOST_REQUIRE(at != std::string::npos);
        return s.replace(at, from.size(), to);
    };
    BOOST_TEST(error_of([&] {
                   parse_sigstore_bundle(with("bundle.v0.3+json", "bundle.v0.1+json"), "b");
               }) == "b: mediaType: \"application/vnd.dev.sigstore.bundle.v0.1+json\" is not a "
                     "Sigstore bundle v0.3 (\"application/vnd.dev.sigstore.bundle.v0.3+json\")");
    BOOST_TEST(error_of([&] {
                   parse_sigstore_bundle(
                       with("\"dsseEnvelope\"", "\"messageSignature\": {}, \"x\""), "b");
               }) == "b: messageSignature: a message-signature bundle signs a blob, not an image "
                     "(want dsseEnvelope)");
    BOOST_TEST(error_of([&] {
                   parse_sigstore_bundle(
                       with("\"signatures\": [", "\"signatures\": [{\"sig\": \"AA==\"},"), "b");
               }) == "b: dsseEnvelope.signatures: want exactly one, got 2");
    BOOST_TEST(error_of([&] {
                   parse_sigstore_bundle(with("application/vnd.in-toto+json", "text/plain"), "b");
               }) == "b: dsseEnvelope.payloadType: \"text/plain\", want "
                     "\"application/vnd.in-toto+json\"");
    BOOST_TEST(dsse_pae("t", "ab") == "DSSEv1 1 t 2 ab");
}

BOOST_AUTO_TEST_CASE(the_policy_names_log_keys_as_containers_policy_does) {
    std::string pub = std::filesystem::current_path().string() + "/" + kDir;
    std::string text =
        R"({"name": "p", "rules": {}, "trust": {"default": [{"type": "sigstoreSigned", "keyPath": ")" +
        pub + R"(signer.pub", "rekorPublicKeyPath": ")" + pub + R"(rekor.pub"}]}})";
    policy::Policy p = policy::parse_policy(text, "p.json");
    const policy::Requirement& req = p.trust->default_requirements.at(0);
    BOOST_TEST(req.rekor_key_paths == std::vector<std::string>{pub + "rekor.pub"},
               boost::test_tools::per_element());
    BOOST_TEST(!req.signed_identity.stated);
    Admission a =
        admit_image(*p.trust, "r.example/app:v1", {manifest()}, {bundle("tlog.bundle.json")});
    BOOST_TEST(a.signature->notes.at(0) == "log entry 42 (dsse) promised by " + pub + "rekor.pub");
    BOOST_TEST(contains(error_of([&] {
                            admit_image(*p.trust, "r.example/app:v1", {manifest()},
                                        {bundle("bad-set.bundle.json")});
                        }),
                        "signed entry timestamp does not verify"));
}

BOOST_AUTO_TEST_SUITE_END()
