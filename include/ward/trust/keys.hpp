// ECDSA P-256 keys and signatures, the only kind ward makes or accepts:
// what `cosign generate-key-pair` makes and what sigstore "simple signing"
// verification with a public key expects. The arithmetic is Nettle's
// (hogweed), the encodings p256_der's.
//
// Private keys: PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), unencrypted;
// SEC 1 ("-----BEGIN EC PRIVATE KEY-----") is read too.
// Public keys: SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----").
// A key of another type or curve, or a point not on the curve, is refused
// when loaded, not at first use.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ward::trust {

class VerifyMemo;

class PublicKey {
  public:
    // `name` (usually the file path) appears in messages. With a memo
    // (verify_memo.hpp), a PEM text it knows to be a P-256 key is not
    // parsed until a signature must be checked, and verify() answers what it
    // answered before from the memo; what is computed is remembered. The
    // memo must outlive the key.
    static PublicKey from_pem(std::string_view pem, std::string name,
                              const VerifyMemo* memo = nullptr);
    static PublicKey load(const std::string& path, const VerifyMemo* memo = nullptr);
    // nullopt when `path` does not exist (a key rotated out by deleting
    // its file); any other failure (unreadable, not a P-256 PEM key) throws.
    static std::optional<PublicKey> load_if_present(const std::string& path,
                                                    const VerifyMemo* memo = nullptr);

    const std::string& name() const { return name_; }
    // ECDSA-SHA256 over `data` with a DER signature. false for a signature
    // that does not verify (or is not even DER): the caller says what failed.
    bool verify(std::string_view data, std::string_view der_signature) const;
    std::string pem() const;
    // SubjectPublicKeyInfo DER: what a Rekor log ID is the SHA-256 of.
    std::string der() const;

  private:
    // The uncompressed point (0x04 X Y), checked to be on the curve.
    const std::string& point() const;
    // Parsed at once, or (a memo vouched for der_) at first use.
    mutable std::string point_;
    std::string der_; // SubjectPublicKeyInfo, as the PEM held it
    const VerifyMemo* memo_ = nullptr;
    std::string name_;
};

class PrivateKey {
  public:
    static PrivateKey generate(); // EC P-256
    static PrivateKey from_pem(std::string_view pem, std::string name);
    static PrivateKey load(const std::string& path);

    std::string pem() const;        // PKCS#8
    std::string public_pem() const; // SubjectPublicKeyInfo
    PublicKey public_key() const;
    // DER ECDSA-SHA256 signature over `data`.
    std::string sign(std::string_view data) const;

  private:
    struct Secret; // the scalar, wiped when the last copy goes
    std::shared_ptr<const Secret> secret_;
    std::string point_; // uncompressed, d·G
    std::string name_;
};

} // namespace ward::trust
