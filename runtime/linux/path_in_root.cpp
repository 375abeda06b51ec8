#include "ward/linux/path_in_root.hpp"

#include "ward/base/strings.hpp"

#include <atomic>
#include <cerrno>
#include <deque>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

namespace ward::linux {

namespace {

// Linux's own limit on symlinks followed in one lookup.
constexpr int kMaxSymlinks = 40;

std::atomic<bool> g_force_walk{false};
std::atomic<bool> g_openat2_missing{false};

// The path as openat2 sees it relative to the root: for messages.
std::string shown(std::string_view path) {
    while (!path.empty() && path.front() == '/')
        path.remove_prefix(1);
    return quote(path.empty() ? "." : path);
}

[[noreturn]] void fail_path(std::string_view how, std::string_view path, int err) {
    throw PathError(std::string(how) + " " + shown(path) + " in rootfs: " + errno_text(err), err);
}

// -1 with errno set when openat2 is missing (ENOSYS, or E2BIG/EPERM from a
// seccomp filter or an old kernel that does not know the struct).
int try_openat2(int root_fd, std::string_view path, int flags) {
    std::string relative(path);
    while (!relative.empty() && relative.front() == '/')
        relative.erase(0, 1);
    if (relative.empty())
        relative = ".";
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    // EAGAIN: a concurrent rename raced a ".." step; the kernel asks for a retry.
    for (int attempt = 0; attempt < 32; ++attempt) {
        long fd = ::syscall(SYS_openat2, root_fd, relative.c_str(), &how, sizeof how);
        if (fd >= 0 || errno != EAGAIN)
            return static_cast<int>(fd);
    }
    return -1;
}

bool openat2_usable() {
    return !g_force_walk.load() && !g_openat2_missing.load();
}

bool openat2_absent(int err) {
    return err == ENOSYS || err == E2BIG;
}

// A procfs symlink whose target is not a plain relative path ("self" →
// "1234") is a magic link (fd/N, exe, root, ns/*): refuse it as
// RESOLVE_NO_MAGICLINKS does.
bool is_magic_link(int link_fd, const std::string& target) {
    struct statfs fs {};
    if (::fstatfs(link_fd, &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC)
        return false;
    return target.empty() || target.front() == '/' ||
           target.find_first_of(":[]") != std::string::npos;
}

std::string read_link(int link_fd, std::string_view path) {
    std::string buf(4096, '\0');
    ssize_t n = ::readlinkat(link_fd, "", buf.data(), buf.size());
    if (n < 0)
        fail_path("readlink", path, errno);
    if (static_cast<size_t>(n) >= buf.size())
        fail_path("readlink", path, ENAMETOOLONG);
    buf.resize(static_cast<size_t>(n));
    return buf;
}

// Creates the missing component `name` under `dir`: a directory, or an
// empty file when it is the last one and a file is asked for.
void create_component(int dir, const std::string& name, bool as_file, unsigned dir_mode,
                      std::string_view path) {
    if (as_file) {
        UniqueFd fd(::openat(dir, name.c_str(),
                             O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (!fd) {
            if (errno != EEXIST)
                fail_path("create", path, errno);
            return;
        }
        if (::fchmod(fd.get(), 0644) < 0)
            fail_path("chmod", path, errno);
        return;
    }
    if (::mkdirat(dir, name.c_str(), dir_mode) < 0) {
        if (errno != EEXIST)
            fail_path("mkdir", path, errno);
        return;
    }
    // mkdir honours the umask; the mode asked for is the mode wanted.
    if (::fchmodat(dir, name.c_str(), dir_mode, 0) < 0)
        fail_path("chmod", path, errno);
}

// The fd walk: one component at a time from `root_fd`, every open with
// O_NOFOLLOW, symlinks spliced into the remaining path by hand and ".."
// taken from our own stack of opened directories (never the kernel's), so
// nothing can step above the root even if a directory is moved meanwhile.
UniqueFd walk(int root_fd, std::string_view path, int flags, Create create, unsigned dir_mode) {
    std::deque<std::string> remaining;
    for (auto& c : path_components(path))
        remaining.push_back(std::move(c));
    std::vector<UniqueFd> stack; // opened directories below the root
    int links = 0;
    auto current = [&] { return stack.empty() ? root_fd : stack.back().get(); };

    while (!remaining.empty()) {
        std::string name = std::move(remaining.front());
        remaining.pop_front();
        if (name == "..") {
            if (!stack.empty())
                stack.pop_back();
            continue;
        }
        bool last = remaining.empty();
        int open_flags = last ? flags : O_PATH;
        UniqueFd fd(::openat(current(), name.c_str(), open_flags | O_NOFOLLOW | O_CLOEXEC));
        if (!fd && errno == ENOENT && create != Create::none) {
            create_component(current(), name, last && create == Create::file, dir_mode, path);
            fd.reset(::openat(current(), name.c_str(), open_flags | O_NOFOLLOW | O_CLOEXEC));
        }
        if (!fd && (errno == ELOOP || errno == ENOTDIR)) {
            // O_NOFOLLOW (or O_DIRECTORY) refused a symlink as the last
            // component: open the link itself to follow it by hand.
            int err = errno;
            fd.reset(::openat(current(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
            struct stat st {};
            if (fd && (::fstat(fd.get(), &st) < 0 || !S_ISLNK(st.st_mode)))
                fail_path("open", path, err);
        }
        if (!fd)
            fail_path("open", path, errno);
        struct stat st {};
        if (::fstat(fd.get(), &st) < 0)
            fail_path("stat", path, errno);
        if (S_ISLNK(st.st_mode)) {
            if (++links > kMaxSymlinks)
                fail_path("open", path, ELOOP);
            std::string target = read_link(fd.get(), path);
            if (is_magic_link(fd.get(), target))
                fail_path("open", path, ELOOP);
            auto parts = path_components(target);
            remaining.insert(remaining.begin(), parts.begin(), parts.end());
            if (!target.empty() && target.front() == '/')
                stack.clear();
            continue;
        }
        if (last)
            return fd;
        if (!S_ISDIR(st.st_mode))
            fail_path("open", path, ENOTDIR);
        stack.push_back(std::move(fd));
    }
    // Nothing left: the path named the root or a directory reached by "..".
    UniqueFd fd(::openat(current(), ".", flags | O_CLOEXEC));
    if (!fd)
        fail_path("open", path, errno);
    return fd;
}

} // namespace

std::vector<std::string> path_components(std::string_view path) {
    std::vector<std::string> out;
    for (auto& part : split(path, '/'))
        if (!part.empty() && part != ".")
            out.push_back(std::move(part));
    return out;
}

std::string fd_path(int fd) {
    return "/proc/self/fd/" + std::to_string(fd);
}

void force_fd_walk(bool on) {
    g_force_walk = on;
}

UniqueFd open_in_root(int root_fd, std::string_view path, int flags) {
    if (openat2_usable()) {
        UniqueFd fd(try_openat2(root_fd, path, flags));
        if (fd)
            return fd;
        if (!openat2_absent(errno))
            fail_path("openat2", path, errno);
        g_openat2_missing = true;
    }
    return walk(root_fd, path, flags, Create::none, 0);
}

UniqueFd create_in_root(int root_fd, std::string_view path, Create create, unsigned dir_mode) {
    // The common case (it exists) goes through openat2; creating what is
    // missing needs the walk, which makes each component as it goes.
    if (openat2_usable()) {
        UniqueFd fd(try_openat2(root_fd, path, O_PATH));
        if (fd)
            return fd;
        if (openat2_absent(errno))
            g_openat2_missing = true;
        else if (errno != ENOENT || create == Create::none)
            fail_path("openat2", path, errno);
    }
    return walk(root_fd, path, O_PATH, create, dir_mode);
}

} // namespace ward::linux
