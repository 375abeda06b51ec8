// `ward audit` for people: what was audited and under which policy, what the
// policy fills, one entry per finding (worst first), then the verdict. Plain
// text, no colour (it goes into CI logs and mail as often as to a terminal),
// wrapped at 100 columns.
#include "render_common.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>
#include <array>

namespace ward::audit {

constexpr size_t kWidth = 100;

std::string render::wrap(const std::string& first, const std::string& text, size_t indent) {
    std::string out = first;
    size_t column = first.size();
    bool line_empty = true;
    for (const auto& word : split(text, ' ')) {
        if (word.empty())
            continue;
        if (!line_empty && column + 1 + word.size() > kWidth) {
            out += "\n" + std::string(indent, ' ');
            column = indent;
            line_empty = true;
        }
        if (!line_empty) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
        line_empty = false;
    }
    return out + "\n";
}

namespace {
using render::wrap;

std::string pad(std::string s, size_t width) {
    if (s.size() < width)
        s.append(width - s.size(), ' ');
    return s;
}

std::string finding_lines(const Finding& f, size_t id_width) {
    std::string head = pad(severity_name(f.severity), 10) + pad(f.rule_id, id_width + 2);
    size_t indent = head.size();
    std::string text = f.path.empty() ? f.message : f.path + ": " + f.message;
    std::string out = wrap(head, text, indent);
    if (f.breaks) {
        std::string action = f.breaks->action == policy::Action::enforce ? "enforce:" : "warn:";
        out += wrap(std::string(indent, ' '), action + " " + f.breaks->message, indent);
    }
    return out;
}

std::string summary_line(const Report& report) {
    std::array<int, 5> counts{};
    int enforce = 0, warn = 0;
    for (const auto& f : report.findings) {
        counts[static_cast<size_t>(f.severity)]++;
        if (f.breaks)
            (f.breaks->action == policy::Action::enforce ? enforce : warn)++;
    }
    size_t n = report.findings.size();
    std::string out = std::to_string(n) + (n == 1 ? " finding" : " findings");
    std::vector<std::string> parts;
    for (int s = 4; s >= 0; --s)
        if (counts[static_cast<size_t>(s)] > 0)
            parts.push_back(std::to_string(counts[static_cast<size_t>(s)]) + " " +
                            severity_name(static_cast<Severity>(s)));
    if (!parts.empty())
        out += " (" + join(parts, ", ") + ")";
    out += "; " + std::to_string(enforce) + " break an enforce rule, " + std::to_string(warn) +
           " a warn rule";
    return out + "\n";
}

} // namespace

std::string to_table(const Report& report, const std::vector<Rule>& catalogue) {
    std::string out = "ward audit: " + report.kind + " " + report.subject + "\n";
    out += report.policy + "\n";
    if (!report.filled.empty()) {
        out += "the policy fills:\n";
        for (const auto& line : report.filled)
            out += wrap("  ", line, 4);
    }
    if (!report.enforced.is_null() && report.enforced.is_object())
        out += render::enforced_lines(report.enforced);
    out += "\n";
    auto order = render::worst_first(report);
    size_t id_width = 0;
    for (const Finding* f : order) {
        render::rule_of(catalogue, *f); // an unknown ID is ward's bug: say so, print nothing
        id_width = std::max(id_width, f->rule_id.size());
    }
    for (const Finding* f : order)
        out += finding_lines(*f, id_width);
    if (!order.empty())
        out += "\n";
    out += summary_line(report);
    out += render::verdict_line(report) + "\n";
    return out;
}

} // namespace ward::audit
