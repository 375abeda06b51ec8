// `ward audit`'s report: findings against a catalogue of rules with stable
// IDs, whatever was audited (a config, a bundle, a running container or any
// process), and the three ways it is printed (table, JSON, SARIF 2.1.0).
//
// The policy engine that guards create is the judge: a finding that breaks a
// rule of the selected policy carries that policy finding (`breaks`), and a
// report is `refused` exactly when policy::refuses() is true for what create
// would evaluate. Other findings inform (a retained capability the policy
// allows is still reported, with what it gives), and never change the exit
// status: 0 when nothing breaks an enforced rule, 1 otherwise.
#pragma once

#include "ward/json/json.hpp"
#include "ward/policy/policy.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ward::audit {

enum class Severity { info, low, medium, high, critical };
const char* severity_name(Severity severity); // "info" ... "critical"

// A cross-reference to a published benchmark, e.g.
// {"CIS Docker Benchmark v1.8.0", "5.5",
//  "Ensure sensitive host system directories are not mounted on containers"}
// {"Kubernetes Pod Security Standards", "baseline: Host Namespaces", ""}
struct Reference {
    std::string standard;
    std::string id;
    std::string title;
};

// One entry of the catalogue. IDs are stable: a rule may be retired, never
// renumbered or reused ("WARD-CAP-001").
struct Rule {
    std::string id;
    std::string title;
    Severity severity = Severity::medium; // a finding may raise or lower it
    std::string help;                     // what to change, in one or two sentences
    std::vector<Reference> references;
};

// Every rule ward audits, config rules then live ones (runtime/audit/rules.cpp).
const std::vector<Rule>& rules();
// Throws ward::Error for an unknown ID (a typo in ward's own code).
const Rule& rule(std::string_view id);
// The entry for `id` in `catalogue`, or nullptr.
const Rule* find_rule(const std::vector<Rule>& catalogue, std::string_view id);

struct Finding {
    std::string rule_id;
    Severity severity = Severity::medium;
    // Where the evidence is: a JSON path in the config as create would run
    // it ("process.capabilities.bounding"), or for a live process the file
    // and field read ("/proc/4242/status:CapBnd").
    std::string path;
    json::Value value; // the evidence: the value found there
    std::string message;
    // The policy finding this is, when it breaks a rule of the policy.
    std::optional<policy::Finding> breaks;
};

// A finding of rule `rule_id` at the catalogue's severity.
Finding finding(std::string_view rule_id, std::string path, json::Value value, std::string message);

struct Report {
    std::string kind;    // "config", "bundle", "container", "pid"
    std::string subject; // the path, container ID or pid audited
    std::string policy;  // `policy "NAME" from SOURCE`
    // What the policy fills before create ("process.noNewPrivileges: true").
    std::vector<std::string> filled;
    std::vector<Finding> findings;
    // A live audit: what the kernel enforces (capability sets, seccomp,
    // mounts, namespaces, cgroup limits), as read; null for a config.
    json::Value enforced;
    bool refused = false; // an enforce finding: create would refuse it; exit 1
};

// The renderers are pure: the same report gives the same text. Each looks
// every finding's rule up in `catalogue` (rules() unless a test passes its
// own) and throws ward::Error naming an ID it does not hold.

// For people: one line per finding, worst first, then the verdict
// ("refused: create would not start this config (policy "hardened")").
std::string to_table(const Report& report, const std::vector<Rule>& catalogue = rules());
// Versioned machine output ("wardAuditVersion": 1), documented in ward-audit(8).
json::Value to_json(const Report& report, const std::vector<Rule>& catalogue = rules());
// SARIF 2.1.0: one run (tool "ward" at `tool_version`, the rules used), one
// result per finding. Levels: "error" for a finding that breaks an enforce
// rule, "warning" for one that breaks a warn rule or is high or critical,
// "note" otherwise.
json::Value to_sarif(const std::vector<Report>& reports, std::string_view tool_version = {},
                     const std::vector<Rule>& catalogue = rules());

} // namespace ward::audit
