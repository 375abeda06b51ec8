// `ward audit --format sarif`: SARIF 2.1.0 (OASIS), for code-scanning
// dashboards. One run: the tool "ward" with the catalogue rules the results
// use, one result per finding, located at the config file (artifact) and the
// JSON path inside it (logical location). The level says what the policy
// does with it, since that is what a CI gate acts on:
//   error   the finding breaks an enforce rule (create refuses the config)
//   warning it breaks a warn rule, or its severity is high or critical
//   note    anything else
#include "render_common.hpp"
#include "ward/base/strings.hpp"

#include <cctype>
#include <cstdio>
#include <map>

namespace ward::audit {
namespace {

constexpr const char* kSchema = "https://json.schemastore.org/sarif-2.1.0.json";

const char* result_level(const Finding& f) {
    if (f.breaks)
        return f.breaks->action == policy::Action::enforce ? "error" : "warning";
    return f.severity >= Severity::high ? "warning" : "note";
}

// A rule's level before any policy judges it: the severity alone.
const char* default_level(Severity severity) {
    return severity >= Severity::high ? "warning" : "note";
}

// GitHub code scanning reads this property (a number 0.0-10.0 as a string)
// to show critical/high/medium/low; info gets none.
const char* security_severity(Severity severity) {
    switch (severity) {
    case Severity::critical:
        return "9.5";
    case Severity::high:
        return "8.0";
    case Severity::medium:
        return "5.5";
    case Severity::low:
        return "2.0";
    case Severity::info:
        break;
    }
    return nullptr;
}

// "Capability retained" -> "CapabilityRetained": SARIF's rule name is an
// identifier-like word, the title its readable form.
std::string pascal_name(const std::string& title) {
    std::string out;
    bool upper = true;
    for (char c : title) {
        if (!std::isalnum(static_cast<unsigned char>(c))) {
            upper = true;
            continue;
        }
        out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
    }
    return out;
}

json::Value text(const std::string& s) {
    json::Value out = json::Value::object();
    out.set("text", s);
    return out;
}

json::Value rule_json(const Rule& rule) {
    json::Value out = json::Value::object();
    out.set("id", rule.id);
    out.set("name", pascal_name(rule.title));
    out.set("shortDescription", text(rule.title));
    out.set("fullDescription", text(rule.help.empty() ? rule.title : rule.help));
    if (!rule.help.empty())
        out.set("help", text(rule.help));
    json::Value config = json::Value::object();
    config.set("level", default_level(rule.severity));
    out.set("defaultConfiguration", std::move(config));
    json::Value tags = json::Value::array();
    tags.push("security");
    for (const auto& ref : rule.references)
        tags.push(ref.standard + " " + ref.id);
    json::Value props = json::Value::object();
    props.set("tags", std::move(tags));
    if (const char* score = security_severity(rule.severity))
        props.set("security-severity", score);
    props.set("references", render::references_json(rule.references));
    out.set("properties", std::move(props));
    return out;
}

// RFC 3986: every byte but the unreserved ones and '/' percent-encoded.
std::string encode_path(const std::string& path) {
    std::string out;
    for (char c : path) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            out += c;
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", u);
            out += buf;
        }
    }
    return out;
}

// An absolute path as a file URI; a relative one as a relative reference,
// which SARIF resolves against where the log is read.
std::string file_uri(const std::string& path) {
    return path.starts_with('/') ? "file://" + encode_path(path) : encode_path(path);
}

// Where a finding's evidence is: the config file and the JSON path in it,
// or for a live process "/proc/PID/FILE:FIELD".
json::Value location_json(const Report& report, const Finding& f) {
    std::string artifact, member = f.path;
    if (report.kind == "config") {
        artifact = report.subject;
    } else if (report.kind == "bundle") {
        artifact = report.subject + (report.subject.ends_with('/') ? "" : "/") + "config.json";
    } else if (f.path.starts_with('/')) {
        size_t colon = f.path.find(':');
        artifact = f.path.substr(0, colon);
        member = colon == std::string::npos ? "" : f.path.substr(colon + 1);
    }
    json::Value loc = json::Value::object();
    if (!artifact.empty()) {
        json::Value physical = json::Value::object();
        json::Value art = json::Value::object();
        art.set("uri", file_uri(artifact));
        physical.set("artifactLocation", std::move(art));
        loc.set("physicalLocation", std::move(physical));
    }
    if (!member.empty()) {
        json::Value logical = json::Value::object();
        logical.set("fullyQualifiedName", member);
        logical.set("kind", "property");
        json::Value list = json::Value::array();
        list.push(std::move(logical));
        loc.set("logicalLocations", std::move(list));
    }
    return loc;
}

json::Value result_json(const Report& report, const Finding& f, size_t rule_index) {
    json::Value out = json::Value::object();
    out.set("ruleId", f.rule_id);
    out.set("ruleIndex", rule_index);
    out.set("level", result_level(f));
    out.set("message", text(f.message));
    json::Value locations = json::Value::array();
    locations.push(location_json(report, f));
    out.set("locations", std::move(locations));
    json::Value props = json::Value::object();
    props.set("severity", severity_name(f.severity));
    props.set("value", f.value);
    if (f.breaks)
        props.set("policy", render::policy_finding_json(*f.breaks));
    out.set("properties", std::move(props));
    return out;
}

json::Value subject_json(const Report& report) {
    json::Value out = json::Value::object();
    out.set("kind", report.kind);
    out.set("path", report.subject);
    out.set("policy", render::policy_label(report.policy).name);
    out.set("refused", report.refused);
    return out;
}

json::Value driver_json(std::string_view version, json::Value rules) {
    json::Value driver = json::Value::object();
    driver.set("name", "ward");
    if (!version.empty()) {
        driver.set("version", version);
        driver.set("semanticVersion", version);
    }
    driver.set("rules", std::move(rules));
    return driver;
}

} // namespace

json::Value to_sarif(const std::vector<Report>& reports, std::string_view tool_version,
                     const std::vector<Rule>& catalogue) {
    json::Value rules = json::Value::array();
    std::map<std::string, size_t> index; // rule ID -> its place in rules[]
    json::Value results = json::Value::array();
    json::Value subjects = json::Value::array();
    for (const auto& report : reports) {
        for (const Finding* f : render::worst_first(report)) {
            const Rule& rule = render::rule_of(catalogue, *f);
            auto [it, added] = index.emplace(rule.id, index.size());
            if (added)
                rules.push(rule_json(rule));
            results.push(result_json(report, *f, it->second));
        }
        subjects.push(subject_json(report));
    }
    json::Value tool = json::Value::object();
    tool.set("driver", driver_json(tool_version, std::move(rules)));
    json::Value run = json::Value::object();
    run.set("tool", std::move(tool));
    run.set("results", std::move(results));
    json::Value props = json::Value::object();
    props.set("subjects", std::move(subjects));
    run.set("properties", std::move(props));
    json::Value runs = json::Value::array();
    runs.push(std::move(run));
    json::Value log = json::Value::object();
    log.set("$schema", kSchema);
    log.set("version", "2.1.0");
    log.set("runs", std::move(runs));
    return log;
}

} // namespace ward::audit
