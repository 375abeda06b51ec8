// EC P-256 keys: generation, PEM in and out (p256_der), ECDSA-SHA256 sign
// and verify with Nettle's hogweed.
//
// Not OpenSSL's EVP: linking EVP's key code pulls in every provider,
// ASN.1 and method table OpenSSL has, and the relocation of those tables
// cost every ward process, `state` included, about 90 page faults at start
// though only key, sign, verify, import and an uncached trust check ever
// used them (docs/performance.md). Hogweed's curve code has almost no
// relocated data. SHA-256 stays OpenSSL's (digest.cpp).
#include "ward/trust/keys.hpp"

#include "p256_der.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/trust/digest.hpp"
#include "ward/trust/verify_memo.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <gmp.h>
#include <nettle/dsa.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <sys/random.h>

namespace ward::trust {
namespace {

constexpr uint64_t kMaxKeyFile = 64 << 10;
using p256::kCoordinate;

const ecc_curve* curve() {
    return nettle_get_secp_256r1();
}

// RAII for the GMP and Nettle values, which are C structs with init/clear.
struct Mpz {
    mpz_t z;
    Mpz() { mpz_init(z); }
    explicit Mpz(std::string_view big_endian) {
        mpz_init(z);
        mpz_import(z, big_endian.size(), 1, 1, 1, 0, big_endian.data());
    }
    Mpz(const Mpz&) = delete;
    Mpz& operator=(const Mpz&) = delete;
    ~Mpz() { mpz_clear(z); }

    // kCoordinate big-endian bytes; the value must fit.
    std::string bytes() const {
        std::string out(kCoordinate, '\0');
        size_t size = mpz_sgn(z) == 0 ? 0 : mpz_sizeinbase(z, 256);
        if (size > kCoordinate)
            fail("P-256: a value does not fit in 32 bytes");
        mpz_export(out.data() + kCoordinate - size, nullptr, 1, 1, 1, 0, z);
        return out;
    }
};

struct Point {
    ecc_point p;
    Point() { ecc_point_init(&p, curve()); }
    Point(const Point&) = delete;
    Point& operator=(const Point&) = delete;
    ~Point() { ecc_point_clear(&p); }

    std::string uncompressed() const {
        Mpz x, y;
        ecc_point_get(&p, x.z, y.z);
        return '\x04' + x.bytes() + y.bytes();
    }
};

struct Scalar {
    ecc_scalar s;
    Scalar() { ecc_scalar_init(&s, curve()); }
    Scalar(const Scalar&) = delete;
    Scalar& operator=(const Scalar&) = delete;
    ~Scalar() { ecc_scalar_clear(&s); }
};

struct EcdsaSignature {
    dsa_signature sig;
    EcdsaSignature() { dsa_signature_init(&sig); }
    EcdsaSignature(const EcdsaSignature&) = delete;
    EcdsaSignature& operator=(const EcdsaSignature&) = delete;
    ~EcdsaSignature() { dsa_signature_clear(&sig); }
};

// Nettle's randomness callback: the kernel's CSPRNG. getrandom without
// flags blocks only until the pool is initialised and fails only on a bad
// buffer, so a failure here is a bug; signing on with weak bytes would
// leak the key, so it is fatal.
void random_bytes(void*, size_t length, uint8_t* dst) {
    while (length) {
        ssize_t got = ::getrandom(dst, length, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            std::fprintf(stderr, "ward: getrandom failed: %s\n", std::strerror(errno));
            std::abort();
        }
        dst += got;
        length -= static_cast<size_t>(got);
    }
}

// The y of a compressed point (0x02/0x03 X), from y^2 = x^3 - 3x + b mod p:
// p = 3 mod 4, so a root is (x^3 - 3x + b)^((p + 1) / 4). Empty when x has
// no point.
std::string decompress(std::string_view point) {
    Mpz p, b, x(point.substr(1)), rhs, y, check;
    mpz_set_str(p.z, "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    mpz_set_str(b.z, "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);
    if (mpz_cmp(x.z, p.z) >= 0)
        return {};
    mpz_powm_ui(rhs.z, x.z, 3, p.z);
    mpz_submul_ui(rhs.z, x.z, 3);
    mpz_add(rhs.z, rhs.z, b.z);
    mpz_mod(rhs.z, rhs.z, p.z);
    Mpz exponent;
    mpz_add_ui(exponent.z, p.z, 1);
    mpz_fdiv_q_2exp(exponent.z, exponent.z, 2);
    mpz_powm(y.z, rhs.z, exponent.z, p.z);
    mpz_powm_ui(check.z, y.z, 2, p.z);
    if (mpz_cmp(check.z, rhs.z) != 0)
        return {};
    if (mpz_odd_p(y.z) != (point[0] == 3))
        mpz_sub(y.z, p.z, y.z);
    return '\x04' + x.bytes() + y.bytes();
}

// `pub` set to an uncompressed point (0x04 X Y); false when it is not on
// P-256 (Nettle checks the curve equation and the coordinates' range).
bool set_point(Point& pub, std::string_view uncompressed) {
    std::string_view xy = uncompressed.substr(1);
    Mpz x(xy.substr(0, kCoordinate)), y(xy.substr(kCoordinate));
    return ecc_point_set(&pub.p, x.z, y.z);
}

// The point as 0x04 X Y, refused unless it is on P-256.
std::string checked_point(std::string_view point, const std::string& name) {
    std::string full = point[0] == 4 ? std::string(point) : decompress(point);
    Point on_curve;
    if (full.empty() || !set_point(on_curve, full))
        fail(name + ": the public key is not a point on P-256");
    return full;
}

// `key` set to a scalar (big-endian bytes), refused unless in [1, n-1]; the
// GMP copy is zeroed (GMP frees without wiping).
void set_scalar(Scalar& key, const std::string& scalar, const std::string& name) {
    Mpz d(scalar);
    bool in_range = ecc_scalar_set(&key.s, d.z);
    mpz_set_ui(d.z, 0);
    if (!in_range)
        fail(name + ": the private key is not a P-256 scalar");
}

// A refusal from p256_der as ward says it about a key file.
[[noreturn]] void refuse(const p256::KeyRefused& e, const std::string& name,
                         const std::string& malformed) {
    using Kind = p256::KeyRefused::Kind;
    if (e.kind == Kind::not_ec)
        fail(name + ": not an EC key (ward signs and verifies with ECDSA P-256 only)");
    if (e.kind == Kind::curve)
        fail(name + ": EC key on curve " + e.what() + ", want P-256 (prime256v1)");
    fail(name + ": " + malformed + ": " + e.what());
}

// The SubjectPublicKeyInfo DER of a PEM public key.
std::string public_der(std::string_view pem, const std::string& name) {
    static const std::string malformed =
        "not a PEM public key (want \"-----BEGIN PUBLIC KEY-----\")";
    try {
        auto der = p256::pem_block(pem, "PUBLIC KEY");
        if (!der)
            fail(name + ": " + malformed);
        p256::spki_point(*der); // type and curve, checked now
        return std::move(*der);
    } catch (const p256::KeyRefused& e) {
        refuse(e, name, malformed);
    }
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

std::string digest_of(std::string_view data) {
    Sha256 h;
    h.update(data);
    return h.finish_bytes();
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
            k.der_ = std::move(*der);
            return k;
        }
    k.der_ = public_der(pem, k.name_);
    k.point();
    if (memo)
        memo->remember_key(pem, k.der_);
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

// A key a memo vouched for is decoded here, the first time a signature
// must be checked with it.
const std::string& PublicKey::point() const {
    if (point_.empty()) {
        try {
            point_ = checked_point(p256::spki_point(der_), name_);
        } catch (const p256::KeyRefused& e) {
            refuse(e, name_, "not a PEM public key");
        }
    }
    return point_;
}

bool PublicKey::verify(std::string_view data, std::string_view der_signature) const {
    if (memo_)
        if (auto known = memo_->verified(der_, data, der_signature))
            return *known;
    bool good = false;
    if (auto sig = p256::signature_from_der(der_signature)) {
        Point pub;
        if (!set_point(pub, point()))
            fail(name_ + ": the public key is not a point on P-256");
        EcdsaSignature s;
        mpz_import(s.sig.r, kCoordinate, 1, 1, 1, 0, sig->r.data());
        mpz_import(s.sig.s, kCoordinate, 1, 1, 1, 0, sig->s.data());
        std::string digest = digest_of(data);
        good = ecdsa_verify(&pub.p, digest.size(), reinterpret_cast<const uint8_t*>(digest.data()),
                            &s.sig) == 1;
    }
    if (memo_)
        memo_->remember_verified(der_, data, der_signature, good);
    return good;
}

std::string PublicKey::pem() const {
    return p256::pem_armor(der_, "PUBLIC KEY");
}

std::string PublicKey::der() const {
    return der_;
}

struct PrivateKey::Secret {
    std::string scalar; // kCoordinate bytes, big-endian
    ~Secret() { ::explicit_bzero(scalar.data(), scalar.size()); }
};

namespace {

// d·G for a scalar in [1, n-1], refused otherwise.
std::string public_point_of(const std::string& scalar, const std::string& name) {
    Scalar s;
    set_scalar(s, scalar, name);
    Point pub;
    ecc_point_mul_g(&pub.p, &s.s);
    return pub.uncompressed();
}

} // namespace

PrivateKey PrivateKey::generate() {
    Point pub;
    Scalar key;
    ecdsa_generate_keypair(&pub.p, &key.s, nullptr, random_bytes);
    Mpz d;
    ecc_scalar_get(&key.s, d.z);
    PrivateKey k;
    auto secret = std::make_shared<Secret>();
    secret->scalar = d.bytes();
    mpz_set_ui(d.z, 0);
    k.secret_ = std::move(secret);
    k.point_ = pub.uncompressed();
    k.name_ = "generated key";
    return k;
}

PrivateKey PrivateKey::from_pem(std::string_view pem, std::string name) {
    static const std::string malformed = "not an unencrypted PEM private key";
    p256::PrivateParts parts;
    try {
        if (auto der = p256::pem_block(pem, "PRIVATE KEY"))
            parts = p256::pkcs8_private(*der);
        else if (auto sec1 = p256::pem_block(pem, "EC PRIVATE KEY"))
            parts = p256::sec1_private(*sec1);
        else if (p256::pem_block(pem, "ENCRYPTED PRIVATE KEY"))
            fail(name + ": " + malformed +
                 ": the key is encrypted; ward reads unencrypted "
                 "PKCS#8 keys (\"-----BEGIN PRIVATE KEY-----\")");
        else if (p256::pem_block(pem, "RSA PRIVATE KEY"))
            throw p256::KeyRefused(p256::KeyRefused::Kind::not_ec, "RSA");
        else
            fail(name + ": " + malformed + " (want \"-----BEGIN PRIVATE KEY-----\")");
    } catch (const p256::KeyRefused& e) {
        refuse(e, name, malformed);
    }
    auto secret = std::make_shared<Secret>();
    secret->scalar = std::move(parts.scalar);
    PrivateKey k;
    k.point_ = public_point_of(secret->scalar, name);
    if (parts.point && checked_point(*parts.point, name) != k.point_)
        fail(name + ": its public key does not match its private key");
    k.secret_ = std::move(secret);
    k.name_ = std::move(name);
    return k;
}

PrivateKey PrivateKey::load(const std::string& path) {
    return from_pem(*read_key_file(path), path);
}

std::string PrivateKey::pem() const {
    std::string der = p256::pkcs8_der(secret_->scalar, point_);
    std::string out = p256::pem_armor(der, "PRIVATE KEY");
    ::explicit_bzero(der.data(), der.size());
    return out;
}

std::string PrivateKey::public_pem() const {
    return p256::pem_armor(p256::spki_der(point_), "PUBLIC KEY");
}

PublicKey PrivateKey::public_key() const {
    return PublicKey::from_pem(public_pem(), name_ + " (public part)");
}

std::string PrivateKey::sign(std::string_view data) const {
    Scalar key;
    set_scalar(key, secret_->scalar, name_);
    std::string digest = digest_of(data);
    EcdsaSignature s;
    ecdsa_sign(&key.s, nullptr, random_bytes, digest.size(),
               reinterpret_cast<const uint8_t*>(digest.data()), &s.sig);
    Mpz r, sv;
    mpz_set(r.z, s.sig.r);
    mpz_set(sv.z, s.sig.s);
    return p256::signature_der({r.bytes(), sv.bytes()});
}

} // namespace ward::trust
