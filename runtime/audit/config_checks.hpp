// Private to audit/: the checks audit_config runs on a config as create
// would run it (filled by the policy), and how each finding is tied to the
// policy finding it is (policy::Finding's field and item, never its text).
#pragma once

#include "ward/audit/report.hpp"
#include "ward/policy/policy.hpp"
#include "ward/spec/config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ward::audit {

// What the checks read, and the report they add to.
class ConfigChecks {
  public:
    ConfigChecks(const spec::Spec& spec, const policy::Policy& policy,
                 const policy::CreateFacts& facts, std::vector<policy::Finding> judged,
                 Report& report);

    const spec::Spec& spec;           // as create would run it
    const policy::Policy& policy;     // the selected policy
    const policy::CreateFacts& facts; // what create would know (empty for a config alone)

    // One finding. When the policy judged the same thing (a finding of
    // `policy_rule` about `field` and `item` not yet attached), that policy
    // finding is attached as what it breaks.
    Finding& add(std::string_view rule_id, std::string path, json::Value value, std::string message,
                 const char* policy_rule = nullptr, std::string_view field = {},
                 std::string_view item = {});
    // Whether the policy judged it (a finding not yet attached).
    bool judged(const char* policy_rule, std::string_view field, std::string_view item = {}) const;
    // Policy findings no check described (create-time facts, a rule the
    // catalogue has no check for): each still appears, under
    // WARD-POLICY-001, so the report holds every finding create would print.
    void add_unattached();

  private:
    std::vector<policy::Finding> judged_;
    std::vector<bool> attached_;
    Report& report_;
};

void check_capabilities(ConfigChecks& c);
void check_process(ConfigChecks& c);    // noNewPrivileges, user, rlimits, AppArmor, SELinux
void check_filesystem(ConfigChecks& c); // read-only root, masked and read-only paths
void check_mounts(ConfigChecks& c);     // bind sources, sockets, propagation, types
void check_namespaces(ConfigChecks& c);
void check_devices(ConfigChecks& c);
void check_kernel(ConfigChecks& c); // sysctls, hooks, unit properties, pids and memory limits
void check_seccomp(ConfigChecks& c);

// A capability and what holding it allows, for WARD-CAP-001.
struct CapabilityRisk {
    std::string_view name;
    Severity severity;
    std::string_view allows;
};
// The entry for `name`; an unknown capability gets a medium "not known to ward".
CapabilityRisk capability_risk(std::string_view name);

} // namespace ward::audit
