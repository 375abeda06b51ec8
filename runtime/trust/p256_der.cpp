// Strict DER and PEM for the few P-256 shapes ward handles (p256_der.hpp).
#include "p256_der.hpp"

#include "base64.hpp"

#include <cstdint>

namespace ward::trust::p256 {
namespace {

using Kind = KeyRefused::Kind;

// Object identifiers, as the contents of their DER OBJECT IDENTIFIER.
constexpr std::string_view kEcPublicKey{"\x2a\x86\x48\xce\x3d\x02\x01", 7}; // 1.2.840.10045.2.1
constexpr std::string_view kPrime256v1{"\x2a\x86\x48\xce\x3d\x03\x01\x07", 8};
struct NamedCurve {
    std::string_view oid, name;
};
// Other curves by the name OpenSSL gives them, so a refusal says which.
constexpr NamedCurve kOtherCurves[] = {
    {{"\x2b\x81\x04\x00\x22", 5}, "secp384r1"},
    {{"\x2b\x81\x04\x00\x23", 5}, "secp521r1"},
    {{"\x2b\x81\x04\x00\x0a", 5}, "secp256k1"},
    {{"\x2b\x24\x03\x03\x02\x08\x01\x01\x07", 9}, "brainpoolP256r1"},
};

constexpr uint8_t kInteger = 0x02, kBitString = 0x03, kOctetString = 0x04, kOid = 0x06,
                  kSequence = 0x30, kContext0 = 0xa0, kContext1 = 0xa1, kImplicit1 = 0x81;

[[noreturn]] void malformed(const std::string& what) {
    throw KeyRefused(Kind::malformed, what);
}

// Reads a run of DER elements one at a time.
class Der {
  public:
    Der(std::string_view in, const char* what) : in_(in), what_(what) {}

    bool next_is(uint8_t tag) const { return !in_.empty() && uint8_t(in_[0]) == tag; }

    // The contents of the next element, which must be a `tag`.
    std::string_view take(uint8_t tag, const char* field) {
        if (!next_is(tag))
            malformed(std::string(what_) + ": " + field + " missing or of the wrong type");
        if (in_.size() < 2)
            malformed(std::string(what_) + ": " + field + " cut short");
        size_t len = uint8_t(in_[1]), header = 2;
        if (len & 0x80) {
            // Long form, minimal: one byte for 128-255, two for 256-65535.
            size_t bytes = len & 0x7f;
            if (bytes < 1 || bytes > 2 || in_.size() < 2 + bytes || in_[2] == 0)
                malformed(std::string(what_) + ": " + field + " has a bad length");
            len = 0;
            for (size_t i = 0; i < bytes; ++i)
                len = len << 8 | uint8_t(in_[2 + i]);
            if (len < 0x80 || (bytes == 2 && len < 0x100))
                malformed(std::string(what_) + ": " + field + " has a bad length");
            header += bytes;
        }
        if (in_.size() - header < len)
            malformed(std::string(what_) + ": " + field + " cut short");
        std::string_view contents = in_.substr(header, len);
        in_.remove_prefix(header + len);
        return contents;
    }

    void skip_if(uint8_t tag, const char* field) {
        if (next_is(tag))
            take(tag, field);
    }

    void finish() const {
        if (!in_.empty())
            malformed(std::string(what_) + ": trailing bytes");
    }

  private:
    std::string_view in_;
    const char* what_;
};

// The contents of the single `tag` element `der` must consist of.
std::string_view only(std::string_view der, uint8_t tag, const char* what) {
    Der d(der, what);
    std::string_view contents = d.take(tag, what);
    d.finish();
    return contents;
}

// "1.3.132.0.34" from an OID's contents, for a curve ward has no name for.
std::string dotted(std::string_view oid) {
    std::string out;
    uint64_t arc = 0;
    bool first = true;
    for (char c : oid) {
        arc = arc << 7 | (uint8_t(c) & 0x7f);
        if (uint8_t(c) & 0x80) {
            if (arc > (uint64_t(1) << 56))
                return "with an overlong OID";
            continue;
        }
        if (first) {
            uint64_t top = arc < 80 ? arc / 40 : 2;
            out = std::to_string(top) + "." + std::to_string(arc - 40 * top);
            first = false;
        } else {
            out += "." + std::to_string(arc);
        }
        arc = 0;
    }
    return out.empty() ? "with an empty OID" : out;
}

void require_p256_curve(std::string_view curve) {
    if (curve == kPrime256v1)
        return;
    for (const NamedCurve& c : kOtherCurves)
        if (curve == c.oid)
            throw KeyRefused(Kind::curve, std::string(c.name));
    throw KeyRefused(Kind::curve, dotted(curve));
}

// AlgorithmIdentifier { id-ecPublicKey, namedCurve prime256v1 }.
void require_p256_algorithm(std::string_view algorithm) {
    Der a(algorithm, "algorithm");
    if (a.take(kOid, "algorithm") != kEcPublicKey)
        throw KeyRefused(Kind::not_ec, "not an EC key");
    if (!a.next_is(kOid))
        throw KeyRefused(Kind::curve, "given by explicit parameters, not by name");
    require_p256_curve(a.take(kOid, "curve"));
    a.finish();
}

// A BIT STRING holding whole octets: the point of a public key.
std::string_view point_of(std::string_view bits) {
    if (bits.empty() || bits[0] != 0)
        malformed("public key: not a whole number of octets");
    std::string_view point = bits.substr(1);
    bool uncompressed = point.size() == 1 + 2 * kCoordinate && point[0] == 4;
    bool compressed = point.size() == 1 + kCoordinate && (point[0] == 2 || point[0] == 3);
    if (!uncompressed && !compressed)
        malformed("public key: not a P-256 point encoding (" + std::to_string(point.size()) +
                  " bytes)");
    return point;
}

// ECPrivateKey (RFC 5915); `curve_named` says whether the wrapper (PKCS#8)
// already named the curve.
PrivateParts ec_private_key(std::string_view der, bool curve_named) {
    Der e(only(der, kSequence, "EC private key"), "EC private key");
    if (e.take(kInteger, "version") != std::string_view("\x01", 1))
        malformed("EC private key: version is not 1");
    std::string_view scalar = e.take(kOctetString, "private key");
    if (scalar.empty() || scalar.size() > kCoordinate)
        malformed("EC private key: the private key is " + std::to_string(scalar.size()) +
                  " bytes, want at most " + std::to_string(kCoordinate));
    if (e.next_is(kContext0)) {
        require_p256_curve(only(e.take(kContext0, "parameters"), kOid, "curve"));
        curve_named = true;
    }
    PrivateParts parts;
    if (e.next_is(kContext1))
        parts.point = point_of(only(e.take(kContext1, "public key"), kBitString, "public key"));
    e.finish();
    if (!curve_named)
        throw KeyRefused(Kind::curve, "not named by the key");
    parts.scalar = std::string(kCoordinate - scalar.size(), '\0') + std::string(scalar);
    return parts;
}

std::string length_of(size_t n) {
    if (n < 0x80)
        return std::string(1, char(n));
    if (n < 0x100)
        return std::string{char(0x81), char(n)};
    return std::string{char(0x82), char(n >> 8), char(n & 0xff)};
}

std::string element(uint8_t tag, std::string_view contents) {
    return char(tag) + length_of(contents.size()) + std::string(contents);
}

std::string algorithm_der() {
    return element(kSequence, element(kOid, kEcPublicKey) + element(kOid, kPrime256v1));
}

std::string public_bits(std::string_view point) {
    return element(kBitString, '\0' + std::string(point));
}

// A DER INTEGER's contents as kCoordinate big-endian bytes; nullopt when it
// is negative, not minimal, zero or too large.
std::optional<std::string> unsigned_integer(std::string_view v) {
    if (v.empty() || (uint8_t(v[0]) & 0x80))
        return std::nullopt;
    if (v.size() > 1 && v[0] == 0 && !(uint8_t(v[1]) & 0x80))
        return std::nullopt;
    if (v[0] == 0)
        v.remove_prefix(1);
    if (v.empty() || v.size() > kCoordinate)
        return std::nullopt;
    return std::string(kCoordinate - v.size(), '\0') + std::string(v);
}

std::string integer_der(std::string_view big_endian) {
    size_t first = big_endian.find_first_not_of('\0');
    std::string v = first == std::string_view::npos ? std::string(1, '\0')
                                                    : std::string(big_endian.substr(first));
    if (uint8_t(v[0]) & 0x80)
        v.insert(0, 1, '\0'); // keep it positive
    return element(kInteger, v);
}

} // namespace

std::optional<std::string> pem_block(std::string_view text, std::string_view label) {
    std::string begin = "-----BEGIN " + std::string(label) + "-----";
    std::string end = "-----END " + std::string(label) + "-----";
    size_t at = 0;
    while (true) {
        at = text.find(begin, at);
        if (at == std::string_view::npos)
            return std::nullopt;
        if (at == 0 || text[at - 1] == '\n')
            break;
        at += begin.size();
    }
    std::string_view rest = text.substr(at + begin.size());
    std::string base64;
    bool first = true;
    while (!rest.empty()) {
        size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);
        if (first) {
            first = false;
            if (!line.empty())
                malformed("PEM: text after the BEGIN line");
            continue;
        }
        if (line == end) {
            auto der = base64_decode(base64);
            if (!der || der->empty())
                malformed("PEM: the body is not base64");
            return der;
        }
        if (line.find(':') != std::string_view::npos)
            malformed("PEM: the block has headers (an encrypted key?)");
        base64 += line;
    }
    malformed("PEM: no \"" + end + "\" line");
}

std::string pem_armor(std::string_view der, std::string_view label) {
    std::string body = base64_encode(der);
    std::string out = "-----BEGIN " + std::string(label) + "-----\n";
    for (size_t i = 0; i < body.size(); i += 64)
        out += body.substr(i, 64) + "\n";
    return out + "-----END " + std::string(label) + "-----\n";
}

std::string spki_point(std::string_view spki_der) {
    Der spki(only(spki_der, kSequence, "public key"), "public key");
    require_p256_algorithm(spki.take(kSequence, "algorithm"));
    std::string_view point = point_of(spki.take(kBitString, "public key"));
    spki.finish();
    return std::string(point);
}

std::string spki_der(std::string_view point) {
    return element(kSequence, algorithm_der() + public_bits(point));
}

PrivateParts pkcs8_private(std::string_view der) {
    Der p(only(der, kSequence, "PKCS#8 key"), "PKCS#8 key");
    std::string_view version = p.take(kInteger, "version");
    if (version != std::string_view("\x00", 1) && version != std::string_view("\x01", 1))
        malformed("PKCS#8 key: version is neither 1 nor 2");
    require_p256_algorithm(p.take(kSequence, "algorithm"));
    PrivateParts parts = ec_private_key(p.take(kOctetString, "private key"), true);
    p.skip_if(kContext0, "attributes");
    p.skip_if(kImplicit1, "public key"); // version 2's copy; the inner one is read
    p.finish();
    return parts;
}

PrivateParts sec1_private(std::string_view der) {
    return ec_private_key(der, false);
}

std::string pkcs8_der(std::string_view scalar, std::string_view point) {
    std::string ec_key = element(kSequence, element(kInteger, std::string_view("\x01", 1)) +
                                                element(kOctetString, scalar) +
                                                element(kContext1, public_bits(point)));
    return element(kSequence, element(kInteger, std::string_view("\x00", 1)) + algorithm_der() +
                                  element(kOctetString, ec_key));
}

std::optional<Signature> signature_from_der(std::string_view der) {
    try {
        Der sig(only(der, kSequence, "signature"), "signature");
        auto r = unsigned_integer(sig.take(kInteger, "r"));
        auto s = unsigned_integer(sig.take(kInteger, "s"));
        sig.finish();
        if (!r || !s)
            return std::nullopt;
        return Signature{std::move(*r), std::move(*s)};
    } catch (const KeyRefused&) {
        return std::nullopt;
    }
}

std::string signature_der(const Signature& sig) {
    return element(kSequence, integer_der(sig.r) + integer_der(sig.s));
}

} // namespace ward::trust::p256
