// The resource limits of a config (create) or of an update request, judged
// against what the host's cgroup2 hierarchy has and what the policy says
// about a limit it cannot enforce. The cgroup manager (cgroups/manager.hpp)
// puts them into effect.
#pragma once

#include "ward/cgroups/resources.hpp"
#include "ward/policy/policy.hpp"

#include <string>
#include <vector>

namespace ward::container {

struct Limits {
    cgroups::Plan plan;                   // only the writes the hierarchy has a controller for
    std::vector<std::string> controllers; // those the plan needs
    // One per limit whose controller is missing (the unavailableLimits
    // rule): enforce findings refuse, warn ones are logged and dropped.
    std::vector<policy::Finding> findings;
};

// Throws for values cgroup v2 cannot express (resources.hpp). Logs the
// plan's warnings (fields with no v2 file). `resources` may be null.
// With `no_cgroup` (why the container gets no cgroup: --cgroup-manager
// disabled, or none delegated to a rootless caller) every real limit is a
// finding naming that reason: there is no cgroup to write it to.
// `cgroup_path`: where the container's cgroup is (or is expected), whose
// controllers are the ones available (cgroups::controllers_for: for a
// rootless caller, those delegated to it); empty for the hierarchy's.
Limits plan_limits(const policy::Policy& policy, const spec::Resources* resources,
                   const std::string& no_cgroup = "", const std::string& cgroup_path = "");

} // namespace ward::container
