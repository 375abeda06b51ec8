// The process's privileges: capabilities (each retained one and what it
// allows), no_new_privs, the user, rlimits, AppArmor and SELinux.
#include "config_checks.hpp"
#include "ward/base/strings.hpp"
#include "ward/policy/landlock_fill.hpp"
#include "ward/spec/landlock.hpp"
#include "ward/spec/names.hpp"

#include <algorithm>
#include <limits>

namespace ward::audit {
namespace {

using Set = std::optional<std::vector<std::string>>;

bool holds(const Set& set, const std::string& cap) {
    return set && std::find(set->begin(), set->end(), cap) != set->end();
}

json::Value string_array(const std::vector<std::string>& v) {
    json::Value a = json::Value::array();
    for (const auto& s : v)
        a.push(json::Value(s));
    return a;
}

// Every capability up to CAP_AUDIT_READ (37) in the bounding set: what
// `docker run --privileged` asks for (Docker 20.10 lists those 38; newer
// engines add CAP_PERFMON, CAP_BPF and CAP_CHECKPOINT_RESTORE).
bool every_capability(const Set& bounding) {
    if (!bounding)
        return false;
    const auto& all = spec::capability_names();
    return std::all_of(all.begin(), all.end(), [&](const std::string& cap) {
        return spec::capability_number(cap).value_or(0) > 37 || holds(bounding, cap);
    });
}

bool policy_allows(const policy::Policy& p, std::string_view set, const std::string& cap) {
    if (!p.capabilities)
        return true;
    if (set == "ambient" && !p.capabilities->ambient)
        return false;
    const auto& allowed = p.capabilities->allowed;
    return std::find(allowed.begin(), allowed.end(), cap) != allowed.end();
}

// Inheritable beyond what ambient needs, or ambient outside permitted ∩
// inheritable (the capabilities rule judges the same, CVE-2022-29162).
void check_inheritance(ConfigChecks& c, const spec::Capabilities& caps) {
    const Set none = std::vector<std::string>{};
    const Set& inh = caps.inheritable ? caps.inheritable : none;
    const Set& amb = caps.ambient ? caps.ambient : none;
    for (const auto& cap : *inh)
        if (!holds(amb, cap))
            c.add("WARD-CAP-003", "process.capabilities.inheritable", json::Value(cap),
                  cap + " is inheritable without being ambient: a program with that file "
                        "capability gains it on execve",
                  "capabilities", "process.capabilities.inheritable", cap);
    for (const auto& cap : *amb)
        if (!holds(caps.permitted, cap) || !holds(inh, cap))
            c.add("WARD-CAP-003", "process.capabilities.ambient", json::Value(cap),
                  cap + " is ambient but not also permitted and inheritable", "capabilities",
                  "process.capabilities.ambient", cap);
}

} // namespace

void check_capabilities(ConfigChecks& c) {
    if (!c.spec.process || !c.spec.process->capabilities)
        return;
    const auto& caps = *c.spec.process->capabilities;
    if (every_capability(caps.bounding))
        c.add("WARD-CAP-002", "process.capabilities.bounding", string_array(*caps.bounding),
              "every capability (" + std::to_string(caps.bounding->size()) +
                  ") is in the bounding set, as for a privileged container");
    for (const auto& [name, set] : caps.named_sets()) {
        if (!*set)
            continue;
        std::string path = std::string("process.capabilities.") + name;
        for (const auto& cap : **set) {
            CapabilityRisk risk = capability_risk(cap);
            // The rule judges a set's capability against its allowed list
            // first (evaluate_process.cpp), inheritance after: only a
            // capability outside the list has a finding of the first kind.
            Finding& f =
                c.add("WARD-CAP-001", path, json::Value(cap),
                      cap + " (" + name + "): " + std::string(risk.allows),
                      policy_allows(c.policy, name, cap) ? nullptr : "capabilities", path, cap);
            f.severity = risk.severity;
        }
    }
    check_inheritance(c, caps);
}

void check_process(ConfigChecks& c) {
    if (!c.spec.process)
        return;
    const spec::Process& p = *c.spec.process;
    if (p.no_new_privileges != true)
        c.add("WARD-NNP-001", "process.noNewPrivileges",
              p.no_new_privileges ? json::Value(false) : json::Value(),
              p.no_new_privileges ? "no_new_privs is off: setuid programs and file "
                                    "capabilities raise privileges"
                                  : "not set (off): setuid programs and file capabilities "
                                    "raise privileges",
              "noNewPrivileges", "process.noNewPrivileges");
    bool userns = c.spec.find_namespace("user") != nullptr;
    if (p.user.uid == 0) {
        Finding& f = c.add("WARD-USER-001", "process.user.uid", json::Value(0),
                           userns ? "uid 0, inside a user namespace (root there only)"
                                  : "uid 0 without a user namespace: root on the host, "
                                    "held back only by capabilities, seccomp and MAC",
                           "user", "process.user.uid");
        if (userns)
            f.severity = Severity::low;
    }
    for (size_t i = 0; i < p.rlimits.size(); ++i) {
        const auto& r = p.rlimits[i];
        bool unlimited = r.hard == std::numeric_limits<uint64_t>::max();
        json::Value v = json::Value::object();
        v.set("type", json::Value(r.type));
        v.set("soft", json::Value(r.soft));
        v.set("hard", json::Value(r.hard));
        Finding& f = c.add("WARD-RLIMIT-001", "process.rlimits[" + std::to_string(i) + "]", v,
                           r.type + " soft " + std::to_string(r.soft) + ", hard " +
                               (unlimited ? std::string("unlimited") : std::to_string(r.hard)));
        if (unlimited)
            f.severity = Severity::low;
    }
    if (p.apparmor_profile.empty())
        c.add("WARD-MAC-001", "process.apparmorProfile", json::Value(),
              "not set: no AppArmor confinement beyond what the host applies");
    if (p.selinux_label.empty())
        c.add("WARD-MAC-002", "process.selinuxLabel", json::Value(),
              "not set: no SELinux label beyond what the host applies");
    // IDs are never reused: the Landlock checks take the next MAC numbers.
    if (!p.landlock)
        c.add("WARD-MAC-003", "process.landlock", json::Value(), "not set: no Landlock confinement",
              "landlock", "process.landlock");
    else
        c.add("WARD-MAC-004", "process.landlock", spec::landlock::landlock_to_json(*p.landlock),
              policy::describe_landlock(*p.landlock) +
                  (c.facts.landlock_abi
                       ? "; this kernel's Landlock ABI: " + std::to_string(*c.facts.landlock_abi)
                       : ""),
              "landlock", "process.landlock");
}

} // namespace ward::audit
