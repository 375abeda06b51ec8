// Thin wrappers over the fd-based mount API (open_tree, fsopen/fsmount,
// move_mount, mount_setattr). A mount is built detached, as an fd, and then
// attached onto a target fd that was resolved inside the rootfs: no path is
// looked up twice, and every later change (flags, propagation, idmap) hits
// exactly that mount.
#pragma once

#include "ward/base/fd.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ward::linux {

// A detached copy of the mount tree at `source_fd` (just that mount unless
// `recursive`), as open_tree(OPEN_TREE_CLONE) makes it.
UniqueFd clone_mount(int source_fd, bool recursive);

// A new detached filesystem: fsopen(type), "source", the data options
// ("key=value" as strings, "key" as flags), superblock flags from `sb_flags`
// (sync, dirsync, lazytime, mand), then fsmount with `attrs` (MOUNT_ATTR_*).
// Errors carry the kernel's fs_context log ("tmpfs: Bad value for 'size'").
UniqueFd new_filesystem(const std::string& type, const std::string& source,
                        const std::vector<std::string>& data, unsigned long sb_flags,
                        uint64_t attrs);

// Throws "WHAT: <strerror of err> (<the fs context's log>)" for a failed
// fsconfig or fsmount on the filesystem context `fs_fd` (-1: no log).
[[noreturn]] void fail_fs_context(std::string_view what, int fs_fd, int err);

// move_mount of a detached (or attached) mount onto `target_fd`.
void attach_mount(int mount_fd, int target_fd);

// mount_setattr on the mount at `mount_fd` (its whole tree if
// `recursive`). A flag that is locked (inherited from a more privileged
// mount namespace) cannot be cleared: on EPERM it retries without clearing
// what the mount has now, as runc keeps locked flags.
void set_mount_attrs(int mount_fd, uint64_t set, uint64_t clear, bool recursive);

// MS_SHARED / MS_SLAVE / MS_PRIVATE / MS_UNBINDABLE, with MS_REC for the tree.
void set_propagation(int mount_fd, unsigned long propagation);

// An idmapped mount: must be detached still, `userns_fd` an open user ns.
void set_idmap(int mount_fd, int userns_fd, bool recursive);

// MOUNT_ATTR_* that the mount at `fd` has now (from fstatvfs).
uint64_t current_mount_attrs(int fd);

} // namespace ward::linux
