// Declared cgroup limits against what the cgroup holds. A limit whose file
// cannot be read (its controller is missing from cgroup2 on a hybrid host,
// and ward does not use v1) is a difference: it is not enforced, and the
// finding says why rather than assuming.
#include "ward/audit/live.hpp"
#include "ward/base/strings.hpp"

namespace ward::audit {
namespace {

struct Expected {
    std::string field; // "linux.resources.pids.limit"
    std::string value; // as the file would hold it
    std::string v2, v1;
};

std::vector<Expected> expected_limits(const spec::Spec& spec) {
    std::vector<Expected> out;
    if (!spec.linux || !spec.linux->resources)
        return out;
    const auto& r = *spec.linux->resources;
    if (r.pids && r.pids->limit && *r.pids->limit > 0)
        out.push_back(
            {"linux.resources.pids.limit", std::to_string(*r.pids->limit), "pids.max", "pids.max"});
    if (r.memory && r.memory->limit && *r.memory->limit > 0)
        out.push_back({"linux.resources.memory.limit", std::to_string(*r.memory->limit),
                       "memory.max", "memory.limit_in_bytes"});
    if (r.cpu && r.cpu->quota && *r.cpu->quota > 0)
        out.push_back(
            {"linux.resources.cpu.quota",
             std::to_string(*r.cpu->quota) + " " + std::to_string(r.cpu->period.value_or(100000)),
             "cpu.max", ""});
    return out;
}

} // namespace

void compare_limits(const spec::Spec& spec, const LiveProcess& live, std::vector<Finding>& out) {
    const auto& cg = live.cgroup;
    for (const auto& e : expected_limits(spec)) {
        std::string found, file;
        if (auto it = cg.values.find(e.v2); it != cg.values.end()) {
            found = it->second;
            file = cg.directory + "/" + e.v2;
        } else if (auto v1 = cg.values.find("v1:" + e.v1); !e.v1.empty() && v1 != cg.values.end()) {
            found = v1->second;
            file = "v1 " + e.v1;
        }
        if (found == e.value)
            continue;
        std::string why;
        if (file.empty()) {
            why = "cannot be read back";
            for (const auto& u : cg.unreadable)
                if (starts_with(u, e.v2 + ":"))
                    why = u;
        } else {
            why = file + " is " + found;
        }
        Finding f;
        f.rule_id = "WARD-LIVE-108";
        f.severity = rule(f.rule_id).severity;
        f.path = e.field;
        auto value = json::Value::object();
        value.set("declared", e.value);
        value.set("enforced", file.empty() ? json::Value(nullptr) : json::Value(found));
        f.value = value;
        f.message = e.field + " " + e.value + " declared, not enforced: " + why;
        out.push_back(std::move(f));
    }
}

} // namespace ward::audit
