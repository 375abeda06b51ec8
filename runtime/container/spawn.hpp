// Starting the container init: clone3 straight into its namespaces and its
// cgroup, or, when namespaces are joined by path, through a short-lived
// intermediate that setns()es first and clones the init as ward's child
// (CLONE_PARENT), so `run` can still wait for it.
#pragma once

#include "ward/container/init.hpp"

#include <cstdint>

namespace ward::container {

struct Spawned {
    int pid = -1;
    bool in_cgroup = false; // false: the caller must add pid to the cgroup
};

// clone3 (fork semantics: returns 0 in the child) with `flags` and, when
// cgroup_fd >= 0 and the kernel takes it (5.7+), CLONE_INTO_CGROUP;
// `in_cgroup` false means the caller must move the pid into the cgroup
// before the child runs anything. With CLONE_PARENT the child is the
// caller's sibling. Returns -1 with errno on failure.
long clone_process(uint64_t flags, int cgroup_fd, bool& in_cgroup);

// Returns the init's pid (in ward's pid namespace). `cgroup_fd` is an
// O_PATH fd of the container's cgroup (CLONE_INTO_CGROUP), or -1;
// `parent_sync_fd` is ward's end of the socketpair. On failure nothing is
// left running.
Spawned spawn_init(const InitContext& ctx, int cgroup_fd, int parent_sync_fd);

} // namespace ward::container
