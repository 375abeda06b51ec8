#include "limits.hpp"

#include "ward/base/log.hpp"
#include "ward/cgroups/apply.hpp"

#include <algorithm>

namespace ward::container {

namespace {

// One unavailableLimits finding per real limit when the container has no
// cgroup at all.
std::vector<policy::Finding> no_cgroup_findings(const policy::Policy& policy,
                                                const std::vector<cgroups::Write>& writes,
                                                const std::string& why) {
    policy::Action action =
        policy.unavailable_limits ? policy.unavailable_limits->action : policy::Action::enforce;
    std::vector<policy::Finding> out;
    std::vector<std::string> seen;
    for (const auto& w : writes) {
        if (w.is_default || std::find(seen.begin(), seen.end(), w.field) != seen.end())
            continue;
        seen.push_back(w.field);
        out.push_back({"unavailableLimits", action,
                       "policy \"" + policy.name + "\": " + w.field + " cannot be applied: " + why +
                           (action == policy::Action::warn ? "; not applied" : ""),
                       w.field, ""});
    }
    return out;
}

} // namespace

Limits plan_limits(const policy::Policy& policy, const spec::Resources* resources,
                   const std::string& no_cgroup, const std::string& cgroup_path) {
    Limits out;
    if (!resources)
        return out;
    cgroups::Plan plan = cgroups::plan_writes(*resources);
    for (const auto& w : plan.warnings)
        log::degraded(w);
    if (plan.writes.empty())
        return out;
    if (!no_cgroup.empty()) {
        out.findings = no_cgroup_findings(policy, plan.writes, no_cgroup);
        return out;
    }
    cgroups::Controllers controllers = cgroups::controllers_for(cgroup_path);
    const std::vector<std::string>& available = controllers.names;
    cgroups::Split split = cgroups::split_by_controller(plan.writes, available);
    std::vector<policy::UnavailableLimit> missing;
    for (const auto& w : split.unavailable) {
        if (w.is_default) {
            log::debug(w.field + " " + (w.given.empty() ? w.value : w.given) +
                       " asks for no limit; the hierarchy has no " + w.controller() +
                       " controller to write it to, and needs none");
            continue;
        }
        missing.push_back({w.field, w.controller()});
    }
    out.findings = policy::evaluate_unavailable(policy, missing, controllers.where, available);
    plan.writes = std::move(split.applicable);
    // A usage check needs memory.current, i.e. the memory controller.
    bool memory = false;
    for (const auto& w : plan.writes)
        memory = memory || w.controller() == "memory";
    if (!memory)
        plan.refuse_below_usage.reset();
    out.controllers = cgroups::controllers_of(plan.writes);
    out.plan = std::move(plan);
    return out;
}

} // namespace ward::container
