#include "ward/linux/procfs.hpp"

#include "statmount_abi.hpp"
#include "ward/base/file.hpp"
#include "ward/base/in_root.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/mount_api.hpp"

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <optional>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

namespace ward::linux {

namespace {

constexpr ino_t kProcRootIno = 1; // PROC_ROOT_INO

bool on_filesystem(int fd, long magic) {
    struct statfs fs {};
    return ::fstatfs(fd, &fs) == 0 && fs.f_type == magic;
}

// The mount id of `fd` (the unique one where the kernel has it); nullopt
// on kernels before 5.8, which do not say.
std::optional<uint64_t> mount_id(int fd) {
    struct statx sx {};
    if (::statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID | STATX_MNT_ID_UNIQUE,
                &sx) < 0)
        return std::nullopt;
    if (!(sx.stx_mask & (STATX_MNT_ID | STATX_MNT_ID_UNIQUE)))
        return std::nullopt;
    return sx.stx_mnt_id;
}

// `fd` is the root directory of a procfs mount (not a directory inside
// one, not a bind of a subtree, not something mounted over /proc).
void check_procfs_root(int fd, const std::string& what) {
    if (!on_filesystem(fd, PROC_SUPER_MAGIC))
        fail(what + " is not procfs");
    struct statx sx {};
    if (::statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_INO, &sx) < 0)
        fail_errno("statx " + what);
    if (sx.stx_ino != kProcRootIno)
        fail(what + " is not the root of a procfs");
    if ((sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
        !(sx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
        fail(what + " is not the root of a procfs mount");
}

UniqueFd private_instance() {
    UniqueFd mnt = new_filesystem("proc", "proc", {}, 0,
                                  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    check_procfs_root(mnt.get(), "the new procfs");
    return mnt;
}

UniqueFd open_proc_directory(const std::string& proc) {
    UniqueFd fd(::open(proc.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        fail_errno("open " + proc);
    check_procfs_root(fd.get(), proc);
    return fd;
}

UniqueFd cloned_mount(const std::string& proc) {
    UniqueFd dir = open_proc_directory(proc);
    UniqueFd clone = with_context("clone " + proc, [&] { return clone_mount(dir.get(), false); });
    check_procfs_root(clone.get(), "the clone of " + proc);
    return clone;
}

UniqueFd root_from(ProcfsSource source, const std::string& proc) {
    switch (source) {
    case ProcfsSource::private_instance:
        return private_instance();
    case ProcfsSource::cloned_mount:
        return cloned_mount(proc);
    case ProcfsSource::proc_directory:
        return open_proc_directory(proc);
    }
    fail("procfs: unknown source");
}

[[noreturn]] void fail_open(const ProcfsHandle& handle, const std::string& path,
                            const std::string& below, int err) {
    std::string what = "open " + path + " (" + describe(handle.source, handle.proc) + ")";
    std::string why;
    if (err == EXDEV)
        why = ": a mount covers " + quote(below) + " or a directory on its way, refusing to use it";
    else if (err == ELOOP)
        why = ": " + quote(below) + " is reached through a symlink";
    throw ProcfsError(what + why + ": " + errno_text(err), err);
}

// `below` under the handle's root by the one in-root resolver, nothing
// followed and no mount crossed (openat2 RESOLVE_BENEATH|NO_XDEV|
// NO_SYMLINKS|NO_MAGICLINKS, or its fd walk): a bind mount over a procfs
// file, or a symlink on the way, is refused, never written through.
UniqueFd open_below(const ProcfsHandle& handle, const std::string& shown, const std::string& below,
                    int flags) {
    Resolution how;
    how.symlinks = Symlinks::refused;
    how.mounts = Mounts::stay;
    try {
        return resolve_in_root(handle.root.get(), below, flags, how);
    } catch (const PathError& e) {
        fail_open(handle, shown, below, e.err);
    }
}

// What the symlink `name` ("self", "thread-self") at the top of the
// handle says, checked to be a relative path of pids: "1234" or
// "1234/task/1235". ENOENT when the caller is not in the handle's pid
// namespace.
std::string read_pid_link(const ProcfsHandle& handle, const std::string& name) {
    UniqueFd link = open_below(handle, "/proc/" + name, name, O_PATH | O_NOFOLLOW);
    char buf[64];
    ssize_t n = ::readlinkat(link.get(), "", buf, sizeof buf);
    if (n < 0)
        fail_open(handle, "/proc/" + name, name, errno);
    std::string target(buf, static_cast<size_t>(n));
    auto parts = split(target, '/');
    bool pids = static_cast<size_t>(n) < sizeof buf && (parts.size() == 1 || parts.size() == 3);
    for (size_t i = 0; pids && i < parts.size(); ++i)
        pids = i == 1 ? parts[i] == "task" : parse_uint(parts[i]).has_value();
    if (!pids)
        throw ProcfsError("readlink /proc/" + name + ": unexpected target " + quote(target),
                          EINVAL);
    return target;
}

// "/proc/self/attr/exec" → "1234/attr/exec", checked for "..", empty and
// foreign pids.
std::string below_root(const ProcfsHandle& handle, const std::string& path) {
    if (!path.starts_with("/proc/"))
        throw ProcfsError("procfs: " + quote(path) + " is not under /proc", EINVAL);
    auto parts = split(std::string_view(path).substr(6), '/');
    std::string below;
    for (size_t i = 0; i < parts.size(); ++i) {
        const std::string& part = parts[i];
        if (part.empty() || part == "." || part == "..")
            throw ProcfsError("procfs: " + quote(path) + " is not a plain path", EINVAL);
        std::string piece = part;
        if (i == 0 && (part == "self" || part == "thread-self"))
            piece = read_pid_link(handle, part);
        else if (i == 0 && parse_uint(part) && !handle.own_pid_namespace)
            throw ProcfsError("open " + path + " (" + describe(handle.source, handle.proc) +
                                  "): the procfs is of another pid namespace than ward's",
                              ESRCH);
        below += (below.empty() ? "" : "/") + piece;
    }
    if (below.empty())
        throw ProcfsError("procfs: " + quote(path) + " names no file", EINVAL);
    return below;
}

bool pid_namespace_is_ours(const ProcfsHandle& handle) {
    try {
        return read_pid_link(handle, "self") == std::to_string(::getpid());
    } catch (const Error&) {
        return false; // not in its pid namespace at all
    }
}

// The per-process cache (see the header): the handle, who made it and the
// mount its fd was on then.
struct Cached {
    pid_t owner = 0;
    std::optional<uint64_t> mount;
    ProcfsHandle handle;
};

Cached& cache() {
    static Cached cached;
    return cached;
}

bool cache_valid(const Cached& c) {
    return c.owner == ::getpid() && c.handle.root &&
           on_filesystem(c.handle.root.get(), PROC_SUPER_MAGIC) &&
           mount_id(c.handle.root.get()) == c.mount;
}

void cache_store(ProcfsHandle handle) {
    Cached& c = cache();
    // Not ours to close: a parent's number, or one already reused.
    c.handle.root.release();
    c.owner = ::getpid();
    c.mount = mount_id(handle.root.get());
    c.handle = std::move(handle);
}

} // namespace

std::string describe(ProcfsSource source, const std::string& proc) {
    switch (source) {
    case ProcfsSource::private_instance:
        return "private procfs";
    case ProcfsSource::cloned_mount:
        return "clone of " + proc;
    case ProcfsSource::proc_directory:
        return proc;
    }
    return "procfs";
}

ProcfsHandle make_procfs_handle(ProcfsSource first, const std::string& proc) {
    std::string reasons;
    for (auto source : {ProcfsSource::private_instance, ProcfsSource::cloned_mount,
                        ProcfsSource::proc_directory}) {
        if (source < first)
            continue;
        try {
            ProcfsHandle handle{root_from(source, proc), source, proc, false};
            handle.own_pid_namespace = pid_namespace_is_ours(handle);
            return handle;
        } catch (const Error& e) {
            reasons += (reasons.empty() ? "" : "; ") + describe(source, proc) + ": " + e.what();
        }
    }
    fail("no procfs for ward's own writes (" + reasons + ")");
}

UniqueFd open_in_procfs(const ProcfsHandle& handle, const std::string& path, int flags) {
    std::string below = below_root(handle, path);
    UniqueFd fd = open_below(handle, path, below, flags);
    if (!on_filesystem(fd.get(), PROC_SUPER_MAGIC))
        throw ProcfsError("open " + path + ": not on procfs", EXDEV);
    return fd;
}

const ProcfsHandle& procfs_handle() {
    Cached& c = cache();
    if (!cache_valid(c))
        cache_store(make_procfs_handle());
    return c.handle;
}

void release_procfs_handle() {
    Cached& c = cache();
    if (c.owner != ::getpid())
        c.handle.root.release(); // a parent's number: not ours to close
    c.handle.root.reset();
    c.owner = 0;
    c.mount.reset();
}

bool prepare_procfs() {
    try {
        procfs_handle();
        return true;
    } catch (const Error&) {
        return false;
    }
}

UniqueFd open_procfs(const std::string& path, int flags) {
    return open_in_procfs(procfs_handle(), path, flags);
}

void write_procfs(const std::string& path, std::string_view data) {
    UniqueFd fd = open_procfs(path, O_WRONLY);
    write_all(fd.get(), data, "write " + path);
}

bool procfs_exists(const std::string& path) {
    try {
        open_procfs(path, O_PATH);
        return true;
    } catch (const ProcfsError& e) {
        if (e.err == ENOENT)
            return false;
        throw;
    }
}

UniqueFd open_procfs_no_mount(const std::string& path, int flags) {
    if (cache_valid(cache()))
        return open_in_procfs(cache().handle, path, flags);
    return open_in_procfs(make_procfs_handle(ProcfsSource::proc_directory), path, flags);
}

UniqueFd open_procfs_namespace(const std::string& path) {
    auto slash = path.rfind('/');
    std::string dir_path = path.substr(0, slash == std::string::npos ? 0 : slash);
    if (!path.starts_with("/proc/") || !dir_path.ends_with("/ns") || slash + 1 >= path.size())
        fail("procfs: " + quote(path) + " is not a namespace file");
    UniqueFd dir = open_procfs(dir_path, O_PATH | O_DIRECTORY);
    // The last step is a magic link into nsfs, which the handle's
    // resolution refuses by design: the link itself is opened first (so
    // nothing is mounted over it), then followed from the verified
    // directory, and the result checked.
    open_procfs(path, O_PATH | O_NOFOLLOW);
    UniqueFd ns(::openat(dir.get(), path.c_str() + slash + 1, O_RDONLY | O_CLOEXEC));
    if (!ns)
        fail_errno("open " + path);
    if (!on_filesystem(ns.get(), NSFS_MAGIC))
        fail("open " + path + ": not a namespace file");
    return ns;
}

namespace {

// The fields of /proc/PID/stat after the command name, which may itself
// contain spaces and parentheses: split after the last ')'.
// A process that is gone (or never was) has none: no exception for it,
// since `state` and `delete` of a stopped container ask every time.
std::vector<std::string> stat_fields(int pid) {
    UniqueFd fd(::open(("/proc/" + std::to_string(pid) + "/stat").c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return {};
    std::string text;
    try {
        text = read_fd(fd.get());
    } catch (const Error&) { // ESRCH: it exited between the open and the read
        return {};
    }
    auto close = text.rfind(')');
    if (close == std::string::npos || close + 2 >= text.size())
        return {};
    return split(std::string_view(text).substr(close + 2), ' ');
}

} // namespace

unsigned long long process_start_time(int pid) {
    // Field 22 overall; fields[0] is field 3 (state).
    auto fields = stat_fields(pid);
    if (fields.size() < 20)
        return 0;
    return parse_uint(fields[19]).value_or(0);
}

UniqueFd open_pidfd(int pid) {
    return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
}

char process_state(int pid) {
    auto fields = stat_fields(pid);
    if (fields.empty() || fields[0].empty())
        return 0;
    return fields[0][0];
}

} // namespace ward::linux
