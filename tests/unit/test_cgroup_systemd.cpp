// The systemd cgroup driver's pure parts: linux.cgroupsPath in runc's
// "slice:prefix:name" form, slice expansion as systemd does it, and the
// unit properties planned from linux.resources.
#include "ward/base/error.hpp"
#include "ward/cgroups/systemd.hpp"
#include "ward/json/json.hpp"
#include "ward/spec/parse.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward;
using cgroups::expand_slice;
using cgroups::systemd_unit_for;

namespace {

void check_fails_with(const std::function<void()>& fn, const std::string& needle) {
    try {
        fn();
        BOOST_ERROR("no error; expected one mentioning \"" << needle << "\"");
    } catch (const Error& e) {
        BOOST_CHECK_MESSAGE(std::string(e.what()).find(needle) != std::string::npos,
                            "error \"" << e.what() << "\" lacks \"" << needle << "\"");
    }
}

// "Name=value" for each planned property (uint64 values only).
std::vector<std::string> props(const std::string& resources) {
    auto r = spec::resources_from_json(json::parse(resources), "test");
    std::vector<std::string> out;
    for (const auto& p : cgroups::resource_properties(r))
        out.push_back(p.name + "=" + std::to_string(std::get<std::uint64_t>(p.value)));
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cgroup_systemd)

BOOST_AUTO_TEST_CASE(slices_expand_as_systemd_nests_them) {
    BOOST_TEST(expand_slice("system.slice") == "/system.slice");
    BOOST_TEST(expand_slice("a-b.slice") == "/a.slice/a-b.slice");
    BOOST_TEST(expand_slice("kubepods-burstable-pod1.slice") ==
               "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice");
    BOOST_TEST(expand_slice("-.slice") == "");
    check_fails_with([] { expand_slice("system"); }, "slice \"system\" does not end in .slice");
    check_fails_with([] { expand_slice("a/b.slice"); }, "holds a \"/\"");
    check_fails_with([] { expand_slice("a--b.slice"); }, "empty part between dashes");
    check_fails_with([] { expand_slice("-a.slice"); }, "empty part");
    check_fails_with([] { expand_slice("a-.slice"); }, "empty part");
    check_fails_with([] { expand_slice(".slice"); }, "empty name");
}

BOOST_AUTO_TEST_CASE(cgroups_path_slice_prefix_name) {
    auto u = systemd_unit_for("machine.slice:libpod:abc", "id");
    BOOST_TEST(u.slice == "machine.slice");
    BOOST_TEST(u.unit == "libpod-abc.scope");
    BOOST_TEST(u.cgroup_path() == "/machine.slice/libpod-abc.scope");

    // Empty parts take runc's defaults: system.slice; no prefix, no dash.
    auto d = systemd_unit_for(":cri-containerd:c1", "id");
    BOOST_TEST(d.cgroup_path() == "/system.slice/cri-containerd-c1.scope");
    BOOST_TEST(systemd_unit_for("a-b.slice::n", "id").cgroup_path() ==
               "/a.slice/a-b.slice/n.scope");
    // "-" is the root slice.
    BOOST_TEST(systemd_unit_for("-:p:n", "id").cgroup_path() == "/p-n.scope");
    // No cgroupsPath: ward's own prefix and the container id.
    BOOST_TEST(systemd_unit_for("", "web").cgroup_path() == "/system.slice/ward-web.scope");
}

BOOST_AUTO_TEST_CASE(cgroups_path_errors_name_the_value) {
    check_fails_with(
        [] { systemd_unit_for("/a/b", "id"); },
        "linux.cgroupsPath \"/a/b\": the systemd cgroup driver wants \"slice:prefix:name\"");
    check_fails_with([] { systemd_unit_for("a:b", "id"); }, "wants \"slice:prefix:name\"");
    check_fails_with([] { systemd_unit_for("a.slice:b:c:d", "id"); }, "wants");
    check_fails_with([] { systemd_unit_for("system.slice:p:", "id"); }, "the name part is empty");
    check_fails_with([] { systemd_unit_for("system.slice:p:x.slice", "id"); },
                     "a slice as the container's unit");
    check_fails_with([] { systemd_unit_for("system.slice:p:a/b", "id"); }, "cannot hold \"/\"");
    check_fails_with([] { systemd_unit_for("bad:p:n", "id"); },
                     "slice \"bad\" does not end in .slice");
}

BOOST_AUTO_TEST_CASE(properties_from_linux_resources) {
    using V = std::vector<std::string>;
    BOOST_TEST(props(R"({"memory":{"limit":33554432,"reservation":1048576,"swap":50331648}})") ==
                   (V{"MemoryMax=33554432", "MemoryLow=1048576", "MemorySwapMax=16777216"}),
               boost::test_tools::per_element());
    // -1 is unlimited: systemd's infinity.
    BOOST_TEST(props(R"({"memory":{"limit":-1,"swap":-1}})") ==
                   (V{"MemoryMax=18446744073709551615", "MemorySwapMax=18446744073709551615"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"pids":{"limit":32}})") == (V{"TasksMax=32"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"pids":{"limit":-1}})") == (V{"TasksMax=18446744073709551615"}),
               boost::test_tools::per_element());
    // shares 1024 → weight 100 (the cgroupfs driver's conversion); quota 50000/100000 →
    // 500 ms per second; 12345/100000 rounds up to systemd's 10 ms steps.
    BOOST_TEST(props(R"({"cpu":{"shares":1024,"quota":50000,"period":100000}})") ==
                   (V{"CPUWeight=100", "CPUQuotaPerSecUSec=500000"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"cpu":{"quota":12345}})") == (V{"CPUQuotaPerSecUSec=130000"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"cpu":{"shares":2}})") == (V{"CPUWeight=1"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"cpu":{"shares":262144}})") == (V{"CPUWeight=10000"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({})").empty());
}

BOOST_AUTO_TEST_CASE(cpuset_lists_become_systemd_bitmasks) {
    using B = std::vector<std::uint8_t>;
    BOOST_TEST(cgroups::cpuset_mask("0", "f") == (B{0x01}), boost::test_tools::per_element());
    BOOST_TEST(cgroups::cpuset_mask("0-3,8", "f") == (B{0x0f, 0x01}),
               boost::test_tools::per_element());
    BOOST_TEST(cgroups::cpuset_mask("9,1", "f") == (B{0x02, 0x02}),
               boost::test_tools::per_element());
    check_fails_with([] { cgroups::cpuset_mask("1,,2", "linux.resources.cpu.cpus"); },
                     "linux.resources.cpu.cpus \"1,,2\": empty entry");
    check_fails_with([] { cgroups::cpuset_mask("3-1", "f"); },
                     "\"3-1\" is not a number or a range");
    check_fails_with([] { cgroups::cpuset_mask("a", "f"); }, "is not a number");
    check_fails_with([] { cgroups::cpuset_mask("0-9000", "f"); }, "9000 is past 8191");
    auto r = spec::resources_from_json(json::parse(R"({"cpu":{"cpus":"0-1","mems":"0"}})"), "test");
    auto p = cgroups::resource_properties(r);
    BOOST_TEST_REQUIRE(p.size() == 2u);
    BOOST_TEST(p[0].name == "AllowedCPUs");
    BOOST_TEST((std::get<std::vector<std::uint8_t>>(p[0].value) == B{0x03}));
    BOOST_TEST(p[1].name == "AllowedMemoryNodes");
    BOOST_TEST((std::get<std::vector<std::uint8_t>>(p[1].value) == B{0x01}));
}

BOOST_AUTO_TEST_SUITE_END()
