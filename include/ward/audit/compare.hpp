// `ward audit --compare A B [C...]`: configs, bundles, ward's own defaults
// and running processes side by side, one row per thing the audit judges (each
// capability set, the seccomp filter, no_new_privs, the root and /proc
// paths, each namespace, devices, host mounts, propagation, the user,
// limits, sysctls, hooks), the weaker value of each row marked.
//
// "Weaker" is defined per row, in code, by a strength score each cell gets
// (compare_rows.cpp): more capabilities, no filter or a filter that allows
// by default, no_new_privs off, a writable root, fewer masked paths, a
// namespace shared with the host, more devices or host binds, shared
// propagation, root without a user namespace, no limit, more sysctls or
// hooks are weaker. A cell is marked when its score is below the best
// score of its row; a row where every cell scores the same marks nothing.
#pragma once

#include "ward/container/lifecycle.hpp"
#include "ward/json/json.hpp"
#include "ward/policy/policy.hpp"
#include "ward/seccomp/analysis.hpp"
#include "ward/spec/config.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ward::audit {

// One side of the comparison. Operands on the command line:
//   ward:NAME        ward spec's default config filled by policy NAME
//                    (hardened is built in; others from the policy
//                    directory, see policy_directories())
//   container:ID     a running ward container (under the global --root), as
//                    the kernel enforces it (the live audit's reading)
//   pid:PID          any running process (another runtime's container), the
//                    same way
//   anything else    a config.json or a bundle directory, as written (no
//                    policy fills it: what that file asks any runtime for)
struct Operand {
    Operand(std::string label_, std::string kind_, spec::Spec spec_)
        : label(std::move(label_)), kind(std::move(kind_)), spec(std::move(spec_)) {}

    std::string label; // as given: "ward:hardened", "runc.json", "pid:4242"
    std::string kind;  // "ward", "config", "bundle", "container", "pid"
    spec::Spec spec;   // what is compared (live: what is enforced, enforced_spec)
    // Live operands: the seccomp filters read from the process, decoded
    // (nullopt: it has none). The rows a process does not show (devices,
    // binds, sysctls, hooks) say so instead of a value.
    bool live = false;
    std::optional<seccomp::Decoded> enforced_filter;
};

Operand load_operand(const std::string& text, const container::Globals& globals);

// The policy `ward:NAME` names: the built-in hardened, or NAME.json from
// the first of policy_directories() that has it. Throws ward::Error listing
// where it looked. Also `ward audit --policy ward:NAME`.
policy::Effective ward_policy(const std::string& name);

// Where `ward:NAME` looks for NAME.json (besides the built-in hardened):
// ../share/ward/policies and ../contrib/policies next to ward's binary
// (an installed ward, and one run from its build tree), then
// /usr/local/share/ward/policies and /usr/share/ward/policies.
std::vector<std::string> policy_directories();

struct Cell {
    std::string text;    // for the table ("14: CHOWN DAC_OVERRIDE ...")
    json::Value value;   // for JSON (the list, number or bool itself)
    double strength = 0; // higher is stronger (compare_rows.cpp defines it per row)
    bool weaker = false;
    bool seen = true; // false: a live operand's row a process does not show (never marked)
};

struct Row {
    std::string area;        // "capabilities", "seccomp", "namespaces", ...
    std::string field;       // "process.capabilities.bounding", "linux.namespaces[network]", ...
    std::vector<Cell> cells; // one per operand, in operand order
};

struct Comparison {
    std::vector<std::string> labels;
    std::vector<std::string> kinds;
    std::vector<Row> rows;
};

// Every row for every operand, the weaker cells marked. Pure.
Comparison compare(const std::vector<Operand>& operands);

// Side by side for people: a ROW column then one column per operand, cells
// wrapped, a weaker cell starting with "* ".
std::string compare_table(const Comparison& comparison);
// {"wardCompareVersion": 1, "subjects": [...], "rows": [...]}, in ward-audit(8).
json::Value compare_json(const Comparison& comparison);

} // namespace ward::audit
