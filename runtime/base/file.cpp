#include "ward/base/file.hpp"

#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace ward {

std::string read_fd(int fd) {
    return read_capped(fd, UINT64_MAX, "");
}

std::string read_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        fail_errno("open " + path);
    return with_context("read " + path, [&] { return read_fd(fd.get()); });
}

void write_all(int fd, std::string_view data, std::string_view what) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail_errno(what);
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

void write_file_atomic(const std::string& path, std::string_view data, unsigned mode) {
    std::string tmp = path + ".tmp";
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
    if (!fd)
        fail_errno("create " + tmp);
    write_all(fd.get(), data, "write " + tmp);
    fd.reset();
    if (::rename(tmp.c_str(), path.c_str()) < 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        fail_errno("rename " + tmp, err);
    }
}

} // namespace ward
