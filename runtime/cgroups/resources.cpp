// linux.resources → cgroup v2 writes (the table is in resources.hpp): each
// controller's conversion is in its own file (controller.hpp); this file
// holds the Planner they share and walks them in runc's order.
#include "ward/cgroups/resources.hpp"

#include "controller.hpp"
#include "ward/base/error.hpp"

#include <algorithm>

namespace ward::cgroups {
namespace {

constexpr char kPrefix[] = "linux.resources.";

// Whether `value` is what the kernel gives a new cgroup in `file`.
bool kernel_default(const std::string& file, const std::string& value) {
    if (file == "pids.max" || file == "memory.max" || file == "memory.swap.max" ||
        file == "memory.high")
        return value == "max";
    if (file == "cpu.weight")
        return value == "100";
    if (file == "cpu.max")
        return value.rfind("max ", 0) == 0 || value == "max";
    return false;
}

// net_cls and net_prio are v1 controllers: cgroup v2 has nothing to write.
void warn_network(const spec::Resources& r, Planner& p) {
    if (r.network && (r.network->class_id || !r.network->priorities.empty()))
        p.warn("network", "cgroup v2 has no net_cls/net_prio controller (tag traffic with "
                          "nftables' socket cgroupv2 match instead); ignored");
}

const Controller kNetworkFields{"network", warn_network, nullptr};

} // namespace

Write& Planner::add(std::string file, std::string value, const std::string& field,
                    std::string given) {
    Write w;
    w.file = std::move(file);
    w.value = std::move(value);
    w.field = kPrefix + field;
    if (given != w.value)
        w.given = std::move(given);
    w.is_default = kernel_default(w.file, w.value);
    plan_.writes.push_back(std::move(w));
    return plan_.writes.back();
}

void Planner::warn(const std::string& field, const std::string& why) {
    plan_.warnings.push_back(kPrefix + field + ": " + why);
}

void refuse(const std::string& field, const std::string& why) {
    fail(kPrefix + field + ": " + why);
}

const std::vector<Controller>& controllers() {
    static const std::vector<Controller> table = {
        kPidsController, kMemoryController, kIoController,
        kCpuController,  kCpusetController, kHugetlbController,
        kRdmaController, kNetworkFields,    kUnifiedController,
    };
    return table;
}

std::string Write::controller() const {
    auto dot = file.find('.');
    std::string name = dot == std::string::npos ? file : file.substr(0, dot);
    return name == "cgroup" ? "" : name;
}

Plan plan_writes(const spec::Resources& r) {
    Plan plan;
    Planner p(plan);
    for (const auto& c : controllers())
        c.plan(r, p);
    return plan;
}

std::vector<std::string> controllers_of(const std::vector<Write>& writes) {
    std::vector<std::string> out;
    for (const auto& w : writes) {
        std::string c = w.controller();
        if (!c.empty() && std::find(out.begin(), out.end(), c) == out.end())
            out.push_back(c);
    }
    return out;
}

} // namespace ward::cgroups
