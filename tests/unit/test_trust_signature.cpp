// Keys, simple-signing payloads and signature checks: a payload is parsed
// only after its signature verified, strictly; refusals say why.
#include "../../runtime/trust/base64.hpp"
#include "trust_layout_helpers.hpp"
#include "ward/trust/sign.hpp"
#include "ward/trust/signature.hpp"
#include "ward/trust/store.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward;
using namespace ward::trust;
using trust_test::by_tag;
using trust_test::contains;
using trust_test::error_of;
using trust_test::simple_image;
using trust_test::TempLayout;

namespace {

const Digest kD{"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"};

std::string payload_with(const std::string& critical_extra, const std::string& optional = "null") {
    return R"({"critical":{"identity":{"docker-reference":"r.example/app"},"image":{"docker-manifest-digest":")" +
           kD.str() + R"("},"type":"cosign container image signature")" + critical_extra +
           R"(},"optional":)" + optional + "}";
}

} // namespace

BOOST_AUTO_TEST_SUITE(trust_signature)

BOOST_AUTO_TEST_CASE(payload_is_cosigns_exact_form) {
    BOOST_TEST(make_payload(kD, "r.example/app") == payload_with(""));
    SignaturePayload p = parse_payload(payload_with(""), "payload");
    BOOST_TEST(p.manifest_digest == kD);
    BOOST_TEST(p.docker_reference == "r.example/app");
    BOOST_TEST(parse_payload(payload_with("", R"({"creator":"x"})"), "p").docker_reference ==
               "r.example/app");
}

BOOST_AUTO_TEST_CASE(payload_parse_is_strict) {
    BOOST_TEST(error_of([] { parse_payload(payload_with(R"(,"extra":1)"), "p"); }) ==
               "p: .critical.extra: unknown field refused");
    BOOST_TEST(error_of([] { parse_payload(payload_with("", "1"), "p"); }) ==
               "p: .optional: expected object or null, got number");
    BOOST_TEST(error_of([] { parse_payload(R"({"critical":{}, "x":1})", "p"); }) ==
               "p: .x: unknown field refused");
    std::string wrong_type = payload_with("");
    wrong_type.replace(wrong_type.find("cosign container"), 6, "atomic");
    BOOST_TEST(error_of([&] { parse_payload(wrong_type, "p"); }) ==
               "p: .critical.type: \"atomic container image signature\", want \"cosign container "
               "image signature\"");
    std::string bad_digest = payload_with("");
    bad_digest.replace(bad_digest.find("sha256:"), 7, "sha512:");
    BOOST_TEST(contains(error_of([&] { parse_payload(bad_digest, "p"); }),
                        "p: .critical.image.docker-manifest-digest: invalid digest"));
    BOOST_TEST(contains(error_of([] { parse_payload("{", "p"); }), "p: invalid JSON"));
}

BOOST_AUTO_TEST_CASE(base64_is_strict) {
    BOOST_TEST(base64_encode("ab") == "YWI=");
    BOOST_TEST(*base64_decode("YWI=") == "ab");
    BOOST_TEST(*base64_decode("YWJj") == "abc");
    BOOST_TEST(!base64_decode("YWI"));
    BOOST_TEST(!base64_decode("YW I="));
    BOOST_TEST(!base64_decode("YWJ=")); // non-canonical padding bits
    BOOST_TEST(!base64_decode("Y===")); // too much padding
    std::string all;
    for (int i = 0; i < 256; ++i)
        all.push_back(char(i));
    BOOST_TEST(*base64_decode(base64_encode(all)) == all);
}

BOOST_AUTO_TEST_CASE(keys_sign_and_verify) {
    PrivateKey key = PrivateKey::generate();
    PublicKey pub = PublicKey::from_pem(key.public_pem(), "demo.pub");
    std::string sig = key.sign("payload");
    BOOST_TEST(pub.verify("payload", sig));
    BOOST_TEST(!pub.verify("payload ", sig));
    BOOST_TEST(!pub.verify("payload", "not der"));
    BOOST_TEST(!PrivateKey::generate().public_key().verify("payload", sig));
    // Round trip through PKCS#8 PEM.
    PrivateKey again = PrivateKey::from_pem(key.pem(), "k");
    BOOST_TEST(pub.verify("x", again.sign("x")));
    BOOST_TEST(contains(key.pem(), "-----BEGIN PRIVATE KEY-----"));
    BOOST_TEST(contains(error_of([] { PublicKey::from_pem("garbage", "g.pub"); }),
                        "g.pub: not a PEM public key"));
    BOOST_TEST(contains(error_of([] { PrivateKey::from_pem("garbage", "g.key"); }),
                        "g.key: not an unencrypted PEM private key"));
}

BOOST_AUTO_TEST_CASE(verify_signatures_says_why_each_failed) {
    PrivateKey key = PrivateKey::generate();
    PublicKey pub = PublicKey::from_pem(key.public_pem(), "demo.pub");
    std::string payload = make_payload(kD, "r.example/app");
    Signature good{payload, key.sign(payload), "sig A", ""};
    VerifiedSignature v = verify_signatures({good}, {pub}, {kD}, std::nullopt);
    BOOST_TEST(v.identity == "r.example/app");
    BOOST_TEST(v.key == "demo.pub");
    BOOST_TEST(v.origin == "sig A");

    Digest other = sha256("other");
    BOOST_TEST(error_of([&] { verify_signatures({good}, {pub}, {other}, std::nullopt); }) ==
               "no signature by a trusted key for manifest " + other.str() + ": sig A: signs " +
                   kD.str() + ", not this image");
    BOOST_TEST(error_of([&] { verify_signatures({good}, {pub}, {kD}, "r.example/other"); }) ==
               "no signature by a trusted key for manifest " + kD.str() +
                   ": sig A: identity \"r.example/app\", want \"r.example/other\"");
    PublicKey stranger = PrivateKey::generate().public_key();
    BOOST_TEST(
        contains(error_of([&] { verify_signatures({good}, {stranger}, {kD}, std::nullopt); }),
                 "sig A: does not verify with key generated key (public part)"));
    // Signed garbage: refused by the parser, but only after the signature verified.
    Signature junk{"{\"critical\":1}", key.sign("{\"critical\":1}"), "sig B", ""};
    BOOST_TEST(contains(error_of([&] { verify_signatures({junk}, {pub}, {kD}, std::nullopt); }),
                        "sig B: payload: .critical: expected object, got number"));
    // Unsigned garbage never reaches the parser.
    Signature unsigned_junk{"{", "x", "sig C", ""};
    BOOST_TEST(
        contains(error_of([&] { verify_signatures({unsigned_junk}, {pub}, {kD}, std::nullopt); }),
                 "sig C: does not verify with key demo.pub"));
    // One good signature among bad ones is enough.
    BOOST_TEST(verify_signatures({unsigned_junk, good}, {pub}, {kD}, std::nullopt).origin ==
               "sig A");
    BOOST_TEST(contains(error_of([&] { verify_signatures({}, {pub}, {kD}, std::nullopt); }),
                        "no signature for manifest " + kD.str()));
}

BOOST_AUTO_TEST_CASE(sign_image_then_find_and_verify) {
    TempLayout l;
    std::string m = simple_image(l);
    l.index(m + R"(,"annotations":{"org.opencontainers.image.ref.name":"v1"}})");
    PrivateKey key = PrivateKey::generate();
    SignResult r = sign_image(l.str(), by_tag("v1"), key, "r.example/app");
    BOOST_TEST(r.tag == signature_tag(r.manifest_digest));

    Layout layout = Layout::open(l.str());
    VerifiedImage img = verify_image(layout, by_tag("v1"));
    auto sigs = find_layout_signatures(layout, img.chain);
    BOOST_REQUIRE(sigs.size() == 1u);
    VerifiedSignature v = verify_signatures(sigs, {key.public_key()}, img.chain, "r.example/app");
    BOOST_TEST(v.signed_digest == img.manifest_digest());
    // The layout still has one image (the signature entry is not one).
    BOOST_TEST(verify_image(layout, SelectOptions{}).manifest_digest() == img.manifest_digest());
}

// The default signs the name import gives the image (repository and tag,
// as skopeo signs); cosign's form, the repository alone, on request.
BOOST_AUTO_TEST_CASE(default_identity_from_tag_or_directory) {
    auto full = [](const std::string& dir, const std::string& ref) {
        return default_identity(dir, ref, IdentityForm::reference);
    };
    auto repo = [](const std::string& dir, const std::string& ref) {
        return default_identity(dir, ref, IdentityForm::repository);
    };
    BOOST_TEST(full("img", "docker.io/library/busybox:1.36") == "docker.io/library/busybox:1.36");
    BOOST_TEST(repo("img", "docker.io/library/busybox:1.36") == "docker.io/library/busybox");
    BOOST_TEST(full("/srv/images/app/", "v1") == "localhost/app:v1");
    BOOST_TEST(full("/srv/images/app", "") == "localhost/app:latest");
    BOOST_TEST(repo("/srv/images/app", "v1") == "localhost/app");
    // What it signs is the name import would give the image.
    BOOST_TEST(full("/srv/images/app", "v1") == default_image_name("/srv/images/app", "v1"));
    BOOST_TEST(error_of([] {
                   default_identity("img", "r.example:5000/a/b@" + kD.str(),
                                    IdentityForm::reference);
               }) == "ref.name \"r.example:5000/a/b@" + kD.str() +
                         "\" pins a digest, not a tag: say what to sign with --identity REF");
}

BOOST_AUTO_TEST_SUITE_END()
