#include "ward/trust/verify_memo.hpp"

#include "base64.hpp"

namespace ward::trust {

namespace {

// Bumped when what a remembered fact means changes (another curve, another
// hash, another signature encoding).
constexpr std::string_view kHeader = "ward verify memo v1 (ECDSA P-256, SHA-256, DER)\n";

std::string key_fact(std::string_view pem) {
    return "key\n" + std::string(pem);
}

// Each field but the last with its length first, so no two different
// (key, data, signature) triples have one key.
std::string verify_fact(std::string_view der, std::string_view data, std::string_view signature) {
    return "verify\n" + std::to_string(der.size()) + "\n" + std::string(der) +
           std::to_string(data.size()) + "\n" + std::string(data) + std::string(signature);
}

// The DER a canonical public-key PEM spells out: its base64 body between
// the BEGIN and END lines (what openssl, cosign and ward write). nullopt for
// any other layout, which is then never remembered.
std::optional<std::string> pem_body(std::string_view pem) {
    constexpr std::string_view begin = "-----BEGIN PUBLIC KEY-----\n";
    constexpr std::string_view end = "-----END PUBLIC KEY-----\n";
    if (!pem.starts_with(begin) || !pem.ends_with(end))
        return std::nullopt;
    std::string_view body = pem.substr(begin.size(), pem.size() - begin.size() - end.size());
    std::string joined;
    for (char c : body)
        if (c != '\n')
            joined += c;
    return base64_decode(joined);
}

} // namespace

VerifyMemo::VerifyMemo(const std::string& store_root)
    : files_(store_root + "/verify-memo", std::string(kHeader)) {}

// The fact stored is only "a P-256 key": the DER it gives must be the PEM's
// own body, so a damaged memo file can never hand back another key.
std::optional<std::string> VerifyMemo::key_der(std::string_view pem) const {
    auto der = files_.get(key_fact(pem));
    if (!der || der != pem_body(pem))
        return std::nullopt;
    return der;
}

void VerifyMemo::remember_key(std::string_view pem, std::string_view der) const {
    if (pem_body(pem) == der)
        files_.put(key_fact(pem), der);
}

std::optional<bool> VerifyMemo::verified(std::string_view key_der, std::string_view data,
                                         std::string_view signature) const {
    auto answer = files_.get(verify_fact(key_der, data, signature));
    if (answer == "verified")
        return true;
    if (answer == "refused")
        return false;
    return std::nullopt;
}

void VerifyMemo::remember_verified(std::string_view key_der, std::string_view data,
                                   std::string_view signature, bool verified) const {
    files_.put(verify_fact(key_der, data, signature), verified ? "verified" : "refused");
}

} // namespace ward::trust
