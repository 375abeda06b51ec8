#include "ward/base/in_root.hpp"

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

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

namespace ward {

namespace {

// Linux's own limit on symlinks followed in one lookup.
constexpr int kMaxSymlinks = 40;

std::atomic<bool> g_force_walk{false};
std::atomic<bool> g_openat2_missing{false};

std::string relative_path(std::string_view path) {
    while (!path.empty() && path.front() == '/')
        path.remove_prefix(1);
    return std::string(path.empty() ? "." : path);
}

[[noreturn]] void fail_path(std::string_view op, std::string_view path, int err, std::string at) {
    throw PathError(std::string(op) + " " + quote(relative_path(path)) +
                        " in rootfs: " + errno_text(err),
                    err, std::string(op), std::move(at));
}

uint64_t resolve_flags(const Resolution& how) {
    uint64_t resolve = RESOLVE_NO_MAGICLINKS;
    resolve |=
        how.symlinks == Symlinks::in_root ? RESOLVE_IN_ROOT : RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
    if (how.mounts == Mounts::stay)
        resolve |= RESOLVE_NO_XDEV;
    return resolve;
}

// -1 with errno set on failure; ENOSYS or E2BIG (seccomp, an old kernel
// that does not know the struct) mean openat2 is missing.
int try_openat2(int root_fd, std::string_view path, int flags, const Resolution& how) {
    std::string relative = relative_path(path);
    open_how req{};
    req.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    req.resolve = resolve_flags(how);
    // EAGAIN: a concurrent rename raced a ".." step; the kernel asks for a retry.
    for (int attempt = 0; attempt < 32; ++attempt) {
        long fd = ::syscall(SYS_openat2, root_fd, relative.c_str(), &req, sizeof req);
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

// Which mount an fd is on: the mount id where statx has it, else the
// device (which cannot tell a bind mount of the same filesystem apart).
uint64_t mount_of(int fd) {
    struct statx stx {};
    if (::statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
        return 0;
    if (stx.stx_mask & STATX_MNT_ID)
        return stx.stx_mnt_id;
    return (static_cast<uint64_t>(stx.stx_dev_major) << 32) | stx.stx_dev_minor;
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

// The fd walk: one component at a time from the root, every open with
// O_NOFOLLOW, symlinks spliced into the remaining path by hand and ".."
// taken from its own stack of opened directories (never the kernel's), so
// nothing can step above the root even if a directory is moved meanwhile.
class Walk {
  public:
    Walk(int root_fd, std::string_view path, int flags, const Resolution& how)
        : root_(root_fd), path_(path), flags_(flags), how_(how) {
        for (auto& c : path_components(path))
            remaining_.push_back(std::move(c));
        if (how_.mounts == Mounts::stay)
            root_mount_ = mount_of(root_fd);
    }

    UniqueFd run() {
        while (!remaining_.empty()) {
            std::string name = std::move(remaining_.front());
            remaining_.pop_front();
            if (name == "..") {
                up();
                continue;
            }
            bool last = remaining_.empty();
            bool made = false;
            UniqueFd fd = open_component(name, last, made);
            struct stat st {};
            if (::fstat(fd.get(), &st) < 0)
                fail("stat", errno, name);
            // A trailing symlink the caller asked not to follow is the
            // answer itself, as openat2 gives it for O_PATH|O_NOFOLLOW.
            if (S_ISLNK(st.st_mode) && last && (flags_ & O_NOFOLLOW) && (flags_ & O_PATH))
                return fd;
            if (S_ISLNK(st.st_mode)) {
                follow(fd.get(), name);
                continue;
            }
            if (how_.mounts == Mounts::stay && mount_of(fd.get()) != root_mount_)
                fail("open", EXDEV, name);
            if (last)
                return made && S_ISDIR(st.st_mode) ? reopen(fd.get(), name) : std::move(fd);
            if (!S_ISDIR(st.st_mode))
                fail("open", ENOTDIR, name);
            push(std::move(fd), name);
        }
        // Nothing left: the path named the root or a directory reached by "..".
        return reopen(current(), "");
    }

  private:
    int current() const { return stack_.empty() ? root_ : stack_.back().get(); }

    // "a/b/name": where the walk is, for PathError::at.
    std::string at(const std::string& name) const {
        std::string out;
        for (const auto& n : names_)
            out += n + "/";
        return out + name;
    }

    [[noreturn]] void fail(std::string_view op, int err, const std::string& name) const {
        fail_path(op, path_, err, at(name));
    }

    [[noreturn]] void fail_replaced(int err, const std::string& name) const {
        throw PathError("mkdir " + quote(relative_path(path_)) + " in rootfs: " + quote(at(name)) +
                            " was replaced while being made: " + errno_text(err),
                        err, "mkdir", at(name));
    }

    void up() {
        if (!stack_.empty()) {
            stack_.pop_back();
            names_.pop_back();
        } else if (how_.symlinks == Symlinks::refused) {
            fail("open", EXDEV, ".."); // RESOLVE_BENEATH's answer
        }
    }

    void push(UniqueFd fd, const std::string& name) {
        stack_.push_back(std::move(fd));
        names_.push_back(name);
    }

    // The component itself, never followed: made first when it is missing
    // and creation is asked for (`made` says so); a symlink comes back as
    // an O_PATH fd of the link.
    UniqueFd open_component(const std::string& name, bool last, bool& made) {
        int open_flags = (last ? flags_ : O_PATH) | O_NOFOLLOW | O_CLOEXEC;
        UniqueFd fd(::openat(current(), name.c_str(), open_flags));
        if (!fd && errno == ENOENT && how_.create != Create::none) {
            fd = make(name, last && how_.create == Create::file);
            made = fd.valid();
            if (!made) // someone else made it first: take what is there
                fd.reset(::openat(current(), name.c_str(), open_flags));
        }
        if (!fd && (errno == ELOOP || errno == ENOTDIR)) {
            // O_NOFOLLOW (or O_DIRECTORY) refused a symlink as the last
            // component: open the link itself to decide about it.
            int err = errno;
            fd.reset(::openat(current(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
            struct stat st {};
            if (fd && (::fstat(fd.get(), &st) < 0 || !S_ISLNK(st.st_mode)))
                fail("open", err, name);
        }
        if (!fd)
            fail("open", errno, name);
        return fd;
    }

    // Makes the missing `name` and returns an fd of what was made, or an
    // invalid fd when something appeared there first (EEXIST).
    //
    // Mode and owner are then set through that fd, never by name: between
    // mkdirat and a chmod by name the name can be swapped for a symlink,
    // and before the pivot an absolute one resolves on the host (a volume
    // shared with another container is enough to do that). A directory is
    // opened O_NOFOLLOW|O_DIRECTORY in the directory it was made in, so
    // whatever that fd holds is a directory inside the tree, never a link
    // out of it; a file is opened by its O_CREAT|O_EXCL, which never opens
    // anything it did not create.
    UniqueFd make(const std::string& name, bool as_file) {
        if (as_file) {
            UniqueFd fd(::openat(current(), name.c_str(),
                                 O_CREAT | O_EXCL | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0644));
            if (!fd && errno != EEXIST)
                fail("create", errno, name);
            if (fd && ::fchmod(fd.get(), 0644) < 0) // the umask applied at creation
                fail("chmod", errno, name);
            return fd;
        }
        if (::mkdirat(current(), name.c_str(), how_.dir_mode) < 0) {
            if (errno != EEXIST)
                fail("mkdir", errno, name);
            return UniqueFd();
        }
        UniqueFd fd(
            ::openat(current(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) // replaced between mkdirat and the open: refuse, do not guess
            fail_replaced(errno, name);
        struct stat st {};
        if (::fstat(fd.get(), &st) < 0)
            fail("stat", errno, name);
        // mkdir honours the umask; the mode asked for is the mode wanted.
        if ((st.st_mode & 07777) != how_.dir_mode && ::fchmod(fd.get(), how_.dir_mode) < 0)
            fail("chmod", errno, name);
        if (how_.on_created)
            how_.on_created(at(name));
        return fd;
    }

    void follow(int link_fd, const std::string& name) {
        if (how_.symlinks == Symlinks::refused)
            fail("open", ELOOP, name);
        if (++links_ > kMaxSymlinks)
            fail("open", ELOOP, name);
        std::string target = read_link(link_fd, name);
        if (is_magic_link(link_fd, target))
            fail("open", ELOOP, name);
        auto parts = path_components(target);
        remaining_.insert(remaining_.begin(), parts.begin(), parts.end());
        if (!target.empty() && target.front() == '/') {
            stack_.clear();
            names_.clear();
        }
    }

    std::string read_link(int link_fd, const std::string& name) const {
        std::string buf(4096, '\0');
        ssize_t n = ::readlinkat(link_fd, "", buf.data(), buf.size());
        if (n < 0)
            fail("readlink", errno, name);
        if (static_cast<size_t>(n) >= buf.size())
            fail("readlink", ENAMETOOLONG, name);
        buf.resize(static_cast<size_t>(n));
        return buf;
    }

    // A directory fd reopened with the caller's flags: through "." of the
    // fd itself, so no name is looked up again.
    UniqueFd reopen(int dir_fd, const std::string& name) const {
        UniqueFd fd(::openat(dir_fd, ".", flags_ | O_CLOEXEC));
        if (!fd)
            fail("open", errno, name);
        return fd;
    }

    int root_;
    std::string_view path_;
    int flags_;
    const Resolution& how_;
    std::deque<std::string> remaining_;
    std::vector<UniqueFd> stack_;    // opened directories below the root
    std::vector<std::string> names_; // their names, for PathError::at
    int links_ = 0;
    uint64_t root_mount_ = 0;
};

} // namespace

std::vector<std::string> path_components(std::string_view path) {
    std::vector<std::string> out;
    for (auto& part : split(path, '/'))
        if (!part.empty() && part != ".")
            out.push_back(std::move(part));
    return out;
}

std::string normal_path(std::string_view path) {
    std::string out;
    for (const auto& part : path_components(path))
        out += "/" + part;
    return out.empty() ? "/" : out;
}

void force_fd_walk(bool on) {
    g_force_walk = on;
}

UniqueFd resolve_in_root(int root_fd, std::string_view path, int flags, const Resolution& how) {
    // The common case (it exists) is one openat2; creating what is missing
    // needs the walk, which makes each component as it goes.
    if (openat2_usable()) {
        UniqueFd fd(try_openat2(root_fd, path, flags, how));
        if (fd)
            return fd;
        int err = errno;
        if (openat2_absent(err))
            g_openat2_missing = true;
        else if (how.symlinks == Symlinks::in_root && (err != ENOENT || how.create == Create::none))
            fail_path("openat2", path, err, relative_path(path));
        // With symlinks refused the walk runs on any failure: it says which
        // component is the symlink, the file or the mount point.
    }
    return Walk(root_fd, path, flags, how).run();
}

UniqueFd open_in_root(int root_fd, std::string_view path, int flags) {
    return resolve_in_root(root_fd, path, flags, Resolution{});
}

std::optional<UniqueFd> open_in_root_if_exists(int root_fd, std::string_view path, int flags) {
    if (openat2_usable()) {
        UniqueFd fd(try_openat2(root_fd, path, flags, Resolution{}));
        if (fd)
            return fd;
        if (errno == ENOENT)
            return std::nullopt;
        // Anything else is open_in_root's to decide and to report.
    }
    try {
        return open_in_root(root_fd, path, flags);
    } catch (const PathError& e) {
        if (e.err == ENOENT)
            return std::nullopt;
        throw;
    }
}

UniqueFd create_in_root(int root_fd, std::string_view path, Create create, unsigned dir_mode) {
    Resolution how;
    how.create = create;
    how.dir_mode = dir_mode;
    return resolve_in_root(root_fd, path, O_PATH, how);
}

void set_owner_and_mode(int fd, uid_t uid, gid_t gid, mode_t mode) {
    if (::fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
        fail_errno("chown");
    // fchmod needs an fd opened for I/O; fchmodat2 (Linux 6.6) takes an
    // O_PATH fd. Before it, the fd's /proc/self/fd link names the same
    // inode without looking up any path of the tree.
    if (::syscall(SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH) == 0)
        return;
    if (errno != ENOSYS && errno != EINVAL)
        fail_errno("chmod");
    std::string self = "/proc/self/fd/" + std::to_string(fd);
    if (::chmod(self.c_str(), mode) < 0)
        fail_errno("chmod");
}

} // namespace ward
