// What the three renderers share (report.cpp): the catalogue look-up, the
// worst-first order, the policy's name and source, and the verdict line, so
// the table, the JSON and SARIF cannot describe one report differently.
#pragma once

#include "ward/audit/report.hpp"

#include <string>
#include <vector>

namespace ward::audit::render {

// The finding's rule; throws ward::Error naming an ID the catalogue lacks.
const Rule& rule_of(const std::vector<Rule>& catalogue, const Finding& finding);

// The findings, most severe first; equal severities keep the report's order.
std::vector<const Finding*> worst_first(const Report& report);

// Report::policy is `policy "NAME" from SOURCE`; a text in another shape is
// all name.
struct PolicyLabel {
    std::string name;
    std::string source;
};
PolicyLabel policy_label(const std::string& text);

// "refused: create would not start this config (policy "hardened")" or
// "allowed: ..."; a container "differs: ..." or "agrees: ..." (declared
// against enforced); a pid "read: ..." (nothing declared).
std::string verdict_line(const Report& report);

// {"standard", "id", "title"} per reference ("title" left out when empty).
json::Value references_json(const std::vector<Reference>& references);

// The policy finding as JSON: {"rule", "action", "message"}.
json::Value policy_finding_json(const policy::Finding& finding);

// `text` word-wrapped to 100 columns, the first line after `first` (already
// `indent` columns wide), the others indented by `indent` spaces.
std::string wrap(const std::string& first, const std::string& text, size_t indent);

// The table's short account of a live report's enforced side (the JSON of
// live.hpp's to_json(LiveProcess)): one line each for the process, its
// capability sets, no_new_privs and seccomp, the root, the namespaces and
// the cgroup. The whole of it is in --format json.
std::string enforced_lines(const json::Value& enforced);

} // namespace ward::audit::render
