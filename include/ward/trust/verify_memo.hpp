// What key parsing and ECDSA verification answered before, remembered in
// ward's store so that a start of an image it admitted before checks no
// signature again (a P-256 verification is about 0.15 ms of CPU here, per
// signature and per key tried; when keys.cpp used OpenSSL's EVP, its
// start-up alone was about 2 ms; bench/client-trust.sh).
//
// Only facts that are pure functions of bytes are kept: "this PEM text is a
// P-256 public key whose DER is D" and "this signature over these bytes
// does (or does not) verify with the key D". Every input is part of the
// lookup key, compared byte for byte (base/keyed_files.hpp), so a changed
// key file, payload or signature is a miss and is computed afresh; what
// admission decides from those facts (which keys the policy names now,
// identity rules, scopes) is decided again on every start. Forging a fact
// takes writing the root-only store, which already holds what ward
// trusts. The threat model is in docs/trust.md.
#pragma once

#include "ward/base/keyed_files.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ward::trust {

class VerifyMemo {
  public:
    explicit VerifyMemo(const std::string& store_root);

    // The DER SubjectPublicKeyInfo of `pem`, when it was parsed before and
    // found to be an EC P-256 public key.
    std::optional<std::string> key_der(std::string_view pem) const;
    void remember_key(std::string_view pem, std::string_view der) const;

    // Whether `signature` over `data` verified with the key whose DER is
    // `key_der`, when that was asked before.
    std::optional<bool> verified(std::string_view key_der, std::string_view data,
                                 std::string_view signature) const;
    void remember_verified(std::string_view key_der, std::string_view data,
                           std::string_view signature, bool verified) const;

  private:
    KeyedFiles files_;
};

} // namespace ward::trust
