// ward's cache files (base/keyed_files.hpp) and the verify memo on
// them (trust/verify_memo.hpp): a memo-backed key must answer exactly as a
// freshly parsed one, whatever is on disk.
#include "trust_helpers.hpp"
#include "ward/base/keyed_files.hpp"
#include "ward/trust/keys.hpp"
#include "ward/trust/verify_memo.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

using namespace ward::trust;
using ward::KeyedFiles;
using ward::test::contains;
using ward::test::error_of;
using ward::test::TempDir;
using ward::test::write_bytes;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> files_in(const std::string& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        out.push_back(e.path());
    return out;
}

// The only file of a one-entry cache directory.
std::string only_file(const std::string& dir) {
    auto files = files_in(dir);
    BOOST_REQUIRE_EQUAL(files.size(), 1u);
    return files.front().string();
}

unsigned mode_of(const std::string& path) {
    struct stat st {};
    BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

} // namespace

BOOST_AUTO_TEST_SUITE(verify_memo)

BOOST_AUTO_TEST_CASE(keyed_files_answer_only_for_their_own_key) {
    TempDir t;
    KeyedFiles files(t.str("cache"), "test cache v1\n");
    BOOST_TEST(!files.get("alpha"));
    files.put("alpha", "one");
    BOOST_TEST(files.get("alpha").value_or("") == "one");
    BOOST_TEST(!files.get("alph"));
    BOOST_TEST(!files.get("alphaone"));
    BOOST_TEST(!KeyedFiles(t.str("cache"), "test cache v2\n").get("alpha"));
    BOOST_TEST(mode_of(t.str("cache")) == 0700u);
    std::string path = only_file(t.str("cache"));
    BOOST_TEST(mode_of(path) == 0600u);

    // Anything but a private regular file of ward's euid is not read.
    BOOST_REQUIRE(::chmod(path.c_str(), 0620) == 0);
    BOOST_TEST(!files.get("alpha"));
    BOOST_REQUIRE(::chmod(path.c_str(), 0600) == 0);
    BOOST_TEST(files.get("alpha").has_value());
    if (::geteuid() == 0) {
        BOOST_REQUIRE(::chown(path.c_str(), 4321, 4321) == 0);
        BOOST_TEST(!files.get("alpha"));
        BOOST_REQUIRE(::chown(path.c_str(), 0, 0) == 0);
    }
    fs::rename(path, path + ".real");
    fs::create_symlink(path + ".real", path);
    BOOST_TEST(!files.get("alpha"));
}

BOOST_AUTO_TEST_CASE(a_memo_backed_key_answers_as_a_fresh_one) {
    TempDir t;
    VerifyMemo memo(t.str("store"));
    fs::create_directory(t.str("store"));
    PrivateKey signer = PrivateKey::generate();
    std::string pem = signer.public_pem();
    std::string sig = signer.sign("payload");
    std::string stranger = PrivateKey::generate().sign("payload");
    PublicKey fresh = PublicKey::from_pem(pem, "fresh.pub");

    // Twice: first computed and remembered, then answered by the memo.
    for (int round = 0; round < 2; ++round) {
        BOOST_TEST_CONTEXT("round " << round) {
            PublicKey key = PublicKey::from_pem(pem, "memo.pub", &memo);
            BOOST_TEST(key.der() == fresh.der());
            BOOST_TEST(key.pem() == fresh.pem());
            BOOST_TEST(key.verify("payload", sig));
            BOOST_TEST(!key.verify("payload!", sig));
            BOOST_TEST(!key.verify("payload", stranger));
            BOOST_TEST(!key.verify("payload", "not der"));
        }
    }
    // One key fact and four verify facts.
    BOOST_TEST(files_in(t.str("store/verify-memo")).size() == 5u);
    // The memo is keyed by bytes: another key with the same name is asked
    // afresh and says no.
    PublicKey other = PublicKey::from_pem(PrivateKey::generate().public_pem(), "memo.pub", &memo);
    BOOST_TEST(!other.verify("payload", sig));
}

BOOST_AUTO_TEST_CASE(damaged_memo_files_are_not_believed) {
    TempDir t;
    fs::create_directory(t.str("store"));
    VerifyMemo memo(t.str("store"));
    PrivateKey signer = PrivateKey::generate();
    std::string pem = signer.public_pem();
    std::string sig = signer.sign("payload");
    PublicKey::from_pem(pem, "k.pub", &memo);
    std::string key_file = only_file(t.str("store/verify-memo"));
    BOOST_REQUIRE(memo.key_der(pem).has_value());

    // A key fact whose DER is not the PEM's own body gives nothing back.
    std::string text = ward::read_file(key_file);
    text.back() ^= 1;
    write_bytes(key_file, text);
    BOOST_TEST(!memo.key_der(pem));
    PublicKey key = PublicKey::from_pem(pem, "k.pub", &memo);
    BOOST_TEST(key.der() == PublicKey::from_pem(pem, "fresh").der());

    // A verify fact with an answer other than the two it may hold is asked
    // again.
    memo.remember_verified(key.der(), "payload", sig, true);
    BOOST_TEST(memo.verified(key.der(), "payload", sig).value_or(false));
    for (const auto& f : files_in(t.str("store/verify-memo"))) {
        std::string body = ward::read_file(f.string());
        if (body.ends_with("verified"))
            write_bytes(f.string(), body.substr(0, body.size() - 8) + "verifiex");
    }
    BOOST_TEST(!memo.verified(key.der(), "payload", sig));
    BOOST_TEST(key.verify("payload", sig));
}

BOOST_AUTO_TEST_CASE(a_key_that_is_not_p256_is_refused_and_never_remembered) {
    TempDir t;
    fs::create_directory(t.str("store"));
    VerifyMemo memo(t.str("store"));
    ward::test::sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 2>/dev/null |"
                   " openssl pkey -pubout -out " +
                   t.str("p384.pub"));
    std::string pem = ward::read_file(t.str("p384.pub"));
    for (int round = 0; round < 2; ++round)
        BOOST_TEST(contains(error_of([&] { PublicKey::from_pem(pem, "p384.pub", &memo); }),
                            "p384.pub: EC key on curve secp384r1, want P-256"));
    BOOST_TEST(!fs::exists(t.str("store/verify-memo")));
}

BOOST_AUTO_TEST_SUITE_END()
