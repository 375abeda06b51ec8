#include "ward/trust/stream.hpp"

#include "ward/base/error.hpp"

#include <cerrno>
#include <cstring>
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
