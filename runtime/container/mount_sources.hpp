// The facts hostMounts needs about the bind sources create opened (see
// ward/policy/host_mounts.hpp): where each fd really is on this host, and
// what each forbidden path of the rule is here.
#pragma once

#include "ward/linux/rootfs_handles.hpp"
#include "ward/policy/policy.hpp"

namespace ward::container {

// Fills facts.bind_sources and facts.forbidden (nothing when the policy has
// no hostMounts rule). Sources that could not be opened are skipped: their
// error is raised once the policy has had its say (RootfsHandles).
void add_bind_source_facts(const policy::Policy& policy, const linux::RootfsHandles& handles,
                           policy::CreateFacts& facts);

} // namespace ward::container
