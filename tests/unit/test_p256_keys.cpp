// ward's P-256 keys and signatures against the openssl command, which did
// not come from this project: what openssl makes, ward reads and verifies;
// what ward makes, openssl reads and verifies. Then the encodings ward must
// refuse: other algorithms and curves, encrypted keys, points off the
// curve, and DER that is not the one canonical form.
#include "../../runtime/trust/p256_der.hpp"
#include "trust_helpers.hpp"
#include "ward/trust/digest.hpp"
#include "ward/trust/keys.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward;
using namespace ward::trust;
using ward::test::contains;
using ward::test::error_of;
using ward::test::sh;
using ward::test::TempDir;
using ward::test::write_bytes;

namespace {

struct OpensslKey {
    TempDir dir;
    std::string key, pub;
    explicit OpensslKey(const std::string& genpkey_args) {
        key = dir.str("k.pem");
        pub = dir.str("k.pub");
        sh("openssl genpkey " + genpkey_args + " -out " + key + " 2>/dev/null");
        sh("openssl pkey -in " + key + " -pubout -out " + pub);
    }
    std::string file(const std::string& path) const { return ward::read_file(path); }
};

const char* kP256 = "-algorithm EC -pkeyopt ec_paramgen_curve:P-256";

// The first `label` block's DER, re-armoured after `edit` changed it.
std::string edited_pem(const std::string& pem, const std::string& label,
                       const std::function<void(std::string&)>& edit) {
    std::string der = *p256::pem_block(pem, label);
    edit(der);
    return p256::pem_armor(der, label);
}

} // namespace

BOOST_AUTO_TEST_SUITE(p256_keys)

BOOST_AUTO_TEST_CASE(what_openssl_signs_ward_verifies) {
    OpensslKey k(kP256);
    write_bytes(k.dir.str("data"), "the payload");
    sh("openssl dgst -sha256 -sign " + k.key + " -out " + k.dir.str("sig") + " " +
       k.dir.str("data"));
    std::string sig = k.file(k.dir.str("sig"));
    PublicKey pub = PublicKey::load(k.pub);
    BOOST_TEST(pub.verify("the payload", sig));
    BOOST_TEST(!pub.verify("the payload.", sig));
    // The DER is the key's own bytes, as a Rekor log ID hashes them.
    BOOST_TEST(pub.der() == sh("openssl pkey -pubin -in " + k.pub + " -outform DER"));
    // openssl's private key, PKCS#8 and SEC 1 ("EC PRIVATE KEY") alike.
    PrivateKey pkcs8 = PrivateKey::load(k.key);
    BOOST_TEST(pkcs8.public_pem() == k.file(k.pub));
    sh("openssl ec -in " + k.key + " -out " + k.dir.str("sec1.pem") + " 2>/dev/null");
    BOOST_TEST(contains(k.file(k.dir.str("sec1.pem")), "BEGIN EC PRIVATE KEY"));
    BOOST_TEST(PrivateKey::load(k.dir.str("sec1.pem")).public_pem() == k.file(k.pub));
}

BOOST_AUTO_TEST_CASE(what_ward_signs_openssl_verifies) {
    TempDir t;
    PrivateKey key = PrivateKey::generate();
    write_bytes(t.str("k.pem"), key.pem());
    write_bytes(t.str("k.pub"), key.public_pem());
    // openssl reads both, and derives the same public key from the private.
    BOOST_TEST(sh("openssl pkey -in " + t.str("k.pem") + " -pubout") == key.public_pem());
    BOOST_TEST(sh("openssl pkey -in " + t.str("k.pem") + " -outform PEM") == key.pem());
    for (int i = 0; i < 8; ++i) { // r and s of every length DER can give
        std::string data = "payload " + std::to_string(i);
        write_bytes(t.str("data"), data);
        write_bytes(t.str("sig"), key.sign(data));
        BOOST_TEST(sh("openssl dgst -sha256 -verify " + t.str("k.pub") + " -signature " +
                      t.str("sig") + " " + t.str("data")) == "Verified OK\n");
    }
}

BOOST_AUTO_TEST_CASE(a_compressed_public_key_is_read) {
    OpensslKey k(kP256);
    std::string compressed = k.dir.str("c.pub");
    sh("openssl ec -in " + k.key + " -pubout -conv_form compressed -out " + compressed +
       " 2>/dev/null");
    write_bytes(k.dir.str("data"), "x");
    sh("openssl dgst -sha256 -sign " + k.key + " -out " + k.dir.str("sig") + " " +
       k.dir.str("data"));
    PublicKey pub = PublicKey::load(compressed);
    BOOST_TEST(pub.der().size() == 59u);
    BOOST_TEST(pub.verify("x", k.file(k.dir.str("sig"))));
    BOOST_TEST(!pub.verify("y", k.file(k.dir.str("sig"))));
}

BOOST_AUTO_TEST_CASE(other_algorithms_curves_and_encrypted_keys_are_refused) {
    OpensslKey rsa("-algorithm RSA -pkeyopt rsa_keygen_bits:1024");
    BOOST_TEST(contains(error_of([&] { PublicKey::load(rsa.pub); }),
                        rsa.pub + ": not an EC key (ward signs and verifies with ECDSA P-256"));
    BOOST_TEST(contains(error_of([&] { PrivateKey::load(rsa.key); }), rsa.key + ": not an EC key"));
    OpensslKey ed("-algorithm ED25519");
    BOOST_TEST(contains(error_of([&] { PublicKey::load(ed.pub); }), ": not an EC key"));
    OpensslKey p384("-algorithm EC -pkeyopt ec_paramgen_curve:P-384");
    BOOST_TEST(contains(error_of([&] { PrivateKey::load(p384.key); }),
                        "EC key on curve secp384r1, want P-256 (prime256v1)"));
    OpensslKey k1("-algorithm EC -pkeyopt ec_paramgen_curve:secp256k1");
    BOOST_TEST(contains(error_of([&] { PublicKey::load(k1.pub); }),
                        "EC key on curve secp256k1, want P-256"));

    OpensslKey k(kP256);
    std::string encrypted = k.dir.str("enc.pem");
    sh("openssl pkcs8 -topk8 -in " + k.key + " -passout pass:secret -out " + encrypted);
    BOOST_TEST(contains(error_of([&] { PrivateKey::load(encrypted); }),
                        ": not an unencrypted PEM private key: the key is encrypted"));
    std::string traditional = k.dir.str("trad.pem");
    sh("openssl ec -in " + k.key + " -aes256 -passout pass:secret -out " + traditional +
       " 2>/dev/null");
    BOOST_TEST(contains(error_of([&] { PrivateKey::load(traditional); }),
                        "the block has headers (an encrypted key?)"));
    // Explicit curve parameters instead of the name.
    std::string explicit_params = k.dir.str("explicit.pub");
    sh("openssl ec -in " + k.key + " -pubout -param_enc explicit -out " + explicit_params +
       " 2>/dev/null");
    BOOST_TEST(contains(error_of([&] { PublicKey::load(explicit_params); }),
                        "given by explicit parameters, not by name, want P-256"));
}

BOOST_AUTO_TEST_CASE(a_point_off_the_curve_and_a_mismatched_pair_are_refused) {
    OpensslKey k(kP256);
    std::string off = edited_pem(k.file(k.pub), "PUBLIC KEY", [](std::string& der) {
        der.back() ^= 1; // y no longer matches x
    });
    BOOST_TEST(error_of([&] { PublicKey::from_pem(off, "off.pub"); }) ==
               "off.pub: the public key is not a point on P-256");
    // A private key whose embedded public point is another key's.
    PrivateKey other = PrivateKey::generate();
    std::string other_point = *p256::pem_block(other.public_pem(), "PUBLIC KEY");
    std::string mixed = edited_pem(k.file(k.key), "PRIVATE KEY", [&](std::string& der) {
        der.replace(der.size() - 64, 64, other_point.substr(other_point.size() - 64));
    });
    BOOST_TEST(error_of([&] { PrivateKey::from_pem(mixed, "mixed.pem"); }) ==
               "mixed.pem: its public key does not match its private key");
}

BOOST_AUTO_TEST_CASE(der_that_is_not_canonical_is_refused) {
    OpensslKey k(kP256);
    std::string pem = k.file(k.pub);
    std::string trailing =
        edited_pem(pem, "PUBLIC KEY", [](std::string& der) { der.push_back('\0'); });
    BOOST_TEST(contains(error_of([&] { PublicKey::from_pem(trailing, "t.pub"); }),
                        "t.pub: not a PEM public key (want \"-----BEGIN PUBLIC KEY-----\"): "
                        "public key: trailing bytes"));
    std::string long_length = edited_pem(pem, "PUBLIC KEY", [](std::string& der) {
        der.replace(0, 2, std::string("\x30\x81\x59", 3)); // 0x59 in the long form
    });
    BOOST_TEST(
        contains(error_of([&] { PublicKey::from_pem(long_length, "l.pub"); }), "has a bad length"));
    BOOST_TEST(contains(error_of([&] { PublicKey::from_pem(pem.substr(0, 60), "cut.pub"); }),
                        "no \"-----END PUBLIC KEY-----\" line"));

    PrivateKey key = PrivateKey::generate();
    PublicKey pub = key.public_key();
    std::string sig = key.sign("data");
    BOOST_TEST(pub.verify("data", sig));
    auto parts = *p256::signature_from_der(sig);
    BOOST_TEST(p256::signature_der(parts) == sig);
    // r with a needless leading zero byte: the same number, another spelling.
    auto integer = [](std::string v, bool extra_zero) {
        v = v.substr(v.find_first_not_of('\0'));
        if (uint8_t(v[0]) & 0x80)
            v.insert(0, 1, '\0');
        if (extra_zero)
            v.insert(0, 1, '\0');
        return std::string("\x02", 1) + char(v.size()) + v;
    };
    std::string body = integer(parts.r, true) + integer(parts.s, false);
    BOOST_TEST(!pub.verify("data", std::string("\x30", 1) + char(body.size()) + body));
    body = integer(parts.r, false) + integer(parts.s, false);
    BOOST_TEST(pub.verify("data", std::string("\x30", 1) + char(body.size()) + body));
    BOOST_TEST(!pub.verify("data", sig + '\0'));
    BOOST_TEST(!pub.verify("data", sig.substr(0, sig.size() - 1)));
    BOOST_TEST(!pub.verify("data", std::string("\x30\x00", 2)));
    BOOST_TEST(!p256::signature_from_der(std::string("\x30\x06\x02\x01\x00\x02\x01\x01", 8)));
}

BOOST_AUTO_TEST_CASE(pem_around_text_and_with_crlf_is_read) {
    OpensslKey k(kP256);
    std::string pem = k.file(k.pub);
    std::string crlf;
    for (char c : pem)
        crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    PublicKey a = PublicKey::from_pem("a comment line\n" + crlf + "trailing text\n", "a.pub");
    BOOST_TEST(a.der() == PublicKey::from_pem(pem, "b.pub").der());
    // A BEGIN that is not at a line start is not a block.
    BOOST_TEST(contains(error_of([&] { PublicKey::from_pem("x" + pem, "x.pub"); }),
                        "x.pub: not a PEM public key"));
}

BOOST_AUTO_TEST_SUITE_END()
