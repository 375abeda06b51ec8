// Every process of a container's cgroup, its sub-cgroups included (a
// container may make its own below its root, e.g. systemd inside it).
#pragma once

#include "ward/cgroups/cgroup.hpp"

#include <vector>

namespace ward::cgroups {

// Pids from cgroup.procs of the cgroup and every cgroup below it, in the
// order the kernel lists them, the cgroup's own first. Empty when the cgroup
// is gone.
std::vector<int> all_processes(const Cgroup& cgroup);

} // namespace ward::cgroups
