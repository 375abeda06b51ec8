// EC P-256 keys through OpenSSL 3's EVP interface: generation, PEM in and
// out, ECDSA-SHA256 sign and verify.
#include "ward/trust/keys.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/trust/digest.hpp"
#include "ward/trust/verify_memo.hpp"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace ward::trust {
namespace {

constexpr uint64_t kMaxKeyFile = 64 << 10;

std::shared_ptr<evp_pkey_st> own(EVP_PKEY* key) {
    return std::shared_ptr<evp_pkey_st>(key, EVP_PKEY_free);
}

// The first queued OpenSSL error as text, and the queue cleared, so one
// failure does not leak into the next call's report.
std::string openssl_error() {
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (!e)
        return "unknown OpenSSL error";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

// Refuses anything but an EC key on P-256.
void require_p256(EVP_PKEY* key, const std::string& name) {
    if (EVP_PKEY_base_id(key) != EVP_PKEY_EC)
        fail(name + ": not an EC key (ward signs and verifies with ECDSA P-256 only)");
    char curve[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve,
                                       &len) != 1)
        fail(name + ": cannot read the key's curve");
    if (std::string_view(curve) != "prime256v1" && std::string_view(curve) != "P-256")
        fail(name + ": EC key on curve " + curve + ", want P-256 (prime256v1)");
}

// nullopt: the file does not exist and `missing_ok`.
std::optional<std::string> read_key_file(const std::string& path, bool missing_ok = false) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd && missing_ok && errno == ENOENT)
        return std::nullopt;
    if (!fd)
        fail_errno("open key " + path);
    return read_capped(fd.get(), kMaxKeyFile, "key " + path);
}

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

BioPtr memory_bio(std::string_view data) {
    BIO* b = BIO_new_mem_buf(data.data(), static_cast<int>(data.size()));
    if (!b)
        fail("out of memory for a BIO");
    return BioPtr(b);
}

template <typename Write>
std::string to_pem(Write write) {
    BioPtr out(BIO_new(BIO_s_mem()));
    if (!out || write(out.get()) != 1)
        fail("cannot write PEM: " + openssl_error());
    char* data = nullptr;
    long len = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<size_t>(len));
}

std::string public_pem_of(EVP_PKEY* key) {
    return to_pem([&](BIO* b) { return PEM_write_bio_PUBKEY(b, key); });
}

} // namespace

PublicKey PublicKey::from_pem(std::string_view pem, std::string name, const VerifyMemo* memo) {
    if (pem.size() > kMaxKeyFile)
        fail(name + ": larger than " + std::to_string(kMaxKeyFile) + " bytes");
    PublicKey k;
    k.name_ = std::move(name);
    k.memo_ = memo;
    if (memo)
        if (auto der = memo->key_der(pem)) {
            k.pem_ = pem;
            k.der_ = std::move(*der);
            return k;
        }
    BioPtr bio = memory_bio(pem);
    EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
    if (!key)
        fail(k.name_ +
             ": not a PEM public key (want \"-----BEGIN PUBLIC KEY-----\"): " + openssl_error());
    k.key_ = own(key);
    require_p256(key, k.name_);
    if (memo) {
        k.der_ = k.der();
        memo->remember_key(pem, k.der_);
    }
    return k;
}

PublicKey PublicKey::load(const std::string& path, const VerifyMemo* memo) {
    return from_pem(*read_key_file(path), path, memo);
}

std::optional<PublicKey> PublicKey::load_if_present(const std::string& path,
                                                    const VerifyMemo* memo) {
    auto pem = read_key_file(path, true);
    if (!pem)
        return std::nullopt;
    return from_pem(*pem, path, memo);
}

// A key a memo vouched for is parsed here, the first time OpenSSL needs it.
evp_pkey_st* PublicKey::parsed() const {
    if (!key_) {
        BioPtr bio = memory_bio(pem_);
        EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
        if (!key)
            fail(name_ + ": not a PEM public key: " + openssl_error());
        key_ = own(key);
        require_p256(key, name_);
    }
    return key_.get();
}

bool PublicKey::verify(std::string_view data, std::string_view der_signature) const {
    if (memo_)
        if (auto known = memo_->verified(der_, data, der_signature))
            return *known;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, parsed()) != 1)
        fail(name_ + ": cannot set up verification: " + openssl_error());
    int rc = EVP_DigestVerify(
        ctx.get(), reinterpret_cast<const unsigned char*>(der_signature.data()),
        der_signature.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
    ERR_clear_error(); // a bad signature queues a decode error; it is a plain "no"
    if (memo_)
        memo_->remember_verified(der_, data, der_signature, rc == 1);
    return rc == 1;
}

std::string PublicKey::pem() const {
    return public_pem_of(parsed());
}

std::string PublicKey::der() const {
    if (!der_.empty())
        return der_;
    int len = i2d_PUBKEY(parsed(), nullptr);
    if (len <= 0)
        fail(name_ + ": cannot encode the key as DER: " + openssl_error());
    std::string out(static_cast<size_t>(len), '\0');
    auto* p = reinterpret_cast<unsigned char*>(out.data());
    if (i2d_PUBKEY(parsed(), &p) != len)
        fail(name_ + ": cannot encode the key as DER: " + openssl_error());
    return out;
}

PrivateKey PrivateKey::generate() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    if (!key)
        fail("generate an EC P-256 key: " + openssl_error());
    PrivateKey k;
    k.key_ = own(key);
    k.name_ = "generated key";
    return k;
}

PrivateKey PrivateKey::from_pem(std::string_view pem, std::string name) {
    BioPtr bio = memory_bio(pem);
    // No passphrase callback: an encrypted key fails here with a clear
    // message instead of prompting on a terminal ward may not have.
    EVP_PKEY* key = PEM_read_bio_PrivateKey(
        bio.get(), nullptr, [](char*, int, int, void*) { return -1; }, nullptr);
    if (!key)
        fail(name + ": not an unencrypted PEM private key: " + openssl_error());
    PrivateKey k;
    k.key_ = own(key);
    k.name_ = std::move(name);
    require_p256(key, k.name_);
    return k;
}

PrivateKey PrivateKey::load(const std::string& path) {
    return from_pem(*read_key_file(path), path);
}

std::string PrivateKey::pem() const {
    return to_pem([&](BIO* b) {
        return PEM_write_bio_PKCS8PrivateKey(b, key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
}

std::string PrivateKey::public_pem() const {
    return public_pem_of(key_.get());
}

PublicKey PrivateKey::public_key() const {
    return PublicKey::from_pem(public_pem(), name_ + " (public part)");
}

std::string PrivateKey::sign(std::string_view data) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1)
        fail(name_ + ": cannot set up signing: " + openssl_error());
    size_t len = 0;
    auto in = reinterpret_cast<const unsigned char*>(data.data());
    if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1)
        fail(name_ + ": sign: " + openssl_error());
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                       data.size()) != 1)
        fail(name_ + ": sign: " + openssl_error());
    sig.resize(len);
    return sig;
}

} // namespace ward::trust
