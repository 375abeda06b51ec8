// `ward audit --compare`: the rows and which cell each marks weaker, on
// hand-made configs (compare() is pure), and the two printed forms.
#include "json_print.hpp"
#include "ward/audit/compare.hpp"
#include "ward/base/strings.hpp"
#include "ward/spec/parse.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward;
using namespace ward::audit;

namespace {

// ward's default: no capabilities, NNP, read-only root, private namespaces,
// plus a default-deny filter allowing three calls (one with a condition).
spec::Spec strong() {
    spec::Spec s = spec::default_spec();
    spec::Seccomp sc;
    sc.default_action = "SCMP_ACT_ERRNO";
    sc.syscalls = {{{"read", "write"}, "SCMP_ACT_ALLOW", std::nullopt, {}},
                   {{"personality"}, "SCMP_ACT_ALLOW", std::nullopt, {{0, 8, 0, "SCMP_CMP_EQ"}}}};
    s.linux->seccomp = sc;
    s.linux->resources->pids = spec::PidsResources{100};
    return s;
}

// What a permissive runtime default looks like: caps, no filter, no NNP,
// writable root, the host's network, a shared mount, a hook.
spec::Spec weak() {
    spec::Spec s = spec::default_spec();
    s.process->capabilities->bounding = std::vector<std::string>{"CAP_SYS_ADMIN", "CAP_CHOWN"};
    s.process->no_new_privileges = std::nullopt;
    s.root->readonly = false;
    std::erase_if(s.linux->namespaces, [](const auto& ns) { return ns.type == "network"; });
    spec::Mount m;
    m.destination = "/data";
    m.type = "bind";
    m.source = "/etc/ssl";
    m.options = {"rbind", "rshared"};
    s.mounts.push_back(m);
    s.hooks = spec::Hooks{};
    s.hooks->prestart.push_back({"/usr/bin/hook", {}, {}, std::nullopt});
    return s;
}

const Row& row(const Comparison& c, std::string_view field) {
    for (const auto& r : c.rows)
        if (r.field == field)
            return r;
    BOOST_FAIL("no row " << field);
    throw 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(audit_compare)

BOOST_AUTO_TEST_CASE(weaker_side_per_row) {
    Comparison c = compare({{"strong", "config", strong()}, {"weak", "config", weak()}});
    BOOST_REQUIRE(c.labels.size() == 2u);
    auto weaker = [&](std::string_view field) {
        const Row& r = row(c, field);
        return std::make_pair(r.cells.at(0).weaker, r.cells.at(1).weaker);
    };
    using P = std::pair<bool, bool>;
    // Each of these rows: the weak config is marked, the strong one not.
    for (auto field : {"process.capabilities.bounding", "linux.seccomp.defaultAction",
                       "linux.seccomp (allowed syscalls)", "linux.seccomp (dangerous allowed)",
                       "process.noNewPrivileges", "mounts (sensitive host paths)", "root.readonly",
                       "linux.namespaces[network]", "mounts (bind)", "propagation",
                       "linux.resources.pids.limit", "hooks"})
        BOOST_TEST((weaker(field) == P{false, true}), field);
    // The same value on both sides: nothing marked.
    BOOST_TEST((weaker("linux.namespaces[pid]") == P{false, false}));
    BOOST_TEST((weaker("process.capabilities.effective") == P{false, false}));
    BOOST_TEST(row(c, "process.capabilities.bounding").cells[1].text == "2: CHOWN SYS_ADMIN");
    BOOST_TEST(row(c, "linux.seccomp (allowed syscalls)").cells[0].text ==
               "3 (1 for some arguments)");
    BOOST_TEST(row(c, "linux.seccomp.defaultAction").cells[1].text == "no filter");
    // personality is one of the dangerous calls; allowed only for one argument value.
    BOOST_TEST(row(c, "linux.seccomp (dangerous allowed)").cells[0].text ==
               "1: personality (args)");
    BOOST_TEST(row(c, "mounts (sensitive host paths)").cells[1].text == "1: /etc/ssl");
    BOOST_TEST(row(c, "linux.namespaces[network]").cells[1].text == "host (shared)");
    BOOST_TEST(row(c, "process.noNewPrivileges").cells[1].text == "absent (false)");
}

BOOST_AUTO_TEST_CASE(seccomp_default_allow_is_between) {
    spec::Spec allow = strong();
    allow.linux->seccomp->default_action = "SCMP_ACT_ALLOW";
    allow.linux->seccomp->syscalls = {{{"mount"}, "SCMP_ACT_ERRNO", 1u, {}}};
    Comparison c = compare(
        {{"deny", "config", strong()}, {"allow", "config", allow}, {"none", "config", weak()}});
    const Row& r = row(c, "linux.seccomp (allowed syscalls)");
    BOOST_TEST(!r.cells[0].weaker);
    BOOST_TEST(r.cells[1].weaker);
    BOOST_TEST(r.cells[2].weaker);
    BOOST_TEST(r.cells[1].strength > r.cells[2].strength); // a filter beats none
}

BOOST_AUTO_TEST_CASE(table_and_json) {
    Comparison c = compare({{"strong", "config", strong()}, {"weak", "config", weak()}});
    std::string table = compare_table(c);
    for (const auto& line : split(table, '\n'))
        BOOST_TEST(line.size() <= 100u, "too long: " << line);
    BOOST_TEST(table.find("  root.readonly") != std::string::npos);
    BOOST_TEST(table.find("* false") != std::string::npos);
    json::Value doc = compare_json(c);
    BOOST_TEST(*doc.find("wardCompareVersion") == json::Value(1));
    BOOST_TEST(doc.find("subjects")->as_array().size() == 2u);
    const json::Value* rows = doc.find("rows");
    BOOST_REQUIRE(rows);
    BOOST_TEST(rows->as_array().size() == c.rows.size());
    const json::Value& first = rows->as_array()[0];
    BOOST_TEST(*first.find("field") == json::Value("process.capabilities.bounding"));
    BOOST_TEST(*first.find("cells")->as_array()[1].find("weaker") == json::Value(true));
}

BOOST_AUTO_TEST_SUITE_END()
