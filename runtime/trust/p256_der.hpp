// The encodings of ECDSA P-256 keys and signatures ward reads and writes:
// PEM armour, SubjectPublicKeyInfo, PKCS#8 and SEC1 private keys, and the
// DER signature cosign writes. Parsed strictly (DER lengths minimal, no
// trailing bytes, integers minimal and positive) by a reader that knows
// these few shapes and nothing else, so there is no general ASN.1 parser
// for hostile input to reach. No arithmetic here: keys.cpp checks that a
// point is on the curve and a scalar in range. Private to trust/.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ward::trust::p256 {

constexpr size_t kCoordinate = 32; // bytes of a field element or scalar

// Why a key was refused, for the caller's message (keys.cpp names the file).
struct KeyRefused : std::runtime_error {
    enum class Kind {
        malformed, // not the encoding asked for; what() says where
        not_ec,    // another algorithm (RSA, Ed25519, ...)
        curve,     // EC on another curve; what() names it
    };
    KeyRefused(Kind k, const std::string& what) : std::runtime_error(what), kind(k) {}
    Kind kind;
};

// The DER inside the first "-----BEGIN <label>-----" block of `text`;
// nullopt when there is no such block. Throws KeyRefused(malformed) for a
// block that is not base64 or carries RFC 1421 headers (an encrypted
// traditional key).
std::optional<std::string> pem_block(std::string_view text, std::string_view label);
// `der` armoured as PEM, 64 columns, with a final newline.
std::string pem_armor(std::string_view der, std::string_view label);

// A public point as SEC 1 octets: 0x04 X Y (65 bytes) or 0x02/0x03 X (33).
std::string spki_point(std::string_view spki_der);
// The SubjectPublicKeyInfo DER of an uncompressed point (0x04 X Y).
std::string spki_der(std::string_view point);

struct PrivateParts {
    std::string scalar;               // kCoordinate bytes, big-endian
    std::optional<std::string> point; // the public point, when the key carries it
};
// "PRIVATE KEY" (PKCS#8, version 1 or 2) and "EC PRIVATE KEY" (SEC 1, which
// must name its curve).
PrivateParts pkcs8_private(std::string_view der);
PrivateParts sec1_private(std::string_view der);
// PKCS#8 with the public point, as OpenSSL writes a P-256 key.
std::string pkcs8_der(std::string_view scalar, std::string_view point);

struct Signature {
    std::string r, s; // kCoordinate bytes each, big-endian
};
// nullopt for anything but SEQUENCE { INTEGER r, INTEGER s } in DER with
// 0 < r, s < 2^256 (the curve check of the range is the verifier's).
std::optional<Signature> signature_from_der(std::string_view der);
std::string signature_der(const Signature& sig);

} // namespace ward::trust::p256
