// Which namespaces the container init gets: new ones (clone flags) and
// existing ones joined by path (setns). The user namespace is joined first,
// so the joined namespaces it owns can be entered afterwards.
#pragma once

#include "ward/spec/config.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ward::linux {

struct NamespaceJoin {
    std::string type;
    std::string path;
    uint64_t clone_flag = 0;
};

struct NamespacePlan {
    uint64_t clone_flags = 0;        // CLONE_NEW* for the namespaces to create
    std::vector<NamespaceJoin> join; // user first
    bool new_user = false;
    // Rootless: ward made the new user namespace and entered it itself
    // (linux/rootless.hpp); the init is cloned in it, so new_user is false
    // and CLONE_NEWUSER not in clone_flags, and nobody writes maps later.
    bool user_entered = false;
    bool new_pid = false;
    bool mount = false;    // a mount namespace, new or joined
    bool uts = false;      // a private uts namespace (new)
    bool cgroup = false;   // a new cgroup namespace
    bool network = false;  // a private network namespace (new or joined)
    bool new_time = false; // entered by the init itself, see below
};

// Validates (a mount namespace is required; time namespace offsets need a
// new time namespace; a user namespace needs uid/gid mappings) and plans.
NamespacePlan plan_namespaces(const spec::Spec& spec);

// setns into each joined namespace (opening the paths with O_CLOEXEC),
// verifying each path is a namespace file of the stated type.
void join_namespaces(const std::vector<NamespaceJoin>& joins);

// Writes uid_map / gid_map for the child `pid` (as ward's pid namespace
// numbers it) through ward's procfs handle (linux/procfs.hpp). setgroups is
// left as it is: the parent writes the maps as root of the host, which the
// kernel lets keep setgroups allowed.
void write_id_mappings(int pid, const spec::Linux& linux_config);

// The uid_map/gid_map text of `mappings`: "inside outside count" lines.
std::string id_map_text(const std::vector<spec::IdMapping>& mappings);

// In the child, before pivot: a time namespace's offsets can only be set
// before any process is in it, so the init unshares it, writes
// /proc/self/timens_offsets and then enters it via time_for_children.
// (plan_namespaces keeps CLONE_NEWTIME out of clone_flags for this.)
void enter_new_time_namespace(const spec::Linux& linux_config);

} // namespace ward::linux
