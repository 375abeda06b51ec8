// `ward audit --format json`: the versioned machine output. Field by field
// in ward-audit(8); a change of meaning or a removal bumps wardAuditVersion,
// a new field does not.
#include "render_common.hpp"

namespace ward::audit {
namespace {

constexpr int kVersion = 1;

json::Value finding_json(const Finding& finding, const Rule& rule) {
    json::Value out = json::Value::object();
    out.set("id", rule.id);
    out.set("title", rule.title);
    out.set("severity", severity_name(finding.severity));
    out.set("path", finding.path);
    out.set("value", finding.value);
    out.set("message", finding.message);
    out.set("references", render::references_json(rule.references));
    if (finding.breaks)
        out.set("policy", render::policy_finding_json(*finding.breaks));
    return out;
}

json::Value verdict_json(const Report& report) {
    int enforce = 0, warn = 0;
    for (const auto& f : report.findings) {
        if (!f.breaks)
            continue;
        (f.breaks->action == policy::Action::enforce ? enforce : warn)++;
    }
    json::Value out = json::Value::object();
    out.set("refused", report.refused);
    out.set("enforceFindings", enforce);
    out.set("warnFindings", warn);
    out.set("text", render::verdict_line(report));
    return out;
}

} // namespace

json::Value to_json(const Report& report, const std::vector<Rule>& catalogue) {
    json::Value out = json::Value::object();
    out.set("wardAuditVersion", kVersion);
    json::Value subject = json::Value::object();
    subject.set("kind", report.kind);
    subject.set("path", report.subject);
    out.set("subject", std::move(subject));
    render::PolicyLabel label = render::policy_label(report.policy);
    json::Value policy = json::Value::object();
    policy.set("name", label.name);
    policy.set("source", label.source);
    out.set("policy", std::move(policy));
    json::Value filled = json::Value::array();
    for (const auto& line : report.filled)
        filled.push(line);
    out.set("filled", std::move(filled));
    json::Value findings = json::Value::array();
    for (const auto& f : report.findings)
        findings.push(finding_json(f, render::rule_of(catalogue, f)));
    out.set("findings", std::move(findings));
    // Only a live audit has an enforced side; a config has none to show.
    if (!report.enforced.is_null())
        out.set("enforced", report.enforced);
    out.set("verdict", verdict_json(report));
    return out;
}

} // namespace ward::audit
