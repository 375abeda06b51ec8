// Putting a resources Plan (resources.hpp) into effect: which controllers the
// host's cgroup2 hierarchy has, enabling them in the parents'
// cgroup.subtree_control, and the writes themselves.
#pragma once

#include "ward/cgroups/cgroup.hpp"
#include "ward/cgroups/resources.hpp"

#include <string>
#include <vector>

namespace ward::cgroups {

// The controllers of the hierarchy root's cgroup.controllers (on this
// build machine's hybrid layout: only "hugetlb").
std::vector<std::string> available_controllers();

// The controllers a cgroup at `cgroup_path` (inside the hierarchy) can be
// given, and the directory that decides it: the topmost one on the path
// whose cgroup.subtree_control ward may write, since ward can enable
// nothing above it. For root that is the hierarchy's root (as
// available_controllers); for an unprivileged ward the top of the subtree
// delegated to it (user@UID.service delegates "cpu memory pids"). With no
// such directory, or an empty path, the root's.
struct Controllers {
    std::string where; // the directory, absolute
    std::vector<std::string> names;
};
Controllers controllers_for(const std::string& cgroup_path);

// The writes whose controller is not in `available`, and the rest.
struct Split {
    std::vector<Write> applicable;
    std::vector<Write> unavailable;
};
Split split_by_controller(const std::vector<Write>& writes,
                          const std::vector<std::string>& available);

// Enables `required` (fails naming the controller) and, best effort, the
// controllers whose statistics `events` reads (cpu, io, memory, pids, when
// the hierarchy has them) in cgroup.subtree_control of every cgroup from the
// hierarchy root down to the parent of `cgroup_path` (a path inside the
// hierarchy, "/a/b/id"). Controllers stay enabled afterwards: siblings may
// rely on them, as with runc.
void enable_controllers(const std::string& cgroup_path, const std::vector<std::string>& required);

// Writes the plan into the cgroup dir `dir` (absolute), in order. Errors
// name the field, the value and the file:
//   linux.resources.memory.limit: write 1000 to memory.max: invalid argument
// With plan.refuse_below_usage, first refuses a limit at or below
// memory.current.
void apply_plan(const std::string& dir, const Plan& plan);

// Both drivers' writes: enable_controllers for `controllers`, then
// apply_plan into the cgroup's dir.
void write_limits(const Cgroup& cgroup, const Plan& plan,
                  const std::vector<std::string>& controllers);

} // namespace ward::cgroups
