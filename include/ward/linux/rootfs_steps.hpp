// The steps prepare_rootfs and enter_rootfs are made of, one file each
// under runtime/linux/. Internal to the linux module; tests use them
// through rootfs.hpp.
#pragma once

#include "ward/base/fd.hpp"
#include "ward/linux/rootfs.hpp"
#include "ward/spec/config.hpp"

#include <string>
#include <vector>

namespace ward::linux {

// "mount /proc (proc)" or "mount /data (bind, source "/srv/data")": the
// context every error about one config mount starts with.
std::string describe_mount(const spec::Mount& mount);

// Whether the spec has a namespace of `type` (new or joined).
bool has_namespace(const spec::Spec& spec, const std::string& type);

// mounts.cpp: one config mount onto its destination resolved in the root;
// `source_tree` is a bind mount's detached copy of its source, made by
// create (RootfsHandles), else invalid.
void apply_mount(const RootfsContext& ctx, int root_fd, const spec::Mount& mount,
                 UniqueFd source_tree);

// devices.cpp: the default devices, linux.devices, /dev symlinks, ptmx;
// nothing when /dev is a bind mount of something else.
void setup_dev(const RootfsContext& ctx, int root_fd);

// masked_paths.cpp, after the pivot (root_fd is the new "/").
void apply_readonly_paths(int root_fd, const std::vector<std::string>& paths);
void apply_masked_paths(int root_fd, const std::vector<std::string>& paths);

// pivot.cpp: make the rootfs mount at `root_fd` the process's "/", and
// leave the process with cwd "/".
void pivot_into(int root_fd);
void move_into(int root_fd);

// idmap.cpp: an fd of a new user namespace with these mappings (held open
// only by the fd), for MOUNT_ATTR_IDMAP.
UniqueFd user_namespace_with(const std::vector<spec::IdMapping>& uids,
                             const std::vector<spec::IdMapping>& gids);

// copy_up.cpp: copies the tree under `from_dir` into `to_dir` (tmpcopyup).
void copy_tree(int from_dir, int to_dir);

} // namespace ward::linux
