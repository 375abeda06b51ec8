// hostMounts judged on what create opened: identities, not strings.
#include "ward/policy/host_mounts.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward;
using namespace ward::policy;

namespace {

Policy with_rule(Action action) {
    Policy p;
    p.name = "t";
    p.host_mounts = ListRule{action, {"/", "/etc", "/run/docker.sock"}};
    return p;
}

const FileId kRoot{1, 2}, kEtc{1, 100}, kSock{5, 7}, kSrv{1, 300}, kData{1, 301};

std::vector<ForbiddenPath> forbidden() {
    return {{"/", kRoot}, {"/etc", kEtc}, {"/run/docker.sock", kSock}};
}

std::vector<spec::Mount> mounts(const std::string& source) {
    spec::Mount m;
    m.destination = "/h";
    m.type = "bind";
    m.source = source;
    return {m};
}

} // namespace

BOOST_AUTO_TEST_SUITE(host_mounts)

BOOST_AUTO_TEST_CASE(a_source_that_is_a_forbidden_path_by_identity) {
    // "../../etc" relative to a bundle: the string says nothing, the inode does.
    OpenedSource s{0, "/etc", {kEtc, kRoot}};
    auto f =
        evaluate_opened_sources(with_rule(Action::enforce), {s}, forbidden(), mounts("../../etc"));
    BOOST_REQUIRE_EQUAL(f.size(), 1U);
    BOOST_TEST(f[0].rule == "hostMounts");
    BOOST_TEST((f[0].action == Action::enforce));
    BOOST_TEST(f[0].message ==
               "policy \"t\": mounts[0].source \"../../etc\" is /etc, forbidden: /, /etc, "
               "/run/docker.sock");
}

BOOST_AUTO_TEST_CASE(a_source_below_a_forbidden_path_or_another_name_for_it) {
    OpenedSource below{0, "/etc/ssh/keys", {{1, 9}, {1, 8}, kEtc, kRoot}};
    auto f = evaluate_opened_sources(with_rule(Action::warn), {below}, forbidden(), mounts("k"));
    BOOST_REQUIRE_EQUAL(f.size(), 1U);
    BOOST_TEST((f[0].action == Action::warn));
    BOOST_TEST(f[0].message.find("is /etc/ssh/keys, inside /etc, forbidden") != std::string::npos);
    // A bind mount of /etc elsewhere: same inode, another name.
    OpenedSource copy{0, "/srv/etc-copy/passwd", {{1, 50}, kEtc, kSrv, kRoot}};
    f = evaluate_opened_sources(with_rule(Action::enforce), {copy}, forbidden(), mounts("p"));
    BOOST_REQUIRE_EQUAL(f.size(), 1U);
    BOOST_TEST(f[0].message.find("is /srv/etc-copy/passwd, inside /etc on this host") !=
               std::string::npos);
    OpenedSource sock{0, "/var/run/docker.sock", {kSock, {1, 60}, kRoot}};
    f = evaluate_opened_sources(with_rule(Action::enforce), {sock}, forbidden(), mounts("s"));
    BOOST_REQUIRE_EQUAL(f.size(), 1U);
    BOOST_TEST(f[0].message.find("is /var/run/docker.sock, which is /run/docker.sock on this "
                                 "host") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(root_forbids_only_itself_and_absent_paths_nothing) {
    OpenedSource data{0, "/srv/data", {kData, kSrv, kRoot}};
    BOOST_TEST(evaluate_opened_sources(with_rule(Action::enforce), {data}, forbidden(), mounts("d"))
                   .empty());
    OpenedSource root{0, "/", {kRoot}};
    BOOST_TEST(evaluate_opened_sources(with_rule(Action::enforce), {root}, forbidden(), mounts("/"))
                   .size() == 1U);
    // A forbidden path this host does not have matches nothing.
    std::vector<ForbiddenPath> none = {{"/etc", std::nullopt}};
    OpenedSource etc{0, "/etc", {kEtc, kRoot}};
    BOOST_TEST(
        evaluate_opened_sources(with_rule(Action::enforce), {etc}, none, mounts("/etc")).empty());
    // No rule, no findings.
    Policy p;
    p.name = "none";
    BOOST_TEST(evaluate_opened_sources(p, {etc}, forbidden(), mounts("/etc")).empty());
}

BOOST_AUTO_TEST_SUITE_END()
