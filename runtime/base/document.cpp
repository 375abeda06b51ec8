#include "ward/base/document.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"

#include <algorithm>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ward {

// Straight into the string, sized by the caller's fstat when it made one
// (`size_hint`, 0 when unknown): a 64 KiB stack buffer cost 16 page faults
// on its first use, about 0.3 ms of a cached client trust step on this
// project's VM, and a second fstat here would be one more syscall per file
// on the start path.
std::string read_capped(int fd, uint64_t cap, const std::string& what, uint64_t size_hint) {
    constexpr uint64_t kFirstChunk = 4096;
    const uint64_t limit = cap == UINT64_MAX ? cap : cap + 1; // one byte past cap tells "larger"
    // + 1: the read that sees the end.
    uint64_t first = size_hint > 0 && size_hint < limit ? size_hint + 1 : kFirstChunk;
    std::string out(static_cast<size_t>(std::min(first, limit)), '\0');
    size_t used = 0;
    while (true) {
        if (used == out.size())
            out.resize(static_cast<size_t>(
                std::min<uint64_t>(std::max<uint64_t>(out.size() * 2, kFirstChunk), limit)));
        ssize_t got = ::read(fd, out.data() + used, out.size() - used);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            fail_errno(what.empty() ? std::string("read") : what + ": read");
        if (got == 0) {
            out.resize(used);
            return out;
        }
        used += static_cast<size_t>(got);
        if (used > cap)
            fail(what + ": larger than " + std::to_string(cap) + " bytes");
    }
}

namespace {

const char* file_kind(mode_t mode) {
    switch (mode & S_IFMT) {
    case S_IFDIR:
        return "a directory";
    case S_IFIFO:
        return "a FIFO";
    case S_IFCHR:
        return "a character device";
    case S_IFBLK:
        return "a block device";
    case S_IFSOCK:
        return "a socket";
    default:
        return "not a regular file";
    }
}

} // namespace

std::optional<std::string> read_optional_document(const std::string& path, uint64_t cap) {
    // O_NONBLOCK: opening a FIFO for reading would wait for a writer.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!fd && errno == ENOENT)
        return std::nullopt;
    if (!fd)
        fail_errno("open " + path);
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0)
        fail_errno("stat " + path);
    if (!S_ISREG(st.st_mode))
        fail(path + ": is " + file_kind(st.st_mode) + ", not a regular file");
    if (static_cast<uint64_t>(st.st_size) > cap)
        fail(path + ": " + std::to_string(st.st_size) + " bytes, more than the " +
             std::to_string(cap) + " bytes ward reads of a document");
    // It may still grow while read: the cap holds for what is read too.
    return read_capped(fd.get(), cap, "read " + path, static_cast<uint64_t>(st.st_size));
}

std::string read_document(const std::string& path, uint64_t cap) {
    auto text = read_optional_document(path, cap);
    if (!text)
        fail_errno("open " + path, ENOENT);
    return std::move(*text);
}

} // namespace ward
