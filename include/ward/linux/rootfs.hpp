// The container's root filesystem, set up by the container init in its new
// mount namespace. Every path inside the rootfs is resolved inside the root
// (openat2 RESOLVE_IN_ROOT, with an fd-walk fallback) and every mount
// targets the resolved fd (/proc/self/fd/N or move_mount), never a
// re-resolved string.
#pragma once

#include "ward/spec/config.hpp"

#include <string>

namespace ward::linux {

struct RootfsContext {
    const spec::Spec* spec = nullptr;
    std::string rootfs;    // absolute host path of root.path
    std::string bundle;    // relative bind-mount sources are taken from here (empty: cwd)
    bool no_pivot = false; // --no-pivot: MS_MOVE + chroot instead of pivot_root
    bool user_namespace = false;
    bool cgroup_namespace = false;
};

// Before pivot, in the container's mount namespace: makes "/" rslave (or
// what rootfsPropagation asks), bind-mounts the rootfs on itself, applies
// each config mount in order, and builds /dev (the default device set and
// linux.devices, /dev/pts + ptmx, /dev/shm from mounts, /dev/fd, stdin,
// stdout, stderr, core links). Throws ward::Error naming the mount.
void prepare_rootfs(const RootfsContext& ctx);

// After createContainer hooks: pivot_root (or MS_MOVE+chroot), detach the
// old root, sysctls, readonly paths, masked paths, remount "/" read-only if
// asked, apply rootfsPropagation. The process ends with cwd "/" in the new
// root.
void enter_rootfs(const RootfsContext& ctx);

// linux.sysctl, written through the init's own procfs handle (never the
// container's /proc); each value lands in the namespace of the process
// that writes it, the container's (enter_rootfs calls it after the pivot).
// Refuses keys with ".." or "/".
void apply_sysctls(const spec::Spec& spec);

} // namespace ward::linux
