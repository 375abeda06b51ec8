// The hostMounts rule on the bind sources create opened (see
// ward/policy/host_mounts.hpp): what each fd really is on this host,
// against what each forbidden path is.
#pragma once

#include "ward/linux/rootfs_handles.hpp"
#include "ward/policy/policy.hpp"

#include <vector>

namespace ward::container {

// Findings for the bind sources in `handles`; a mount the rule already
// flagged by its configured string (policy::evaluate) is not reported twice.
std::vector<policy::Finding> check_bind_sources(const policy::Policy& policy,
                                                const spec::Spec& spec,
                                                const linux::RootfsHandles& handles,
                                                const std::vector<policy::Finding>& already);

} // namespace ward::container
