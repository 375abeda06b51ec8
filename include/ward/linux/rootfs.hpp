// The container's root filesystem, set up by the container init in its new
// mount namespace. Every path inside the rootfs is resolved inside the root
// (openat2 RESOLVE_IN_ROOT, with an fd-walk fallback) and every mount
// targets the resolved fd (/proc/self/fd/N or move_mount), never a
// re-resolved string.
#pragma once

#include "ward/base/fd.hpp"
#include "ward/linux/rootfs_handles.hpp"
#include "ward/spec/config.hpp"

#include <string>

namespace ward::linux {

struct RootfsContext {
    const spec::Spec* spec = nullptr;
    // The rootfs and bind sources create opened (open_rootfs_handles): what
    // is mounted and pivoted into, never root.path or a source re-resolved.
    RootfsHandles* handles = nullptr; // prepare_rootfs takes the detached copies
    std::string rootfs;               // root.path, for messages
    bool no_pivot = false;            // --no-pivot: MS_MOVE + chroot instead of pivot_root
    // A store image's rootfs is shared by every container of the image and
    // recorded file by file: its bind is read-only before anything is
    // mounted on it, so the setup can never write into it.
    bool readonly_from_start = false;
    bool user_namespace = false;
    bool cgroup_namespace = false;
};

// Before pivot, in the container's mount namespace: makes "/" rslave (or
// what rootfsPropagation asks), bind-mounts the rootfs fd on itself,
// applies each config mount in order (bind mounts from their source fds),
// and builds /dev (the default device set and linux.devices, /dev/pts +
// ptmx, /dev/shm from mounts, /dev/fd, stdin, stdout, stderr, core links).
// Returns the rootfs bind: enter_rootfs pivots into exactly that mount.
// Throws ward::Error naming the mount.
UniqueFd prepare_rootfs(const RootfsContext& ctx);

// After createContainer hooks: pivot_root into `root_mount` (or
// MS_MOVE+chroot), detach the old root, sysctls, readonly paths, masked
// paths, remount "/" read-only if asked, apply rootfsPropagation. The
// process ends with cwd "/" in the new root.
void enter_rootfs(const RootfsContext& ctx, int root_mount);

// linux.sysctl, written through the init's own procfs handle (never the
// container's /proc); each value lands in the namespace of the process
// that writes it, the container's (enter_rootfs calls it after the pivot).
// Refuses keys with ".." or "/".
void apply_sysctls(const spec::Spec& spec);

} // namespace ward::linux
