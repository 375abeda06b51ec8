// `ward audit`'s arguments: which of its four modes, and what each needs.
#include "args.hpp"
#include "ward/base/strings.hpp"

namespace ward::cli {
namespace {

AuditFormat audit_format(const ParsedArgs& parsed, bool compare) {
    std::string format = parsed.value("format").value_or("table");
    if (format == "table")
        return AuditFormat::table;
    if (format == "json")
        return AuditFormat::json;
    if (format == "sarif" && !compare)
        return AuditFormat::sarif;
    throw UsageError("audit", "invalid format option " + quote(format) +
                                  (compare ? ": --compare prints table or json"
                                           : ": want table, json or sarif"));
}

AuditMode audit_mode(const ParsedArgs& parsed) {
    int modes = 0;
    AuditMode mode = AuditMode::config;
    if (parsed.flag("compare"))
        ++modes, mode = AuditMode::compare;
    if (parsed.value("container"))
        ++modes, mode = AuditMode::container;
    if (parsed.value("pid"))
        ++modes, mode = AuditMode::pid;
    if (modes > 1)
        throw UsageError("audit", "ward: \"audit\" takes one of --compare, --container, --pid");
    return mode;
}

} // namespace

AuditOptions audit_options(const VerbArgs& args) {
    const ParsedArgs& parsed = args.parsed;
    AuditOptions options;
    options.mode = audit_mode(parsed);
    options.format = audit_format(parsed, options.mode == AuditMode::compare);
    options.policy = parsed.value("policy").value_or("");
    options.operands = parsed.positionals;
    size_t n = options.operands.size();
    switch (options.mode) {
    case AuditMode::config:
        if (n != 1)
            throw UsageError("audit", "ward: \"audit\" requires exactly 1 argument(s) (CONFIG.json "
                                      "or BUNDLE), or --compare, --container or --pid");
        break;
    case AuditMode::compare:
        if (n < 2)
            throw UsageError("audit", "ward: \"audit --compare\" requires a minimum of 2 "
                                      "argument(s)");
        break;
    case AuditMode::container:
    case AuditMode::pid:
        if (n != 0)
            throw UsageError("audit", "ward: \"audit --container|--pid\" takes no other argument");
        options.container = parsed.value("container").value_or("");
        if (options.mode == AuditMode::container && options.container.empty())
            throw UsageError("audit", "ward: \"audit --container\" requires a container id");
        if (options.mode == AuditMode::pid) {
            auto pid = parse_int(*parsed.value("pid"));
            if (!pid || *pid <= 0 || *pid > INT32_MAX)
                throw UsageError("audit", "invalid --pid " + quote(*parsed.value("pid")) +
                                              ": want a process id");
            options.pid = static_cast<int>(*pid);
        }
        break;
    }
    return options;
}

} // namespace ward::cli
