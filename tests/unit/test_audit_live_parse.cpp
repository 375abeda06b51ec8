// The live audit's parsers, on text as the kernel writes it: /proc/PID/status
// and /proc/PID/mountinfo (no root, no process needed).
#include "ward/audit/live.hpp"
#include "ward/base/error.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward::audit;

BOOST_AUTO_TEST_SUITE(audit_live_parse)

BOOST_AUTO_TEST_CASE(status_fields_and_capability_names) {
    const std::string text = "Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\n"
                             "Uid:\t1000\t1000\t1000\t1000\nGid:\t100\t100\t100\t100\n"
                             "Groups:\t10 20 \nCapInh:\t0000000000000000\n"
                             "CapPrm:\t0000000000000401\nCapEff:\t0000000000000400\n"
                             "CapBnd:\t0000000000000401\nCapAmb:\t0000000000000000\n"
                             "NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t3\n";
    ProcessStatus st = parse_status(text);
    BOOST_TEST(st.name == "sleep");
    BOOST_TEST(st.cap_prm == 0x401u);
    BOOST_TEST(capability_list(st.cap_prm) ==
                   (std::vector<std::string>{"CAP_CHOWN", "CAP_NET_BIND_SERVICE"}),
               boost::test_tools::per_element());
    BOOST_TEST(st.no_new_privs);
    BOOST_TEST(st.seccomp_mode == 2);
    BOOST_TEST(st.seccomp_filters == 3);
    BOOST_TEST(st.uids == (std::vector<uint32_t>{1000, 1000, 1000, 1000}),
               boost::test_tools::per_element());
    BOOST_TEST(st.groups == (std::vector<uint32_t>{10, 20}), boost::test_tools::per_element());
    // A number this build has no name for is still shown.
    BOOST_TEST(capability_list(uint64_t{1} << 63).front() == "CAP_63");
}

BOOST_AUTO_TEST_CASE(status_without_ids_or_with_a_bad_set_is_an_error) {
    BOOST_CHECK_THROW(parse_status("Name:\tx\n"), ward::Error);
    BOOST_CHECK_THROW(parse_status("Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nCapEff:\tzz\n"),
                      ward::Error);
}

BOOST_AUTO_TEST_CASE(mountinfo_fields_escapes_and_propagation) {
    const std::string text =
        "600 500 0:50 / / ro,relatime master:1 - overlay overlay rw,lowerdir=/a\n"
        "601 600 0:51 /null /proc/kcore rw,nosuid - tmpfs tmpfs rw,mode=755\n"
        "602 600 0:52 / /mnt/with\\040space rw shared:7 master:2 - tmpfs none rw\n";
    auto m = parse_mountinfo(text);
    BOOST_TEST_REQUIRE(m.size() == 3u);
    BOOST_TEST(m[0].mount_point == "/");
    BOOST_TEST(m[0].options.front() == "ro");
    BOOST_TEST(m[0].optional_fields == (std::vector<std::string>{"master:1"}),
               boost::test_tools::per_element());
    BOOST_TEST(m[0].fstype == "overlay");
    BOOST_TEST(m[1].root == "/null");
    BOOST_TEST(m[2].mount_point == "/mnt/with space");
    BOOST_TEST(m[2].optional_fields.size() == 2u);
    BOOST_TEST(m[2].super_options == (std::vector<std::string>{"rw"}),
               boost::test_tools::per_element());
    BOOST_CHECK_THROW(parse_mountinfo("1 2 0:3 / /\n"), ward::Error);
}

BOOST_AUTO_TEST_CASE(namespace_names_and_every_live_rule_is_in_the_catalogue) {
    BOOST_TEST(proc_namespace_name("network") == "net");
    BOOST_TEST(proc_namespace_name("mount") == "mnt");
    BOOST_TEST(proc_namespace_name("pid") == "pid");
    for (const char* id : {"WARD-LIVE-001", "WARD-LIVE-012", "WARD-LIVE-101", "WARD-LIVE-109"})
        BOOST_CHECK_NO_THROW(rule(id));
}

BOOST_AUTO_TEST_SUITE_END()
