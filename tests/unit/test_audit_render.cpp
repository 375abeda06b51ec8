// The audit renderers (table, JSON, SARIF) on hand-made reports and a
// hand-made catalogue: they are pure, so every field and mapping ward-audit(8)
// documents is checked here without a config or a container.
#include "json_print.hpp"
#include "ward/audit/report.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>

using namespace ward;
using namespace ward::audit;

namespace {

std::vector<Rule> catalogue() {
    return {
        {"TEST-CAP-001",
         "Capability retained",
         Severity::high,
         "Drop the capability.",
         {{"CIS Docker Benchmark v1.8.0", "5.3",
           "Ensure Linux kernel capabilities are restricted"}}},
        {"TEST-NNP-001", "No new privileges not set", Severity::medium, "Set it.", {}},
        {"TEST-ROOT-001", "Root filesystem writable", Severity::low, "", {}},
        {"TEST-UNUSED-001", "Never found", Severity::info, "", {}},
    };
}

policy::Finding breaks(policy::Action action, std::string message) {
    return {"capabilities", action, std::move(message), "process.capabilities.bounding", ""};
}

// A config report: a low finding first, a critical one breaking an enforce
// rule, a medium one breaking a warn rule, a high one the policy allows.
Report config_report() {
    Report r;
    r.kind = "config";
    r.subject = "/srv/my bundle/config.json";
    r.policy = "policy \"hardened\" from built-in";
    r.filled = {"process.noNewPrivileges: true"};
    Finding low{"TEST-ROOT-001",
                Severity::low,
                "root.readonly",
                json::Value(false),
                "the root filesystem is writable",
                std::nullopt};
    Finding crit{
        "TEST-CAP-001",
        Severity::critical,
        "process.capabilities.bounding",
        json::Value("CAP_SYS_ADMIN"),
        "CAP_SYS_ADMIN is retained: mount, and most of root",
        breaks(policy::Action::enforce,
               "policy \"hardened\": process.capabilities.bounding contains CAP_SYS_ADMIN")};
    Finding med{"TEST-NNP-001",
                Severity::medium,
                "process.noNewPrivileges",
                json::Value(false),
                "no_new_privs is off",
                breaks(policy::Action::warn, "policy \"hardened\": nnp")};
    Finding high{"TEST-CAP-001",
                 Severity::high,
                 "process.capabilities.effective",
                 json::Value("CAP_NET_RAW"),
                 "CAP_NET_RAW is retained",
                 std::nullopt};
    r.findings = {low, crit, med, high};
    r.refused = true;
    return r;
}

const json::Value& at(const json::Value& v, std::string_view key) {
    const json::Value* found = v.find(key);
    BOOST_REQUIRE_MESSAGE(found, "no member " << key << " in " << json::serialize(v));
    return *found;
}

std::vector<std::string> lines_of(const std::string& text) {
    return split(text, '\n');
}

} // namespace

BOOST_AUTO_TEST_SUITE(audit_render)

BOOST_AUTO_TEST_CASE(severity_names) {
    BOOST_TEST(std::string(severity_name(Severity::info)) == "info");
    BOOST_TEST(std::string(severity_name(Severity::low)) == "low");
    BOOST_TEST(std::string(severity_name(Severity::medium)) == "medium");
    BOOST_TEST(std::string(severity_name(Severity::high)) == "high");
    BOOST_TEST(std::string(severity_name(Severity::critical)) == "critical");
}

BOOST_AUTO_TEST_CASE(json_fields) {
    json::Value doc = to_json(config_report(), catalogue());
    BOOST_TEST(at(doc, "wardAuditVersion") == json::Value(1));
    BOOST_TEST(at(at(doc, "subject"), "kind") == json::Value("config"));
    BOOST_TEST(at(at(doc, "subject"), "path") == json::Value("/srv/my bundle/config.json"));
    BOOST_TEST(at(at(doc, "policy"), "name") == json::Value("hardened"));
    BOOST_TEST(at(at(doc, "policy"), "source") == json::Value("built-in"));
    BOOST_TEST(at(doc, "filled").as_array().size() == 1u);
    const auto& findings = at(doc, "findings").as_array();
    BOOST_REQUIRE(findings.size() == 4u);
    // The report's own order, not the table's.
    const json::Value& crit = findings[1];
    BOOST_TEST(at(crit, "id") == json::Value("TEST-CAP-001"));
    BOOST_TEST(at(crit, "title") == json::Value("Capability retained"));
    BOOST_TEST(at(crit, "severity") == json::Value("critical"));
    BOOST_TEST(at(crit, "path") == json::Value("process.capabilities.bounding"));
    BOOST_TEST(at(crit, "value") == json::Value("CAP_SYS_ADMIN"));
    BOOST_TEST(at(at(crit, "references").as_array()[0], "id") == json::Value("5.3"));
    BOOST_TEST(at(at(crit, "policy"), "action") == json::Value("enforce"));
    BOOST_TEST(at(at(crit, "policy"), "rule") == json::Value("capabilities"));
    BOOST_TEST(at(at(findings[2], "policy"), "action") == json::Value("warn"));
    BOOST_TEST(!findings[0].find("policy")); // breaks nothing: no policy member
    BOOST_TEST(!doc.find("enforced"));       // a config has no enforced side
    BOOST_TEST(at(at(doc, "verdict"), "refused") == json::Value(true));
    BOOST_TEST(at(at(doc, "verdict"), "enforceFindings") == json::Value(1));
    BOOST_TEST(at(at(doc, "verdict"), "warnFindings") == json::Value(1));
}

BOOST_AUTO_TEST_CASE(json_live_has_enforced) {
    Report r;
    r.kind = "pid";
    r.subject = "4242";
    r.policy = "odd policy text";
    r.enforced = json::Value::object();
    r.enforced.set("noNewPrivileges", true);
    json::Value doc = to_json(r, catalogue());
    BOOST_TEST(at(at(doc, "enforced"), "noNewPrivileges") == json::Value(true));
    BOOST_TEST(at(at(doc, "policy"), "name") == json::Value("odd policy text"));
    BOOST_TEST(at(at(doc, "verdict"), "text") ==
               json::Value("read: what the kernel enforces on pid 4242 (nothing declared to "
                           "compare it with)"));
}

// A live table says what is enforced in a few lines, never the JSON.
BOOST_AUTO_TEST_CASE(table_live_summarises_enforced) {
    Report r;
    r.kind = "container";
    r.subject = "c1";
    r.policy = "policy \"compat\" from built-in";
    r.refused = true;
    r.enforced = json::parse(R"J({"pid": 42, "process": {"name": "sleep",
        "capabilities": {"bounding": ["CAP_CHOWN"], "effective": [], "permitted": [],
                         "inheritable": [], "ambient": []}, "noNewPrivileges": true},
        "seccomp": {"mode": "filter", "filters": 1, "arches": [{"arch": "SCMP_ARCH_X86_64",
            "defaultAction": "SCMP_ACT_ERRNO(38)", "allowed": ["read", "write"],
            "conditional": ["clone"]}]},
        "mounts": {"rootReadonly": true, "rootPropagation": "private"},
        "namespaces": [{"type": "pid", "sharedWithHost": false},
                       {"type": "user", "sharedWithHost": true}],
        "cgroup": {"path": "/c1", "unreadable": ["pids.max: no controller"]}})J");
    std::string wrapped = to_table(r, catalogue());
    std::replace(wrapped.begin(), wrapped.end(), '\n', ' ');
    std::string table; // the wrapped lines joined again
    for (const auto& word : split(wrapped, ' '))
        if (!word.empty())
            table += (table.empty() ? "" : " ") + word;
    BOOST_TEST(table.find("capabilities.bounding: 1 (CHOWN)") != std::string::npos);
    BOOST_TEST(table.find("capabilities.effective: none") != std::string::npos);
    BOOST_TEST(table.find("SCMP_ARCH_X86_64: 2 allowed, 1 for some arguments, else "
                          "SCMP_ACT_ERRNO(38)") != std::string::npos);
    BOOST_TEST(table.find("root: read-only, propagation private") != std::string::npos);
    BOOST_TEST(table.find("own: pid; the host's: user") != std::string::npos);
    BOOST_TEST(table.find("\"allowed\"") == std::string::npos); // no JSON dumped
    BOOST_TEST(table.find("differs: the kernel enforces something other than was declared") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(table_worst_first_and_verdict) {
    std::string table = to_table(config_report(), catalogue());
    auto crit = table.find("critical  TEST-CAP-001");
    auto high = table.find("high      TEST-CAP-001");
    auto med = table.find("medium    TEST-NNP-001");
    auto low = table.find("low       TEST-ROOT-001");
    BOOST_REQUIRE(crit != std::string::npos && high != std::string::npos);
    BOOST_REQUIRE(med != std::string::npos && low != std::string::npos);
    BOOST_TEST((crit < high && high < med && med < low));
    BOOST_TEST(table.find("enforce: policy \"hardened\": process.capabilities.bounding") !=
               std::string::npos);
    BOOST_TEST(table.find("warn: policy \"hardened\": nnp") != std::string::npos);
    BOOST_TEST(table.find("the policy fills:\n  process.noNewPrivileges: true\n") !=
               std::string::npos);
    BOOST_TEST(table.find("4 findings (1 critical, 1 high, 1 medium, 1 low); 1 break an enforce "
                          "rule, 1 a warn rule\n") != std::string::npos);
    auto lines = lines_of(table);
    BOOST_REQUIRE(lines.size() >= 2u);
    BOOST_TEST(lines[lines.size() - 2] ==
               "refused: create would not start this config (policy \"hardened\")");
    Report allowed = config_report();
    allowed.refused = false;
    BOOST_TEST(to_table(allowed, catalogue()).find("allowed: create would start this config") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(table_wraps_long_messages) {
    Report r = config_report();
    std::string words;
    for (int i = 0; i < 60; ++i)
        words += "word" + std::to_string(i) + " ";
    r.findings[0].message = words;
    std::string table = to_table(r, catalogue());
    for (const auto& line : lines_of(table))
        BOOST_TEST(line.size() <= 100u, "line too long: " << line);
    BOOST_TEST(table.find("word59") != std::string::npos); // nothing lost
}

BOOST_AUTO_TEST_CASE(unknown_rule_is_an_error) {
    Report r = config_report();
    r.findings[0].rule_id = "TEST-TYPO-999";
    auto check = [](const Error& e) {
        return std::string(e.what()).find("\"TEST-TYPO-999\"") != std::string::npos;
    };
    BOOST_CHECK_EXCEPTION(to_json(r, catalogue()), Error, check);
    BOOST_CHECK_EXCEPTION(to_table(r, catalogue()), Error, check);
    BOOST_CHECK_EXCEPTION(to_sarif({r}, "1", catalogue()), Error, check);
}

BOOST_AUTO_TEST_CASE(sarif_shape_and_levels) {
    json::Value log = to_sarif({config_report()}, "0.1.0", catalogue());
    BOOST_TEST(at(log, "version") == json::Value("2.1.0"));
    BOOST_TEST(at(log, "$schema") == json::Value("https://json.schemastore.org/sarif-2.1.0.json"));
    const json::Value& run = at(log, "runs").as_array().at(0);
    const json::Value& driver = at(at(run, "tool"), "driver");
    BOOST_TEST(at(driver, "name") == json::Value("ward"));
    BOOST_TEST(at(driver, "version") == json::Value("0.1.0"));
    const auto& rules = at(driver, "rules").as_array();
    BOOST_TEST(rules.size() == 3u); // only the rules used: TEST-UNUSED-001 is left out
    const auto& results = at(run, "results").as_array();
    BOOST_REQUIRE(results.size() == 4u);
    std::vector<std::string> levels;
    for (const auto& res : results) {
        auto index = static_cast<size_t>(*at(res, "ruleIndex").as_int64());
        BOOST_TEST(at(rules.at(index), "id") == at(res, "ruleId"));
        levels.push_back(at(res, "level").as_string());
    }
    // Worst first: critical+enforce, high (no policy), medium+warn, low.
    BOOST_TEST((levels == std::vector<std::string>{"error", "warning", "warning", "note"}));
    const json::Value& cap = rules.at(0);
    BOOST_TEST(at(cap, "name") == json::Value("CapabilityRetained"));
    BOOST_TEST(at(at(cap, "defaultConfiguration"), "level") == json::Value("warning"));
    BOOST_TEST(at(at(cap, "properties"), "tags").as_array().at(1) ==
               json::Value("CIS Docker Benchmark v1.8.0 5.3"));
    BOOST_TEST(at(at(cap, "properties"), "security-severity") == json::Value("8.0"));
}

BOOST_AUTO_TEST_CASE(sarif_locations) {
    json::Value log = to_sarif({config_report()}, "0.1.0", catalogue());
    const json::Value& res = at(at(log, "runs").as_array().at(0), "results").as_array().at(0);
    const json::Value& loc = at(res, "locations").as_array().at(0);
    BOOST_TEST(at(at(at(loc, "physicalLocation"), "artifactLocation"), "uri") ==
               json::Value("file:///srv/my%20bundle/config.json"));
    const json::Value& logical = at(loc, "logicalLocations").as_array().at(0);
    BOOST_TEST(at(logical, "fullyQualifiedName") == json::Value("process.capabilities.bounding"));
    BOOST_TEST(at(at(res, "properties"), "value") == json::Value("CAP_SYS_ADMIN"));
    BOOST_TEST(at(at(at(res, "properties"), "policy"), "action") == json::Value("enforce"));

    Report bundle = config_report();
    bundle.kind = "bundle";
    bundle.subject = "rel/bundle";
    Report live = config_report();
    live.kind = "pid";
    live.subject = "4242";
    live.findings = {live.findings[1]};
    live.findings[0].path = "/proc/4242/status:CapBnd";
    json::Value two = to_sarif({bundle, live}, "", catalogue());
    const json::Value& run = at(two, "runs").as_array().at(0);
    BOOST_TEST(!at(at(run, "tool"), "driver").find("version"));
    BOOST_TEST(at(at(at(run, "tool"), "driver"), "rules").as_array().size() == 3u); // shared
    const auto& results = at(run, "results").as_array();
    BOOST_REQUIRE(results.size() == 5u);
    auto uri = [&](size_t i) {
        const json::Value& l = at(results[i], "locations").as_array().at(0);
        return at(at(at(l, "physicalLocation"), "artifactLocation"), "uri");
    };
    BOOST_TEST(uri(0) == json::Value("rel/bundle/config.json"));
    BOOST_TEST(uri(4) == json::Value("file:///proc/4242/status"));
    const json::Value& l4 = at(results[4], "locations").as_array().at(0);
    BOOST_TEST(at(at(l4, "logicalLocations").as_array().at(0), "fullyQualifiedName") ==
               json::Value("CapBnd"));
    BOOST_TEST(at(at(run, "properties"), "subjects").as_array().size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
