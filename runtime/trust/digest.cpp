// Digest strings, SHA-256, and bounded, verifying blob reads.
//
// SHA-256 is OpenSSL's SHA256_* functions, not EVP: an EVP digest fetches
// from the default provider, which links every algorithm's method tables
// into ward, and their relocation cost every ward process about 90 page
// faults at start (docs/performance.md). The low-level functions are the
// same SHA-NI/AVX2 code without that. They are deprecated in OpenSSL 3,
// not removed; OPENSSL_SUPPRESS_DEPRECATED says that is known here.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "ward/trust/digest.hpp"

#include "ward/base/error.hpp"
#include "ward/base/hex.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>
#include <cerrno>
#include <openssl/sha.h>
#include <unistd.h>

namespace ward::trust {

Digest parse_digest(std::string_view text) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos)
        fail("invalid digest " + quote(text) + ": want sha256:<hex>");
    std::string_view algo = text.substr(0, colon);
    std::string_view hex = text.substr(colon + 1);
    if (algo != "sha256")
        fail("invalid digest " + quote(text) + ": unsupported algorithm " + quote(algo) +
             " (only sha256)");
    bool lower_hex = std::all_of(hex.begin(), hex.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
    if (hex.size() != 64 || !lower_hex)
        fail("invalid digest " + quote(text) + ": hex must be 64 lower-case digits (got " +
             std::to_string(hex.size()) + (lower_hex ? "" : ", not all lower-case hex") + ")");
    return Digest{std::string(hex)};
}

bool is_digest(std::string_view text) {
    try {
        parse_digest(text);
        return true;
    } catch (const Error&) {
        return false;
    }
}

struct Sha256::Impl {
    SHA256_CTX ctx;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
    SHA256_Init(&impl_->ctx);
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, size_t size) {
    if (size)
        SHA256_Update(&impl_->ctx, data, size);
}

std::string Sha256::finish_bytes() {
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256_Final(md, &impl_->ctx);
    SHA256_Init(&impl_->ctx);
    return std::string(reinterpret_cast<const char*>(md), sizeof md);
}

Digest Sha256::finish() {
    return Digest{to_hex(finish_bytes())};
}

Digest sha256(std::string_view data) {
    Sha256 h;
    h.update(data);
    return h.finish();
}

VerifyingReader::VerifyingReader(UniqueFd fd, BlobSpec want, std::string what)
    : fd_(std::move(fd)), want_(std::move(want)), what_(std::move(what)) {}

size_t VerifyingReader::read(void* buf, size_t n) {
    if (done_ || n == 0)
        return 0;
    // One byte past the declared size is enough to know the blob is too
    // long; never ask for more than that.
    uint64_t left = want_.size - seen_ + 1;
    size_t ask = static_cast<size_t>(std::min<uint64_t>(n, left));
    ssize_t got;
    do
        got = ::read(fd_.get(), buf, ask);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        fail_errno(what_ + ": read");
    if (got == 0) {
        finish();
        return 0;
    }
    seen_ += static_cast<uint64_t>(got);
    if (seen_ > want_.size)
        fail(what_ + ": size mismatch (descriptor says " + std::to_string(want_.size) +
             " bytes, blob has more)");
    hash_.update(buf, static_cast<size_t>(got));
    return static_cast<size_t>(got);
}

void VerifyingReader::finish() {
    done_ = true;
    if (seen_ != want_.size)
        fail(what_ + ": size mismatch (descriptor says " + std::to_string(want_.size) +
             " bytes, blob has " + std::to_string(seen_) + ")");
    Digest got = hash_.finish();
    if (got != want_.digest)
        fail(what_ + ": digest mismatch (want " + want_.digest.str() + ", got " + got.str() + ")");
}

void VerifyingReader::drain() {
    char buf[65536];
    while (read(buf, sizeof buf) > 0) {
    }
}

std::string read_verified(UniqueFd fd, const BlobSpec& want, uint64_t cap,
                          const std::string& what) {
    if (want.size > cap)
        fail(what + ": descriptor size " + std::to_string(want.size) + " is over the limit of " +
             std::to_string(cap) + " bytes");
    VerifyingReader reader(std::move(fd), want, what);
    std::string out;
    out.resize(static_cast<size_t>(want.size) + 1);
    size_t used = 0;
    while (true) {
        size_t got = reader.read(out.data() + used, out.size() - used);
        if (got == 0)
            break;
        used += got;
    }
    out.resize(used);
    return out;
}

} // namespace ward::trust
