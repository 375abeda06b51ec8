// The systemd cgroup driver's pure parts: linux.cgroupsPath in runc's
// "slice:prefix:name" form, slice expansion as systemd does it, the unit
// properties planned from linux.resources (typed fields and unified keys,
// IO devices by path) and from org.systemd.property.* annotations.
#include "error_text.hpp"
#include "ward/base/error.hpp"
#include "ward/cgroups/systemd.hpp"
#include "ward/json/json.hpp"
#include "ward/spec/parse.hpp"

#include <boost/test/unit_test.hpp>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace ward;
using cgroups::expand_slice;
using cgroups::systemd_unit_for;

namespace {

using test::check_fails_with;

// A property as "Name=value": a uint64 in decimal, a per-device list as
// "path:value,...", a bitmask as hex bytes.
std::string shown(const dbus::Property& p) {
    std::string out = p.name + "=";
    if (const auto* v = std::get_if<std::uint64_t>(&p.value))
        return out + (*v == UINT64_MAX ? "inf" : std::to_string(*v));
    if (const auto* limits = std::get_if<dbus::IoLimits>(&p.value)) {
        for (size_t i = 0; i < limits->size(); ++i)
            out +=
                (i ? "," : "") + (*limits)[i].first + ":" +
                ((*limits)[i].second == UINT64_MAX ? "inf" : std::to_string((*limits)[i].second));
        return out;
    }
    if (const auto* mask = std::get_if<std::vector<std::uint8_t>>(&p.value)) {
        static const char* hex = "0123456789abcdef";
        for (auto b : *mask)
            out += std::string{hex[b >> 4], hex[b & 15]};
        return out;
    }
    return out + "?";
}

// Device paths as a test host has them: 8:N is /dev/block/8:N, 259:0 only
// a node in /dev, anything else has none.
std::optional<std::string> fake_path(std::uint32_t major, std::uint32_t minor) {
    if (major == 8)
        return "/dev/block/8:" + std::to_string(minor);
    if (major == 259 && minor == 0)
        return std::string("/dev/nvme0n1");
    return std::nullopt;
}

cgroups::PlannedProperties planned(const std::string& resources) {
    auto r = spec::resources_from_json(json::parse(resources), "test");
    return cgroups::plan_resource_properties(cgroups::plan_writes(r).writes, fake_path);
}

// Each planned property as shown().
std::vector<std::string> props(const std::string& resources) {
    std::vector<std::string> out;
    for (const auto& p : planned(resources).properties)
        out.push_back(shown(p));
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
    // In the cgroupfs driver's write order (swap first, as runc writes it).
    BOOST_TEST(props(R"({"memory":{"limit":33554432,"reservation":1048576,"swap":50331648}})") ==
                   (V{"MemorySwapMax=16777216", "MemoryMax=33554432", "MemoryLow=1048576"}),
               boost::test_tools::per_element());
    // -1 is unlimited: systemd's infinity.
    BOOST_TEST(props(R"({"memory":{"limit":-1,"swap":-1}})") ==
                   (V{"MemorySwapMax=inf", "MemoryMax=inf"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"pids":{"limit":32}})") == (V{"TasksMax=32"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"pids":{"limit":-1}})") == (V{"TasksMax=inf"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"pids":{"limit":0}})") == (V{"TasksMax=inf"}),
               boost::test_tools::per_element());
    // shares 1024 → weight 100 (the cgroupfs driver's conversion); quota 50000/100000 →
    // 500 ms per second with the period; 12345/100000 rounds up to systemd's 10 ms steps.
    BOOST_TEST(props(R"({"cpu":{"shares":1024,"quota":50000,"period":100000}})") ==
                   (V{"CPUWeight=100", "CPUQuotaPerSecUSec=500000", "CPUQuotaPeriodUSec=100000"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"cpu":{"quota":12345}})") ==
                   (V{"CPUQuotaPerSecUSec=130000", "CPUQuotaPeriodUSec=100000"}),
               boost::test_tools::per_element());
    // A 50 ms period: 20 ms of it is 400 ms per second, whatever the period.
    BOOST_TEST(props(R"({"cpu":{"quota":20000,"period":50000}})") ==
                   (V{"CPUQuotaPerSecUSec=400000", "CPUQuotaPeriodUSec=50000"}),
               boost::test_tools::per_element());
    // A period alone (or quota -1): no quota, the period kept.
    BOOST_TEST(props(R"({"cpu":{"quota":-1,"period":250000}})") ==
                   (V{"CPUQuotaPerSecUSec=inf", "CPUQuotaPeriodUSec=250000"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"cpu":{"period":1000000}})") ==
                   (V{"CPUQuotaPerSecUSec=inf", "CPUQuotaPeriodUSec=1000000"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"cpu":{"shares":2}})") == (V{"CPUWeight=1"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"cpu":{"shares":262144}})") == (V{"CPUWeight=10000"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({})").empty());
    // Limits systemd has no property for: no property, no warning.
    auto none = planned(R"({"hugepageLimits":[{"pageSize":"2MB","limit":2097152}],
                           "cpu":{"idle":1,"burst":1000}})");
    BOOST_TEST(none.properties.empty());
    BOOST_TEST(none.warnings.empty());
}

// linux.resources.unified: the keys systemd has a property for, as runc
// converts them; a unified key overrides the typed field (one property).
BOOST_AUTO_TEST_CASE(unified_keys_become_properties) {
    using V = std::vector<std::string>;
    BOOST_TEST(
        props(R"({"unified":{"memory.high":"1073741824","memory.min":"4096",
                                    "memory.low":"max","memory.swap.max":"0"}})") ==
            (V{"MemoryHigh=1073741824", "MemoryLow=inf", "MemoryMin=4096", "MemorySwapMax=0"}),
        boost::test_tools::per_element());
    BOOST_TEST(props(R"({"memory":{"limit":33554432},"unified":{"memory.max":"max"}})") ==
                   (V{"MemoryMax=inf"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"pids":{"limit":10},"unified":{"pids.max":"20"}})") == (V{"TasksMax=20"}),
               boost::test_tools::per_element());
    // systemd refuses TasksMax=0; 1 stops every fork too (runc's choice).
    BOOST_TEST(props(R"({"unified":{"pids.max":"0"}})") == (V{"TasksMax=1"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"cpu":{"shares":1024},"unified":{"cpu.weight":"250"}})") ==
                   (V{"CPUWeight=250"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"unified":{"cpu.max":"max"}})") == (V{"CPUQuotaPerSecUSec=inf"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"cpu":{"quota":50000},"unified":{"cpu.max":"30000 60000"}})") ==
                   (V{"CPUQuotaPerSecUSec=500000", "CPUQuotaPeriodUSec=60000"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"unified":{"cpuset.cpus":"0-3","cpuset.mems":"1"}})") ==
                   (V{"AllowedCPUs=0f", "AllowedMemoryNodes=02"}),
               boost::test_tools::per_element());
    // A value ward cannot read (the kernel takes "1G" in memory.max): left
    // to the cgroup write, and the warning says what a daemon-reload does.
    auto p = planned(R"({"unified":{"memory.max":"1G","cpu.max":"a b c","pids.max":"x"}})");
    BOOST_TEST(p.properties.empty());
    BOOST_TEST_REQUIRE(p.warnings.size() == 3u);
    BOOST_TEST(
        p.warnings[0] ==
        "linux.resources.unified[\"cpu.max\"]: cpu.max \"a b c\" is not \"QUOTA PERIOD\", so "
        "it is written to the cgroup only: a systemctl daemon-reload can reset it");
    BOOST_TEST(p.warnings[1].find("memory.max \"1G\" is not a number of bytes") !=
               std::string::npos);
    BOOST_TEST(p.warnings[2].find("pids.max \"x\"") != std::string::npos);
}

// blockIO and the io.* unified keys: IOWeight (blkio's 10..1000 converted
// as the cgroupfs driver's io.weight fallback), IODeviceWeight and the
// four io.max limits, each naming the device by a path.
BOOST_AUTO_TEST_CASE(io_limits_become_properties_with_device_paths) {
    using V = std::vector<std::string>;
    BOOST_TEST(props(R"({"blockIO":{"weight":500,"weightDevice":[{"major":8,"minor":0,"weight":100},
                        {"major":259,"minor":0,"weight":1000}]}})") ==
                   (V{"IOWeight=4950", "IODeviceWeight=/dev/block/8:0:910,/dev/nvme0n1:10000"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"blockIO":{
            "throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1048576},{"major":8,"minor":16,"rate":2097152}],
            "throttleWriteBpsDevice":[{"major":8,"minor":0,"rate":0}],
            "throttleReadIOPSDevice":[{"major":8,"minor":0,"rate":100}],
            "throttleWriteIOPSDevice":[{"major":259,"minor":0,"rate":50}]}})") ==
                   (V{"IOReadBandwidthMax=/dev/block/8:0:1048576,/dev/block/8:16:2097152",
                      "IOWriteBandwidthMax=/dev/block/8:0:inf", "IOReadIOPSMax=/dev/block/8:0:100",
                      "IOWriteIOPSMax=/dev/nvme0n1:50"}),
               boost::test_tools::per_element());
    // Unified: io.weight's default and per-device lines, io.max with
    // several keys; io.bfq.weight takes blkio's range, converted.
    BOOST_TEST(props(R"({"unified":{"io.weight":"default 300\n8:16 50",
                                    "io.max":"8:0 rbps=100 wiops=max"}})") ==
                   (V{"IOReadBandwidthMax=/dev/block/8:0:100", "IOWriteIOPSMax=/dev/block/8:0:inf",
                      "IOWeight=300", "IODeviceWeight=/dev/block/8:16:50"}),
               boost::test_tools::per_element());
    BOOST_TEST(props(R"({"unified":{"io.bfq.weight":"8:0 1000\n100"}})") ==
                   (V{"IODeviceWeight=/dev/block/8:0:10000", "IOWeight=910"}),
               boost::test_tools::per_element());
    // A unified throttle overrides the typed one for that device only.
    BOOST_TEST(props(R"({"blockIO":{"throttleReadBpsDevice":[{"major":8,"minor":0,"rate":10},
                                                           {"major":8,"minor":16,"rate":20}]},
                         "unified":{"io.max":"8:16 rbps=30"}})") ==
                   (V{"IOReadBandwidthMax=/dev/block/8:0:10,/dev/block/8:16:30"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(io_limits_without_a_device_path_stay_cgroup_writes) {
    auto p = planned(R"({"blockIO":{"weightDevice":[{"major":9,"minor":9,"weight":100}],
                         "throttleReadBpsDevice":[{"major":9,"minor":9,"rate":1},
                                                  {"major":8,"minor":0,"rate":2}]}})");
    BOOST_TEST_REQUIRE(p.properties.size() == 1u);
    BOOST_TEST(shown(p.properties[0]) == "IOReadBandwidthMax=/dev/block/8:0:2");
    BOOST_TEST_REQUIRE(p.warnings.size() == 2u);
    BOOST_TEST(p.warnings[0] ==
               "linux.resources.blockIO.weightDevice[0].weight: io.bfq.weight \"9:9 100\" names a "
               "device with no block node under /dev (systemd names devices by path), so it is "
               "written to the cgroup only: a systemctl daemon-reload can reset it");
    BOOST_TEST(
        p.warnings[1].find(
            "linux.resources.blockIO.throttleReadBpsDevice[0].rate: io.max \"9:9 rbps=1\"") == 0u);
    // A unified io.max ward cannot read: a warning, no property.
    auto bad = planned(R"({"unified":{"io.max":"8:0 rbps=1 foo=2","io.weight":"8:0 a b"}})");
    BOOST_TEST(bad.properties.empty());
    BOOST_TEST_REQUIRE(bad.warnings.size() == 2u);
    BOOST_TEST(bad.warnings[0].find("has \"foo=2\", which ward does not convert") !=
               std::string::npos);
    BOOST_TEST(bad.warnings[1].find("is not a weight ward converts") != std::string::npos);
}

// The host's paths: /dev/block/MAJ:MIN when it is that block device, a
// node in the directory otherwise; a character device never. Unprivileged
// tests cannot make block nodes, so the positive case uses one the host
// has, when it has one (this build machine has loop and virtio disks).
BOOST_AUTO_TEST_CASE(host_block_device_paths) {
    char tmpl[] = "/tmp/ward-devdir-XXXXXX";
    BOOST_TEST_REQUIRE(::mkdtemp(tmpl) != nullptr);
    std::string dir = tmpl;
    BOOST_TEST_REQUIRE(::mkdir((dir + "/block").c_str(), 0755) == 0);
    // /dev/null is the character device 1:3: a link to it is not 1:3's block node.
    BOOST_TEST_REQUIRE(::symlink("/dev/null", (dir + "/block/1:3").c_str()) == 0);
    BOOST_TEST(!cgroups::host_block_device_path(1, 3, dir));
    BOOST_TEST(!cgroups::host_block_device_path(4095, 1048575, dir));
    BOOST_TEST(!cgroups::host_block_device_path(1, 3));
    ::unlink((dir + "/block/1:3").c_str());
    ::rmdir((dir + "/block").c_str());
    ::rmdir(dir.c_str());

    int checked = 0;
    if (DIR* dev = ::opendir("/dev")) {
        while (const dirent* e = ::readdir(dev)) {
            struct stat st {};
            std::string path = std::string("/dev/") + e->d_name;
            if (::lstat(path.c_str(), &st) != 0 || !S_ISBLK(st.st_mode))
                continue;
            auto found = cgroups::host_block_device_path(major(st.st_rdev), minor(st.st_rdev));
            struct stat got {};
            BOOST_TEST_REQUIRE(found.has_value());
            BOOST_TEST(::stat(found->c_str(), &got) == 0);
            BOOST_TEST(got.st_rdev == st.st_rdev);
            if (++checked == 3)
                break;
        }
        ::closedir(dev);
    }
    BOOST_TEST_MESSAGE("block devices of this host's /dev checked: " << checked);
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
    auto p = cgroups::resource_properties(cgroups::plan_writes(r).writes);
    BOOST_TEST_REQUIRE(p.size() == 2u);
    BOOST_TEST(p[0].name == "AllowedCPUs");
    BOOST_TEST((std::get<std::vector<std::uint8_t>>(p[0].value) == B{0x03}));
    BOOST_TEST(p[1].name == "AllowedMemoryNodes");
    BOOST_TEST((std::get<std::vector<std::uint8_t>>(p[1].value) == B{0x01}));
}

BOOST_AUTO_TEST_SUITE_END()

// org.systemd.property.* annotations, as runc passes them.
BOOST_AUTO_TEST_SUITE(cgroup_systemd_annotations)

namespace {

spec::Spec annotated(std::map<std::string, std::string> annotations) {
    spec::Spec s;
    s.annotations = std::move(annotations);
    return s;
}

std::vector<dbus::Property> from(std::map<std::string, std::string> annotations) {
    return cgroups::annotation_properties(annotated(std::move(annotations)));
}

void refused(std::map<std::string, std::string> annotations, const std::string& needle) {
    check_fails_with([&] { from(annotations); }, needle);
}

} // namespace

BOOST_AUTO_TEST_CASE(what_cri_o_and_podman_set) {
    auto p = from({{"org.systemd.property.TimeoutStopUSec", "uint64 10000000"},
                   {"org.systemd.property.KillSignal", "15"},
                   {"org.systemd.property.CollectMode", "'inactive-or-failed'"},
                   {"org.systemd.property.DefaultDependencies", "true"},
                   {"org.systemd.property.After", "['crio.service']"},
                   {"io.kubernetes.cri-o.SandboxID", "abc"}});
    BOOST_TEST_REQUIRE(p.size() == 5u); // key order; other annotations ignored
    BOOST_TEST(p[0].name == "After");
    BOOST_TEST((std::get<std::vector<std::string>>(p[0].value) ==
                std::vector<std::string>{"crio.service"}));
    BOOST_TEST(p[1].name == "CollectMode");
    BOOST_TEST(std::get<std::string>(p[1].value) == "inactive-or-failed");
    BOOST_TEST(p[2].name == "DefaultDependencies");
    BOOST_TEST(std::get<bool>(p[2].value) == true);
    BOOST_TEST(p[3].name == "KillSignal");
    BOOST_TEST(std::get<std::int32_t>(p[3].value) == 15);
    BOOST_TEST(p[4].name == "TimeoutStopUSec");
    BOOST_TEST(std::get<std::uint64_t>(p[4].value) == 10000000u);
}

// A NAME ending in a lowercase letter and "Sec" is the ...USec property,
// its value (seconds, any number type) in microseconds: runc's table.
BOOST_AUTO_TEST_CASE(sec_names_become_usec) {
    auto usec = [](const std::string& name, const std::string& value) {
        auto p = from({{"org.systemd.property." + name, value}});
        BOOST_TEST_REQUIRE(p.size() == 1u);
        BOOST_TEST(p[0].name == "TimeoutStopUSec");
        return std::get<std::uint64_t>(p[0].value);
    };
    BOOST_TEST(usec("TimeoutStopSec", "456") == 456000000u);
    BOOST_TEST(usec("TimeoutStopSec", "byte 234") == 234000000u);
    BOOST_TEST(usec("TimeoutStopSec", "int16 234") == 234000000u);
    BOOST_TEST(usec("TimeoutStopSec", "uint16 234") == 234000000u);
    BOOST_TEST(usec("TimeoutStopSec", "uint32 234") == 234000000u);
    BOOST_TEST(usec("TimeoutStopSec", "int64 234") == 234000000u);
    BOOST_TEST(usec("TimeoutStopSec", "uint64 234") == 234000000u);
    BOOST_TEST(usec("TimeoutStopSec", "234.789") == 234789000u);
    BOOST_TEST(usec("TimeoutStopUSec", "uint64 7") == 7u); // already USec
    // Not a ...Sec name by runc's rule: passed as written.
    auto p = from({{"org.systemd.property.FOOSec", "123"}});
    BOOST_TEST(p.at(0).name == "FOOSec");
    BOOST_TEST(std::get<std::int32_t>(p.at(0).value) == 123);
    refused({{"org.systemd.property.TimeoutStopSec", "false"}},
            "annotations[\"org.systemd.property.TimeoutStopSec\"] = \"false\": not a number "
            "(TimeoutStopSec is in seconds)");
    refused({{"org.systemd.property.TimeoutStopSec", "'covfefe'"}}, "not a number");
    refused({{"org.systemd.property.TimeoutStopSec", "-1"}}, "a negative number of seconds");
    refused({{"org.systemd.property.TimeoutStopSec", "-1.5"}}, "not a number of seconds");
    refused({{"org.systemd.property.TimeoutStopSec", "uint64 18446744073709551615"}},
            "too many seconds");
}

BOOST_AUTO_TEST_CASE(refusals_name_the_annotation) {
    refused({{"org.systemd.property.Xo", "1"}},
            "annotations[\"org.systemd.property.Xo\"]: \"Xo\" is not a unit property name");
    refused({{"org.systemd.property.Number1", "1"}}, "is not a unit property name");
    refused({{"org.systemd.property.", "1"}}, "is not a unit property name");
    refused({{"org.systemd.property.ValidName", "invalid-value"}},
            "annotations[\"org.systemd.property.ValidName\"] = \"invalid-value\": not a GVariant "
            "text value ward reads: \"invalid\" is not a value");
    refused({{"org.systemd.property.MemoryMax", "2147483648"}},
            "does not fit int32 (an untyped number is an int32: give the type");
    // What ward sets itself and relies on, whatever the policy says.
    refused({{"org.systemd.property.Slice", "'user.slice'"}},
            "annotations[\"org.systemd.property.Slice\"]: ward sets Slice itself (the slice is "
            "linux.cgroupsPath's); no annotation may change it");
    refused({{"org.systemd.property.PIDs", "@au []"}}, "ward sets PIDs itself");
    refused({{"org.systemd.property.Delegate", "false"}}, "ward sets Delegate itself");
    refused({{"org.systemd.property.DelegateSubgroup", "'x'"}},
            "ward sets DelegateSubgroup itself");
}

// The whole list create adds: the annotations', then linux.resources';
// a property the config's resources set wins (runc sets the resources
// after the annotations), said in a warning.
BOOST_AUTO_TEST_CASE(unit_properties_put_the_config_last) {
    auto s = annotated({{"org.systemd.property.MemoryMax", "uint64 1"},
                        {"org.systemd.property.MemoryHigh", "uint64 1048576"},
                        {"org.systemd.property.CollectMode", "'inactive-or-failed'"}});
    s.linux = spec::Linux{};
    s.linux->resources = spec::resources_from_json(
        json::parse(
            R"({"memory":{"limit":33554432},"blockIO":{"weightDevice":[{"major":9,"minor":9,"weight":100}]}})"),
        "test");
    auto p = cgroups::plan_unit_properties(s, cgroups::plan_writes(*s.linux->resources).writes,
                                           fake_path);
    std::vector<std::string> names;
    for (const auto& prop : p.properties)
        names.push_back(prop.name);
    BOOST_TEST(names == (std::vector<std::string>{"CollectMode", "MemoryHigh", "MemoryMax"}),
               boost::test_tools::per_element());
    BOOST_TEST(std::get<std::uint64_t>(p.properties[2].value) == 33554432u);
    BOOST_TEST_REQUIRE(p.warnings.size() == 2u);
    BOOST_TEST(p.warnings[0].find("io.bfq.weight \"9:9 100\" names a device with no block node") !=
               std::string::npos);
    BOOST_TEST(p.warnings[1] == "annotations[\"org.systemd.property.MemoryMax\"]: the unit "
                                "property MemoryMax is set from linux.resources, which wins");
    // No resources: the annotations alone; none: nothing.
    BOOST_TEST(cgroups::plan_unit_properties(annotated({{"org.systemd.property.KillSignal", "9"}}),
                                             {}, fake_path)
                   .properties.size() == 1u);
    BOOST_TEST(cgroups::plan_unit_properties(spec::Spec{}, {}, fake_path).properties.empty());
}

BOOST_AUTO_TEST_SUITE_END()
