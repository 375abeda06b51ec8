// Signed plain bundles: a signed bundle verifies, and every change to it
// (a file's content, mode, owner, a file added or removed, a symlink's
// target, config.json, the record, the signature, the key) is refused with
// the message that names it.
#include "trust_helpers.hpp"
#include "ward/trust/bundle_sign.hpp"
#include "ward/trust/tree_walk.hpp"

#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ward;
using namespace ward::trust;
using namespace ward::test;
namespace fs = std::filesystem;

namespace {

const std::string kConfig =
    R"({"ociVersion":"1.2.0","process":{"args":["/bin/sh"],"cwd":"/"},"root":{"path":"rootfs"}})";

struct Bundle {
    TempDir t;
    PrivateKey key = PrivateKey::generate();
    std::vector<PublicKey> keys{PublicKey::from_pem(key.public_pem(), "signer.pub")};

    Bundle() {
        fs::create_directories(t.path / "rootfs/bin");
        fs::create_directories(t.path / "rootfs/etc");
        write_bytes(t.str("config.json"), kConfig);
        write_bytes(rootfs("bin/sh"), "#!shell\n");
        ::chmod(rootfs("bin/sh").c_str(), 0755);
        write_bytes(rootfs("etc/passwd"), "root:x:0:0::/:/bin/sh\n");
        fs::create_symlink("bin", t.path / "rootfs/sbin");
    }
    std::string dir() const { return t.str(); }
    std::string rootfs(const std::string& rel) const { return t.str("rootfs/" + rel); }

    SignedBundle sign() { return sign_bundle(dir(), key); }
    VerifiedBundle verify() { return verify_bundle(dir(), keys); }
    std::string refused() {
        return error_of([&] { verify(); });
    }
};

std::string sign_file_member(const std::string& text, const std::string& key) {
    auto at = text.find("\"" + key + "\":\"") + key.size() + 4;
    return text.substr(at, text.find('"', at) - at);
}

} // namespace

BOOST_AUTO_TEST_SUITE(bundle_sign)

BOOST_AUTO_TEST_CASE(a_signed_bundle_verifies) {
    Bundle b;
    BOOST_TEST(!bundle_is_signed(b.dir()));
    BOOST_TEST(b.refused() == "bundle " + b.dir() + " is not signed (no ward-signature.json)");
    SignedBundle s = b.sign();
    BOOST_TEST(bundle_is_signed(b.dir()));
    BOOST_TEST(s.files == 6u); // / bin bin/sh etc etc/passwd sbin
    BOOST_TEST(s.bytes == 8u + 22u);
    BOOST_TEST(s.payload.config.str() == sha256(kConfig).str());
    BOOST_TEST(s.payload.root_path == "rootfs");

    VerifiedBundle v = b.verify();
    BOOST_TEST(v.key == "signer.pub");
    BOOST_TEST(v.files == 6u);
    BOOST_TEST(v.bytes == 30u);
    BOOST_TEST(v.rootfs == b.dir() + "/rootfs");
    struct stat st {};
    BOOST_REQUIRE(::stat(b.rootfs("").c_str(), &st) == 0);
    BOOST_TEST(v.rootfs_ino == st.st_ino);

    // The files sign writes: the record is the walk's, the payload is
    // exactly the documented form and signed over its bytes.
    std::string record = read_file(b.t.str("ward-rootfs.jsonl"));
    BOOST_TEST(record == serialize_records(record_tree(
                             UniqueFd(::open(b.rootfs("").c_str(), O_PATH | O_CLOEXEC)).get())));
    BOOST_TEST(contains(record, "{\"path\":\"/sbin\",\"type\":\"symlink\",\"mode\":\"0777\""));
    std::string sig = read_file(b.t.str("ward-signature.json"));
    std::string payload = make_bundle_payload(s.payload);
    BOOST_TEST(payload == "{\"type\":\"ward bundle signature\",\"configDigest\":\"" +
                              sha256(kConfig).str() +
                              "\",\"rootPath\":\"rootfs\","
                              "\"rootfsRecordDigest\":\"" +
                              sha256(record).str() + "\"}");
    BOOST_TEST(sig == "{\"payload\":\"" + sign_file_member(sig, "payload") + "\",\"signature\":\"" +
                          sign_file_member(sig, "signature") + "\"}\n");
    BOOST_TEST(sh("printf %s '" + sign_file_member(sig, "payload") + "' | base64 -d") == payload);

    // Any one of several keys may have signed; the one that did is named.
    std::vector<PublicKey> two{PublicKey::from_pem(PrivateKey::generate().public_pem(), "other"),
                               b.keys.front()};
    BOOST_TEST(verify_bundle(b.dir(), two).key == "signer.pub");
    // Threads do not change the outcome.
    VerifyBundleOptions one;
    one.walk.threads = 1;
    BOOST_TEST(verify_bundle(b.dir(), b.keys, one).bytes == 30u);
}

BOOST_AUTO_TEST_CASE(each_change_to_the_rootfs_is_refused_by_name) {
    Bundle b;
    b.sign();
    auto refused_after = [&](const std::function<void()>& change,
                             const std::function<void()>& undo) {
        change();
        std::string msg = b.refused();
        undo();
        BOOST_CHECK_NO_THROW(b.verify());
        return msg;
    };
    BOOST_TEST(refused_after([&] { write_bytes(b.rootfs("bin/sh"), "#!shelL\n"); },
                             [&] { write_bytes(b.rootfs("bin/sh"), "#!shell\n"); }) ==
               "rootfs file /bin/sh changed since signing");
    BOOST_TEST(refused_after([&] { ::chmod(b.rootfs("bin/sh").c_str(), 0777); },
                             [&] { ::chmod(b.rootfs("bin/sh").c_str(), 0755); }) ==
               "rootfs file /bin/sh mode changed since signing (want 0755, got 0777)");
    BOOST_TEST(refused_after([&] { write_bytes(b.rootfs("etc/shadow"), ""); },
                             [&] { fs::remove(b.rootfs("etc/shadow")); }) ==
               "rootfs file /etc/shadow added since signing");
    BOOST_TEST(refused_after([&] { fs::rename(b.rootfs("etc/passwd"), b.t.str("passwd")); },
                             [&] { fs::rename(b.t.str("passwd"), b.rootfs("etc/passwd")); }) ==
               "rootfs file /etc/passwd removed since signing");
    BOOST_TEST(refused_after(
                   [&] {
                       fs::remove(b.rootfs("sbin"));
                       fs::create_symlink("/bin", b.rootfs("sbin"));
                   },
                   [&] {
                       fs::remove(b.rootfs("sbin"));
                       fs::create_symlink("bin", b.rootfs("sbin"));
                   }) ==
               "rootfs symlink /sbin target changed since signing (want \"bin\", got \"/bin\")");
    if (::geteuid() == 0)
        BOOST_TEST(
            refused_after([&] { BOOST_REQUIRE(::lchown(b.rootfs("etc").c_str(), 0, 1) == 0); },
                          [&] { BOOST_REQUIRE(::lchown(b.rootfs("etc").c_str(), 0, 0) == 0); }) ==
            "rootfs file /etc owner changed since signing (want 0:0, got 0:1)");
}

BOOST_AUTO_TEST_CASE(config_record_signature_and_key_are_checked_in_order) {
    Bundle b;
    b.sign();
    std::string config_path = b.t.str("config.json");
    std::string record_path = b.t.str("ward-rootfs.jsonl");
    std::string sig_path = b.t.str("ward-signature.json");
    std::string sig = read_file(sig_path);
    std::string record = read_file(record_path);

    // config.json: one byte (a space) changes its digest.
    write_bytes(config_path, kConfig + " ");
    BOOST_TEST(b.refused() == "config.json changed since signing (want " + sha256(kConfig).str() +
                                  ", got " + sha256(kConfig + " ").str() + ")");
    write_bytes(config_path, kConfig);
    // The config the caller already read (create's) is the one checked.
    VerifyBundleOptions given;
    given.config = kConfig;
    BOOST_CHECK_NO_THROW(verify_bundle(b.dir(), b.keys, given));
    given.config = kConfig + "\n";
    BOOST_TEST(contains(error_of([&] { verify_bundle(b.dir(), b.keys, given); }),
                        "config.json changed since signing"));

    // The record is bound by its digest: editing it to match a changed
    // rootfs does not help.
    std::string edited = record;
    edited.replace(edited.find("\"mode\":\"0755\",\"uid\":0,\"gid\":0,\"size\":8"), 13,
                   "\"mode\":\"0777\"");
    write_bytes(record_path, edited);
    ::chmod(b.rootfs("bin/sh").c_str(), 0777);
    BOOST_TEST(b.refused() == "ward-rootfs.jsonl changed since signing (want " +
                                  sha256(record).str() + ", got " + sha256(edited).str() + ")");
    ::chmod(b.rootfs("bin/sh").c_str(), 0755);
    fs::remove(record_path);
    BOOST_TEST(b.refused() == "bundle " + b.dir() + " has a signature but no ward-rootfs.jsonl");
    write_bytes(record_path, record);

    // A flipped byte of the DER signature.
    std::string der_b64 = sign_file_member(sig, "signature");
    std::string der = sh("printf %s '" + der_b64 + "' | base64 -d | od -An -v -tx1 | tr -d ' \\n'");
    BOOST_REQUIRE(der.size() > 20);
    der[20] = der[20] == '0' ? '1' : '0';
    std::string flipped = sh("printf %s " + der + " | xxd -r -p | base64 -w0");
    std::string bad = sig;
    bad.replace(bad.find(der_b64), der_b64.size(), flipped);
    write_bytes(sig_path, bad);
    BOOST_TEST(b.refused() == "bundle signature does not verify with key signer.pub");
    // Another key.
    write_bytes(sig_path, sig);
    std::vector<PublicKey> others{
        PublicKey::from_pem(PrivateKey::generate().public_pem(), "a.pub"),
        PublicKey::from_pem(PrivateKey::generate().public_pem(), "b.pub")};
    BOOST_TEST(error_of([&] { verify_bundle(b.dir(), others); }) ==
               "bundle signature does not verify with any of the keys a.pub, b.pub");
    BOOST_TEST(error_of([&] { verify_bundle(b.dir(), {}); }) ==
               "no key to verify the bundle signature with");
    // A payload naming other digests, validly signed by the same key: the
    // signature holds, the config check refuses it.
    BundlePayload other{sha256("{}"), "rootfs", sha256(record)};
    std::string p2 = make_bundle_payload(other);
    write_bytes(b.t.str("p2.der"), b.key.sign(p2));
    write_bytes(sig_path, "{\"payload\":\"" + sh("printf %s '" + p2 + "' | base64 -w0") +
                              "\",\"signature\":\"" + sh("base64 -w0 " + b.t.str("p2.der")) +
                              "\"}");
    BOOST_TEST(b.refused() == "config.json changed since signing (want " + sha256("{}").str() +
                                  ", got " + sha256(kConfig).str() + ")");
    write_bytes(sig_path, sig);
    BOOST_CHECK_NO_THROW(b.verify());
    // A malformed signature file.
    write_bytes(sig_path, "{\"payload\":\"e30=\",\"signature\":\"e30=\",\"extra\":1}");
    BOOST_TEST(b.refused() == "ward-signature.json: .extra: unknown field refused");
    write_bytes(sig_path, "not json");
    BOOST_TEST(contains(b.refused(), "ward-signature.json: "));
}

BOOST_AUTO_TEST_CASE(the_payload_is_parsed_strictly) {
    std::string d = sha256("x").str();
    auto payload = [&](const std::string& inner) { return "{" + inner + "}"; };
    std::string good = "\"type\":\"ward bundle signature\",\"configDigest\":\"" + d +
                       "\",\"rootPath\":\"rootfs\",\"rootfsRecordDigest\":\"" + d + "\"";
    BOOST_TEST(parse_bundle_payload(payload(good)).root_path == "rootfs");
    BOOST_TEST(error_of([&] { parse_bundle_payload(payload(good + ",\"x\":1")); }) ==
               "bundle signature payload: .x: unknown field refused");
    BOOST_TEST(error_of([&] {
                   parse_bundle_payload(payload("\"type\":\"cosign container image signature\"," +
                                                good.substr(good.find("\"configDigest"))));
               }) == "bundle signature payload: .type: \"cosign container image signature\", want "
                     "\"ward bundle signature\"");
    BOOST_TEST(contains(
        error_of([&] { parse_bundle_payload(payload(good.substr(0, good.find(",\"rootfs")))); }),
        ".rootfsRecordDigest: required field missing"));
    std::string bad_digest = good;
    bad_digest.replace(bad_digest.find(d), d.size(), "sha256:AB");
    BOOST_TEST(contains(error_of([&] { parse_bundle_payload(payload(bad_digest)); }),
                        "bundle signature payload: .configDigest: invalid digest"));
    BOOST_TEST(contains(error_of([&] { parse_bundle_payload("[]"); }), "not a JSON object"));
}

BOOST_AUTO_TEST_CASE(sign_refuses_a_rootfs_that_holds_the_bundle) {
    Bundle b;
    for (const char* path : {".", "..", "/"}) {
        write_bytes(b.t.str("config.json"),
                    std::string(R"({"ociVersion":"1.2.0","root":{"path":")") + path + "\"}}");
        BOOST_TEST(error_of([&] { b.sign(); }) ==
                   "config.json: root.path \"" + std::string(path) +
                       "\" is the bundle directory or one of its parents: the rootfs must not "
                       "hold config.json and the signature");
    }
    write_bytes(b.t.str("config.json"), R"({"ociVersion":"1.2.0"})");
    BOOST_TEST(error_of([&] { b.sign(); }) ==
               "config.json: root: required to sign or verify a bundle");
    write_bytes(b.t.str("config.json"), R"({"root":{"path":"nowhere"}})");
    BOOST_TEST(error_of([&] { b.sign(); }) ==
               "rootfs " + b.dir() + "/nowhere: no such file or directory");
    BOOST_TEST(!bundle_is_signed(b.dir()));
    // An absolute root.path is fine.
    write_bytes(b.t.str("config.json"), R"({"root":{"path":")" + b.rootfs("") + "\"}}");
    BOOST_CHECK_NO_THROW(b.sign());
    BOOST_CHECK_NO_THROW(b.verify());
}

BOOST_AUTO_TEST_SUITE_END()
