// The parts of a report every renderer shares (render_common.hpp), and the
// severity names.
#include "render_common.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>

namespace ward::audit {

const char* severity_name(Severity severity) {
    switch (severity) {
    case Severity::info:
        return "info";
    case Severity::low:
        return "low";
    case Severity::medium:
        return "medium";
    case Severity::high:
        return "high";
    case Severity::critical:
        return "critical";
    }
    return "unknown";
}

const Rule* find_rule(const std::vector<Rule>& catalogue, std::string_view id) {
    for (const auto& r : catalogue)
        if (r.id == id)
            return &r;
    return nullptr;
}

namespace render {

const Rule& rule_of(const std::vector<Rule>& catalogue, const Finding& finding) {
    if (const Rule* r = find_rule(catalogue, finding.rule_id))
        return *r;
    throw Error("audit: finding at " + quote(finding.path) +
                " names no rule of the catalogue: " + quote(finding.rule_id));
}

std::vector<const Finding*> worst_first(const Report& report) {
    std::vector<const Finding*> order;
    for (const auto& f : report.findings)
        order.push_back(&f);
    std::stable_sort(order.begin(), order.end(), [](const Finding* a, const Finding* b) {
        return static_cast<int>(a->severity) > static_cast<int>(b->severity);
    });
    return order;
}

PolicyLabel policy_label(const std::string& text) {
    static constexpr std::string_view head = "policy \"";
    static constexpr std::string_view middle = "\" from ";
    if (starts_with(text, head)) {
        size_t end = text.find(middle, head.size());
        if (end != std::string::npos)
            return {text.substr(head.size(), end - head.size()), text.substr(end + middle.size())};
    }
    return {text, ""};
}

std::string verdict_line(const Report& report) {
    PolicyLabel label = policy_label(report.policy);
    std::string which = "(policy " + quote(label.name) + ")";
    // Live, nothing is refused: --container says whether what the kernel
    // enforces is what was declared; --pid has nothing declared to compare.
    if (report.kind == "pid")
        return "read: what the kernel enforces on pid " + report.subject +
               " (nothing declared to compare it with)";
    if (report.kind == "container")
        return report.refused
                   ? "differs: the kernel enforces something other than was declared " + which
                   : "agrees: the kernel enforces what was declared " + which;
    return report.refused ? "refused: create would not start this config " + which
                          : "allowed: create would start this config " + which;
}

json::Value references_json(const std::vector<Reference>& references) {
    json::Value out = json::Value::array();
    for (const auto& ref : references) {
        json::Value entry = json::Value::object();
        entry.set("standard", ref.standard);
        entry.set("id", ref.id);
        if (!ref.title.empty())
            entry.set("title", ref.title);
        out.push(std::move(entry));
    }
    return out;
}

json::Value policy_finding_json(const policy::Finding& finding) {
    json::Value out = json::Value::object();
    out.set("rule", finding.rule);
    out.set("action", policy::action_name(finding.action));
    out.set("message", finding.message);
    return out;
}

} // namespace render
} // namespace ward::audit
