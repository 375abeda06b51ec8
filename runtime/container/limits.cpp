#include "limits.hpp"

#include "ward/base/log.hpp"
#include "ward/cgroups/apply.hpp"

namespace ward::container {

Limits plan_limits(const policy::Policy& policy, const spec::Resources* resources) {
    Limits out;
    if (!resources)
        return out;
    cgroups::Plan plan = cgroups::plan_writes(*resources);
    for (const auto& w : plan.warnings)
        log::warn(w);
    if (plan.writes.empty())
        return out;
    std::vector<std::string> available = cgroups::available_controllers();
    cgroups::Split split = cgroups::split_by_controller(plan.writes, available);
    std::vector<policy::UnavailableLimit> missing;
    for (const auto& w : split.unavailable)
        missing.push_back({w.field, w.controller()});
    out.findings =
        policy::evaluate_unavailable(policy, missing, cgroups::hierarchy_root(), available);
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

void apply_limits(const cgroups::Cgroup& cgroup, const Limits& limits) {
    cgroups::enable_controllers(cgroup.path(), limits.controllers);
    cgroups::apply_plan(cgroup.full_path(), limits.plan);
}

} // namespace ward::container
