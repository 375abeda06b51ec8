// /proc/PID/mountinfo: the root's read-only flag and propagation, and for
// each masked or read-only path what is really mounted there. A path is
// looked at inside the target's root with openat2(RESOLVE_IN_ROOT), so a
// symlink in the container resolves in the container, never on the host.
#include "ward/audit/live.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace ward::audit {
namespace {

bool has(const std::vector<std::string>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// The topmost mount at exactly `path` (later lines are mounted on top).
const MountEntry* mount_at(const std::vector<MountEntry>& mounts, const std::string& path) {
    const MountEntry* found = nullptr;
    for (const auto& m : mounts)
        if (m.mount_point == path)
            found = &m;
    return found;
}

// The mount `path` lies on: the longest mount point that is a prefix.
const MountEntry* mount_containing(const std::vector<MountEntry>& mounts, const std::string& path) {
    const MountEntry* found = nullptr;
    size_t best = 0;
    for (const auto& m : mounts) {
        const auto& mp = m.mount_point;
        bool prefix = mp == "/" || path == mp || starts_with(path, mp + "/");
        if (prefix && (mp.size() >= best)) {
            best = mp.size();
            found = &m;
        }
    }
    return found;
}

std::string propagation_of(const MountEntry& m) {
    bool shared = false, slave = false;
    for (const auto& f : m.optional_fields) {
        shared = shared || starts_with(f, "shared:");
        slave = slave || starts_with(f, "master:");
    }
    if (shared && slave)
        return "shared+slave";
    return shared ? "shared" : slave ? "slave" : "private";
}

// fstat of `path` inside the target's root; false when it does not exist.
bool stat_in_root(int root, const std::string& path, struct stat& st) {
    open_how how{};
    how.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    UniqueFd fd(static_cast<int>(::syscall(SYS_openat2, root, path.c_str(), &how, sizeof how)));
    if (!fd) {
        if (errno == ENOENT || errno == ENOTDIR)
            return false;
        fail_errno("open " + path + " in the process's root");
    }
    if (::fstat(fd.get(), &st) < 0)
        fail_errno("fstat " + path + " in the process's root");
    return true;
}

PathState judge_masked(int root, const std::vector<MountEntry>& mounts, const std::string& path) {
    PathState ps;
    ps.path = path;
    struct stat st {};
    ps.exists = stat_in_root(root, path, st);
    const MountEntry* m = mount_at(mounts, path);
    if (!ps.exists) {
        ps.how = "absent (nothing to mask)";
        return ps;
    }
    if (const MountEntry* on = mount_containing(mounts, path))
        ps.readonly = has(on->options, "ro");
    if (!m) {
        ps.how = "not a mount point";
        return ps;
    }
    if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3) {
        ps.masked = true;
        ps.how = "bind of /dev/null";
    } else if (S_ISDIR(st.st_mode) && m->fstype == "tmpfs" && has(m->options, "ro")) {
        ps.masked = true;
        ps.how = "read-only tmpfs";
    } else {
        ps.how = m->fstype + " mount (" + join(m->options, ",") + ")";
    }
    return ps;
}

PathState judge_readonly(int root, const std::vector<MountEntry>& mounts, const std::string& path) {
    PathState ps;
    ps.path = path;
    struct stat st {};
    ps.exists = stat_in_root(root, path, st);
    if (!ps.exists) {
        ps.how = "absent (nothing to protect)";
        return ps;
    }
    const MountEntry* on = mount_containing(mounts, path);
    ps.readonly = on && has(on->options, "ro");
    ps.how = on ? (on->mount_point == path ? "mount point, " : "on " + on->mount_point + ", ") +
                      std::string(ps.readonly ? "read-only" : "read-write")
                : "no mount found";
    return ps;
}

} // namespace

LiveMounts read_mounts(const ProcessHandle& process, const std::vector<std::string>& masked,
                       const std::vector<std::string>& readonly) {
    auto mounts = parse_mountinfo(process.read("mountinfo"));
    LiveMounts live;
    live.count = static_cast<int>(mounts.size());
    if (const MountEntry* root = mount_at(mounts, "/")) {
        live.root_readonly = has(root->options, "ro");
        live.root_propagation = propagation_of(*root);
    }
    UniqueFd root(::openat(process.dir(), "root", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) {
        int err = errno;
        process.check_alive();
        fail_errno("open /proc/" + std::to_string(process.pid()) + "/root", err);
    }
    for (const auto& p : masked)
        live.masked.push_back(judge_masked(root.get(), mounts, p));
    for (const auto& p : readonly)
        live.readonly.push_back(judge_readonly(root.get(), mounts, p));
    process.check_alive();
    return live;
}

} // namespace ward::audit
