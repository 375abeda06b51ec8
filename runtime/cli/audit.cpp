// `ward audit`: a config or bundle judged as create would judge it, or a
// running container or process as the kernel enforces it (--container,
// --pid), printed for people, as JSON or as SARIF; `--compare` side by side.
// The exit status is the CI gate: 0 when nothing breaks an enforced rule (or,
// live, when declared and enforced agree), 1 otherwise.
#include "verbs.hpp"
#include "ward/audit/compare.hpp"
#include "ward/audit/config_audit.hpp"
#include "ward/audit/live.hpp"
#include "ward/audit/report.hpp"
#include "ward/base/error.hpp"

namespace ward::cli {
namespace {

// --policy FILE or ward:NAME for this audit; else what create would select
// (the global --policy, WARD_POLICY, /etc/ward/policy.json, built-in).
policy::Effective audit_policy(const Context& ctx, const AuditOptions& options) {
    if (options.policy.starts_with("ward:"))
        return audit::ward_policy(options.policy.substr(5));
    return policy::select_policy(options.policy.empty() ? ctx.options.policy_file : options.policy);
}

std::string render(const audit::Report& report, AuditFormat format) {
    switch (format) {
    case AuditFormat::json:
        return json::serialize(audit::to_json(report), json::Style::pretty) + "\n";
    case AuditFormat::sarif:
        return json::serialize(audit::to_sarif({report}, version_string()), json::Style::pretty) +
               "\n";
    case AuditFormat::table:
        break;
    }
    return audit::to_table(report);
}

audit::Report report_for(const Context& ctx, const AuditOptions& options) {
    switch (options.mode) {
    case AuditMode::container:
        return audit::audit_container(ctx.lifecycle, options.container);
    case AuditMode::pid:
        return audit::audit_pid(options.pid);
    case AuditMode::config:
    case AuditMode::compare:
        break;
    }
    policy::Effective effective = audit_policy(ctx, options);
    audit::ConfigSubject subject = audit::load_subject(options.operands.front());
    return audit::audit_config(effective, subject);
}

int audit_one(const Context& ctx, const AuditOptions& options) {
    audit::Report report = report_for(ctx, options);
    print_out(render(report, options.format));
    return report.refused ? 1 : 0;
}

int compare(const Context& ctx, const AuditOptions& options) {
    std::vector<audit::Operand> operands;
    for (const auto& text : options.operands)
        operands.push_back(audit::load_operand(text, ctx.lifecycle));
    audit::Comparison comparison = audit::compare(operands);
    if (options.format == AuditFormat::json)
        print_out(json::serialize(audit::compare_json(comparison), json::Style::pretty) + "\n");
    else
        print_out(audit::compare_table(comparison));
    return 0;
}

} // namespace

int verb_audit(const Context& ctx, const VerbArgs& args) {
    AuditOptions options = audit_options(args);
    if (options.mode == AuditMode::compare)
        return compare(ctx, options);
    return audit_one(ctx, options);
}

} // namespace ward::cli
