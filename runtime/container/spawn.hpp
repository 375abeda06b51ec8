// Starting the container init: clone3 straight into its namespaces and its
// cgroup, or, when namespaces are joined by path, through a short-lived
// intermediate that setns()es first and clones the init as ward's child
// (CLONE_PARENT), so `run` can still wait for it.
#pragma once

#include "ward/container/init.hpp"

namespace ward::container {

struct Spawned {
    int pid = -1;
    bool in_cgroup = false; // false: the caller must add pid to the cgroup
};

// Returns the init's pid (in ward's pid namespace). `cgroup_fd` is an
// O_PATH fd of the container's cgroup (CLONE_INTO_CGROUP), or -1;
// `parent_sync_fd` is ward's end of the socketpair. On failure nothing is
// left running.
Spawned spawn_init(const InitContext& ctx, int cgroup_fd, int parent_sync_fd);

} // namespace ward::container
