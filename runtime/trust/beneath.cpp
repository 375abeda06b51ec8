#include "beneath.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

#include <atomic>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ward::trust::detail {

namespace {

std::atomic<bool> g_force_walk{false};
std::atomic<bool> g_openat2_missing{false};

// One syscall for the common case (every parent exists): no symlink, no
// "..", no mount crossing, nothing above the root. Any failure goes to the
// walk, which creates what is missing and says which component is wrong.
int try_openat2(int root_fd, const std::string& path) {
    if (g_force_walk.load() || g_openat2_missing.load())
        return -1;
    open_how how{};
    how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
    long fd = ::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how);
    if (fd < 0 && (errno == ENOSYS || errno == E2BIG))
        g_openat2_missing = true;
    return static_cast<int>(fd);
}

} // namespace

std::string join_components(const std::vector<std::string>& comps, size_t count) {
    std::string out;
    for (size_t i = 0; i < count; ++i) {
        if (i)
            out += '/';
        out += comps[i];
    }
    return out;
}

UniqueFd open_dir_beneath(int root_fd, const std::vector<std::string>& comps, size_t count,
                          const std::function<void(const std::string&)>* created) {
    if (count == 0) {
        UniqueFd fd(::openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!fd)
            fail_errno("open unpack target");
        return fd;
    }
    UniqueFd fast(try_openat2(root_fd, join_components(comps, count)));
    if (fast)
        return fast;

    UniqueFd cur(::openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!cur)
        fail_errno("open unpack target");
    for (size_t i = 0; i < count; ++i) {
        const std::string& name = comps[i];
        UniqueFd next(
            ::openat(cur.get(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!next && errno == ENOENT) {
            if (!created)
                return UniqueFd();
            if (::mkdirat(cur.get(), name.c_str(), 0755) < 0 && errno != EEXIST)
                fail_errno("mkdir " + quote(join_components(comps, i + 1)));
            // mkdir honours the umask; 0755 is what an implied parent gets.
            if (::fchmodat(cur.get(), name.c_str(), 0755, AT_SYMLINK_NOFOLLOW) < 0)
                fail_errno("chmod " + quote(join_components(comps, i + 1)));
            (*created)(join_components(comps, i + 1));
            next.reset(
                ::openat(cur.get(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        }
        if (!next) {
            int err = errno;
            struct stat st {};
            std::string shown = quote(join_components(comps, i + 1));
            if ((err == ENOTDIR || err == ELOOP) &&
                ::fstatat(cur.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
                if (S_ISLNK(st.st_mode))
                    fail("parent " + shown +
                         " is a symlink (names are never resolved through one)");
                fail("parent " + shown + " is not a directory");
            }
            fail_errno("open parent " + shown, err);
        }
        cur = std::move(next);
    }
    return cur;
}

std::vector<std::string> list_dir(int dir_fd) {
    int dup = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dup < 0)
        fail_errno("open directory");
    DIR* d = ::fdopendir(dup);
    if (!d) {
        int err = errno;
        ::close(dup);
        fail_errno("read directory", err);
    }
    std::vector<std::string> names;
    errno = 0;
    while (dirent* ent = ::readdir(d)) {
        std::string_view n = ent->d_name;
        if (n != "." && n != "..")
            names.emplace_back(n);
    }
    int err = errno;
    ::closedir(d);
    if (err)
        fail_errno("read directory", err);
    return names;
}

void remove_all_at(int dir_fd, const std::string& name) {
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT)
            return;
        fail_errno("stat " + quote(name));
    }
    if (S_ISDIR(st.st_mode)) {
        // One open directory per level: depth is capped by the unpack limits.
        UniqueFd sub(::openat(dir_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!sub)
            fail_errno("open " + quote(name));
        for (auto& child : list_dir(sub.get()))
            remove_all_at(sub.get(), child);
        if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT)
            fail_errno("rmdir " + quote(name));
        return;
    }
    if (::unlinkat(dir_fd, name.c_str(), 0) < 0 && errno != ENOENT)
        fail_errno("unlink " + quote(name));
}

void force_walk(bool on) {
    g_force_walk = on;
}

} // namespace ward::trust::detail
