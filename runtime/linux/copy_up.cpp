// tmpcopyup: a tmpfs mounted over a directory of the image starts with a
// copy of what it covers (modes, owners, links and special files kept).
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/linux/rootfs_steps.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ward::linux {

namespace {

void copy_file(int from_dir, int to_dir, const char* name, const struct stat& st) {
    UniqueFd in(::openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in)
        fail_errno(std::string("open ") + name);
    UniqueFd out(::openat(to_dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
                          st.st_mode & 07777));
    if (!out)
        fail_errno(std::string("create ") + name);
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(in.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail_errno(std::string("read ") + name);
        if (n == 0)
            break;
        write_all(out.get(), std::string_view(buf, static_cast<size_t>(n)),
                  std::string("write ") + name);
    }
    if (::fchown(out.get(), st.st_uid, st.st_gid) < 0 ||
        ::fchmod(out.get(), st.st_mode & 07777) < 0)
        fail_errno(std::string("set owner and mode of ") + name);
}

void copy_entry(int from_dir, int to_dir, const char* name) {
    struct stat st {};
    if (::fstatat(from_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        fail_errno(std::string("stat ") + name);
    if (S_ISDIR(st.st_mode)) {
        if (::mkdirat(to_dir, name, 0700) < 0)
            fail_errno(std::string("mkdir ") + name);
        UniqueFd from(::openat(from_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        UniqueFd to(::openat(to_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!from || !to)
            fail_errno(std::string("open ") + name);
        copy_tree(from.get(), to.get());
        if (::fchown(to.get(), st.st_uid, st.st_gid) < 0 ||
            ::fchmod(to.get(), st.st_mode & 07777) < 0)
            fail_errno(std::string("set owner and mode of ") + name);
    } else if (S_ISREG(st.st_mode)) {
        copy_file(from_dir, to_dir, name, st);
    } else if (S_ISLNK(st.st_mode)) {
        std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
        ssize_t n = ::readlinkat(from_dir, name, target.data(), target.size());
        if (n < 0)
            fail_errno(std::string("readlink ") + name);
        target.resize(static_cast<size_t>(n));
        if (::symlinkat(target.c_str(), to_dir, name) < 0 ||
            ::fchownat(to_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
            fail_errno(std::string("symlink ") + name);
    } else {
        if (::mknodat(to_dir, name, st.st_mode, st.st_rdev) < 0 ||
            ::fchownat(to_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
            fail_errno(std::string("mknod ") + name);
    }
}

} // namespace

void copy_tree(int from_dir, int to_dir) {
    // A description of its own (not dup's shared offset), close-on-exec.
    int listing = ::openat(from_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (listing < 0)
        fail_errno("open directory to copy");
    DIR* dir = ::fdopendir(listing);
    if (!dir) {
        ::close(listing);
        fail_errno("opendir");
    }
    try {
        ::rewinddir(dir);
        while (struct dirent* entry = ::readdir(dir)) {
            std::string_view name = entry->d_name;
            if (name == "." || name == "..")
                continue;
            copy_entry(from_dir, to_dir, entry->d_name);
        }
    } catch (...) {
        ::closedir(dir);
        throw;
    }
    ::closedir(dir);
}

} // namespace ward::linux
