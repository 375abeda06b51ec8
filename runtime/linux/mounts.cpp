// One config mount: resolve its destination inside the root (creating the
// mountpoint), build the mount detached as an fd, set its flags, and attach
// it onto the resolved fd.
#include "ward/base/error.hpp"
#include "ward/base/in_root.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/mount_api.hpp"
#include "ward/linux/mount_options.hpp"
#include "ward/linux/rootfs_handles.hpp"
#include "ward/linux/rootfs_steps.hpp"

#include <algorithm>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

namespace ward::linux {

namespace {

// Files under /proc that may be covered by a bind (lxcfs and friends give
// containers their own view of these); anything else on procfs is refused,
// so a config cannot shadow /proc/self/attr or /proc/sys/... with its own files.
const char* const kProcBindAllowed[] = {
    "/proc/cpuinfo", "/proc/diskstats",
    "/proc/meminfo", "/proc/stat",
    "/proc/swaps",   "/proc/uptime",
    "/proc/loadavg", "/proc/slabinfo",
    "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
};

bool on_procfs(int fd) {
    struct statfs fs {};
    return ::fstatfs(fd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
}

void check_proc_target(int target_fd, const std::string& destination) {
    if (!on_procfs(target_fd))
        return;
    std::string clean = normal_path(destination);
    for (const char* allowed : kProcBindAllowed)
        if (clean == allowed)
            return;
    fail("destination is on procfs (only /proc itself and a few /proc files such as "
         "/proc/meminfo may be mounted over)");
}

// proc and sysfs go where the image says /proc and /sys are, never through
// a symlink there: that would put the kernel's view where the container's
// paths (and its masked and read-only paths) do not expect it, or, in a
// runtime that follows the link, on the host. runc refuses the same.
// (CVE-2023-27561 class.) Their target is resolved by the one in-root
// resolver with symlinks refused, missing directories made through fds:
// the directory found is the one mounted on, with nothing to re-check.
UniqueFd kernel_view_target(int root_fd, const std::string& destination) {
    Resolution how;
    how.symlinks = Symlinks::refused;
    how.create = Create::directory;
    try {
        return resolve_in_root(root_fd, destination, O_PATH, how);
    } catch (const PathError& e) {
        if (e.err == ELOOP)
            fail("destination " + quote(e.at) + " is a symlink in the rootfs");
        throw;
    }
}

bool is_directory(int fd, const std::string& shown) {
    struct stat st {};
    if (::fstat(fd, &st) < 0)
        fail_errno("stat source " + quote(shown));
    return S_ISDIR(st.st_mode);
}

// The per-mount flags an option list sets and clears, as mount attributes.
void flag_attrs(const MountOptions& options, uint64_t& set, uint64_t& clear) {
    set = mount_attrs_of(options.flags);
    clear = mount_attrs_of(options.cleared) & ~set;
    if (touches_atime(options.flags | options.cleared))
        clear |= MOUNT_ATTR__ATIME;
}

const std::vector<spec::IdMapping>& mappings_or(const std::vector<spec::IdMapping>& own,
                                                const std::vector<spec::IdMapping>* fallback) {
    return !own.empty() || !fallback ? own : *fallback;
}

void apply_idmap(const RootfsContext& ctx, const spec::Mount& mount, const MountOptions& options,
                 int mount_fd) {
    const auto* linux = ctx.spec->linux ? &*ctx.spec->linux : nullptr;
    const auto& uids = mappings_or(mount.uid_mappings, linux ? &linux->uid_mappings : nullptr);
    const auto& gids = mappings_or(mount.gid_mappings, linux ? &linux->gid_mappings : nullptr);
    if (uids.empty() || gids.empty())
        fail("idmap needs uidMappings and gidMappings (on the mount or in linux)");
    UniqueFd userns = user_namespace_with(uids, gids);
    set_idmap(mount_fd, userns.get(), options.recursive_idmap);
}

void mount_one(const RootfsContext& ctx, int root_fd, const spec::Mount& mount,
               UniqueFd source_tree) {
    MountOptions options = parse_mount_options(mount.options);
    if (options.flags & MS_REMOUNT)
        fail("option \"remount\" is not supported in a config mount");
    std::string type = mount.type;
    std::string source = mount.source;
    bool bind = mount.is_bind();
    bool recursive = options.recursive_bind();
    // sysfs belongs to the network namespace; a user namespace cannot
    // mount the host's, so it gets a bind of /sys as runc gives it (a fixed
    // host path, not one the config names).
    if (type == "sysfs" && !bind && ctx.user_namespace && !has_namespace(*ctx.spec, "network")) {
        bind = recursive = true;
        source = "/sys";
        UniqueFd sys(::open("/sys", O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!sys)
            fail_errno("open /sys");
        source_tree = with_context("bind /sys", [&] { return clone_mount(sys.get(), true); });
    }
    if (options.copy_up && (bind || type != "tmpfs"))
        fail("option \"tmpcopyup\" is only for tmpfs mounts");
    const bool kernel_view = mount.type == "proc" || mount.type == "sysfs";

    uint64_t set = 0;
    uint64_t clear = 0;
    flag_attrs(options, set, clear);

    UniqueFd target;
    UniqueFd mnt;
    if (bind) {
        if (!source_tree)
            fail("bind mount source was not opened by create");
        bool is_dir = is_directory(source_tree.get(), source);
        mnt = std::move(source_tree);
        target =
            create_in_root(root_fd, mount.destination, is_dir ? Create::directory : Create::file);
        check_proc_target(target.get(), mount.destination);
        with_context("set flags", [&] { set_mount_attrs(mnt.get(), set, clear, false); });
    } else {
        // This runtime manages cgroup v2 only: "cgroup" means the unified
        // hierarchy, seen through the container's cgroup namespace if any.
        if (type == "cgroup")
            type = "cgroup2";
        if (type.empty())
            fail("mount has no type");
        target = kernel_view ? kernel_view_target(root_fd, mount.destination)
                             : create_in_root(root_fd, mount.destination, Create::directory);
        if (type != "proc")
            check_proc_target(target.get(), mount.destination);
        mnt = new_filesystem(type, source, options.data, options.flags, set);
    }
    if (options.recursive_set || options.recursive_clear)
        with_context("set recursive flags", [&] {
            set_mount_attrs(mnt.get(), options.recursive_set, options.recursive_clear, true);
        });
    if (options.idmap)
        with_context("idmap", [&] { apply_idmap(ctx, mount, options, mnt.get()); });
    if (options.copy_up)
        with_context("tmpcopyup", [&] {
            UniqueFd from(::openat(target.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            UniqueFd to(::openat(mnt.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            if (!from || !to)
                fail_errno("open");
            copy_tree(from.get(), to.get());
        });
    attach_mount(mnt.get(), target.get());
    for (unsigned long propagation : options.propagation)
        set_propagation(mnt.get(), propagation);
}

} // namespace

std::string describe_mount(const spec::Mount& mount) {
    std::string out = "mount " + mount.destination + " (" + (mount.type.empty() ? "?" : mount.type);
    if (!mount.source.empty() && mount.source != mount.type)
        out += ", source " + quote(mount.source);
    return out + ")";
}

bool has_namespace(const spec::Spec& spec, const std::string& type) {
    if (!spec.linux)
        return false;
    return std::any_of(spec.linux->namespaces.begin(), spec.linux->namespaces.end(),
                       [&](const spec::Namespace& ns) { return ns.type == type; });
}

void apply_mount(const RootfsContext& ctx, int root_fd, const spec::Mount& mount,
                 UniqueFd source_tree) {
    with_context(describe_mount(mount),
                 [&] { mount_one(ctx, root_fd, mount, std::move(source_tree)); });
}

} // namespace ward::linux
