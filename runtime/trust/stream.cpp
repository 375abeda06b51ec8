#include "ward/trust/stream.hpp"

#include "ward/base/error.hpp"

#include <cerrno>
#include <cstring>
#include <openssl/evp.h>
#include <unistd.h>

namespace ward::trust {

size_t FdSource::read(void* buf, size_t n) {
    for (;;) {
        ssize_t got = ::read(fd_, buf, n);
        if (got >= 0)
            return static_cast<size_t>(got);
        if (errno != EINTR)
            fail_errno("read " + what_);
    }
}

size_t MemorySource::read(void* buf, size_t n) {
    size_t take = std::min(n, data_.size());
    std::memcpy(buf, data_.data(), take);
    data_.remove_prefix(take);
    return take;
}

Sha256Sink::Sha256Sink() {
    auto* ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) {
        EVP_MD_CTX_free(ctx);
        fail("sha256: cannot initialise the OpenSSL digest");
    }
    ctx_ = ctx;
}

Sha256Sink::~Sha256Sink() {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}

void Sha256Sink::write(const void* data, size_t n) {
    if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data, n) != 1)
        fail("sha256: digest update failed");
}

std::string Sha256Sink::digest() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), md, &len) != 1)
        fail("sha256: digest final failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "sha256:";
    for (unsigned i = 0; i < len; ++i) {
        out += kHex[md[i] >> 4];
        out += kHex[md[i] & 0xf];
    }
    // Ready for another stream, so a sink can be reused per file.
    EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr);
    return out;
}

bool read_exact(ByteSource& in, void* buf, size_t n, size_t* got) {
    auto* p = static_cast<char*>(buf);
    size_t done = 0;
    while (done < n) {
        size_t r = in.read(p + done, n - done);
        if (r == 0)
            break;
        done += r;
    }
    if (got)
        *got = done;
    return done == n;
}

} // namespace ward::trust
