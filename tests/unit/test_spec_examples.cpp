// The runtime-spec's own example configs: every good one parses, every bad
// one is refused with a message naming the field that is wrong.
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/spec/parse.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

using namespace ward;
namespace fs = std::filesystem;

namespace {

// ../shared/oci-runtime-spec beside the checkout (tests run from the repo
// root), else $WARD_SPEC_DIR.
fs::path spec_dir() {
    if (fs::is_directory("../shared/oci-runtime-spec/schema"))
        return "../shared/oci-runtime-spec";
    if (const char* env = std::getenv("WARD_SPEC_DIR"); env && fs::is_directory(env))
        return env;
    return {};
}

std::vector<fs::path> examples(const std::string& kind) {
    fs::path dir = spec_dir();
    BOOST_TEST_REQUIRE(!dir.empty(), "runtime-spec not found: expected ../shared/oci-runtime-spec "
                                     "or WARD_SPEC_DIR");
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir / "schema/test/config" / kind))
        if (entry.path().extension() == ".json")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    BOOST_TEST_REQUIRE(!files.empty());
    return files;
}

std::string parse_error(const std::string& text) {
    try {
        spec::parse_spec(text);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(spec_examples)

BOOST_AUTO_TEST_CASE(good_examples_parse) {
    // Two examples still carry a pre-1.0 draft version, which ward refuses
    // (it reads 1.x only); brought to 1.0.0 they must parse like the rest.
    const std::set<std::string> known = {
        "freebsd-example.json", "freebsd-minimal.json",   "linux-netdevice.json",
        "linux-rdma.json",      "minimal-for-start.json", "minimal.json",
        "spec-example.json",    "zos-example.json",       "zos-minimal.json"};
    const std::set<std::string> draft_version = {"spec-example.json", "zos-example.json"};
    for (const auto& file : examples("good")) {
        std::string name = file.filename();
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST_REQUIRE(known.count(name) == 1, "new example without an expectation");
            std::string text = read_file(file);
            if (draft_version.count(name)) {
                BOOST_TEST(parse_error(text) ==
                           "config.json: ociVersion: \"0.5.0-dev\" is not supported: ward reads "
                           "runtime-spec 1.x (1.0.0 to 1.3.0)");
                text.replace(text.find("0.5.0-dev"), 9, "1.0.0");
            }
            BOOST_TEST(parse_error(text) == "");
        }
    }
}

BOOST_AUTO_TEST_CASE(full_example_reads_every_linux_field) {
    std::string text = read_file(spec_dir() / "schema/test/config/good/spec-example.json");
    text.replace(text.find("0.5.0-dev"), 9, "1.0.0");
    spec::Spec s = spec::parse_spec(text);
    BOOST_TEST(s.process->terminal);
    BOOST_TEST(s.process->user.uid == 1u);
    BOOST_TEST(s.process->user.additional_gids.size() == 2u);
    BOOST_TEST(s.process->capabilities->ambient->at(0) == "CAP_NET_BIND_SERVICE");
    BOOST_TEST(s.process->rlimits.at(1).type == "RLIMIT_NOFILE");
    BOOST_TEST(*s.process->no_new_privileges);
    BOOST_TEST(s.root->path == "rootfs");
    BOOST_TEST(s.root->readonly.value_or(false));
    BOOST_TEST(s.mounts.size() == 7u);
    BOOST_TEST(s.mounts[2].options.at(3) == "ptmxmode=0666");
    BOOST_TEST(s.hooks->prestart.size() == 2u);
    BOOST_TEST(s.hooks->poststart.at(0).timeout.value() == 5);
    BOOST_TEST(s.hooks->poststop.at(0).args.at(1) == "-f");
    const spec::Linux& l = *s.linux;
    BOOST_TEST(l.devices.at(0).file_mode.value() == 438u);
    BOOST_TEST(l.uid_mappings.at(0).host_id == 1000u);
    BOOST_TEST(l.sysctl.at("net.core.somaxconn") == "256");
    BOOST_TEST(l.cgroups_path == "/myRuntime/myContainer");
    const spec::Resources& r = *l.resources;
    BOOST_TEST(r.network->class_id.value() == 1048577u);
    BOOST_TEST(r.pids->limit.value() == 32771);
    BOOST_TEST(r.hugepage_limits.at(0).limit == 9223372036854772000ull);
    BOOST_TEST(r.memory->kernel.value() == -1);
    BOOST_TEST(r.cpu->mems == "0-7");
    BOOST_TEST(r.devices.at(1).major.value() == 10);
    BOOST_TEST(!r.devices.at(0).major);
    BOOST_TEST(r.block_io->weight_device.at(0).leaf_weight.value() == 300);
    BOOST_TEST(!r.block_io->weight_device.at(1).leaf_weight);
    BOOST_TEST(r.block_io->throttle_write_iops_device.at(0).rate == 300u);
    BOOST_TEST(l.rootfs_propagation == "slave");
    BOOST_TEST(l.seccomp->architectures.at(1) == "SCMP_ARCH_X32");
    BOOST_TEST(l.seccomp->syscalls.at(0).names.at(1) == "chmod");
    BOOST_TEST(l.time_offsets.at("boottime").secs == 604800);
    BOOST_TEST(l.namespaces.size() == 8u);
    BOOST_TEST(l.masked_paths->size() == 4u);
    BOOST_TEST(l.readonly_paths->size() == 6u);
    BOOST_TEST(l.mount_label.starts_with("system_u:object_r"));
    BOOST_TEST(s.annotations.at("com.example.key2") == "value2");
}

BOOST_AUTO_TEST_CASE(small_linux_examples_read_their_maps) {
    auto dir = spec_dir() / "schema/test/config/good";
    spec::Spec net = spec::parse_spec(read_file(dir / "linux-netdevice.json"));
    BOOST_TEST(net.linux->net_devices.at("eth0").name == "container_eth0");
    BOOST_TEST(net.linux->net_devices.at("ens4").name == "");
    spec::Spec rdma = spec::parse_spec(read_file(dir / "linux-rdma.json"));
    BOOST_TEST(rdma.linux->resources->rdma.at("mlx5_1").hca_handles.value() == 3u);
    BOOST_TEST(!rdma.linux->resources->rdma.at("mlx4_0").hca_handles);
}

BOOST_AUTO_TEST_CASE(bad_examples_are_refused_naming_the_field) {
    const std::map<std::string, std::string> expected = {
        {"invalid-json.json",
         "config.json: invalid JSON at line 1, column 3: invalid object key (must be a string)"},
        {"linux-hugepage.json",
         "config.json: linux.resources.hugepageLimits[0].pageSize: \"64kB\" is not a page size "
         "like \"2MB\" (digits, then KB, MB or GB)"},
        {"linux-netdevice.json", "config.json: linux.netDevices.eth0.name: expected string, got "
                                 "number 23"},
        {"linux-rdma.json", "config.json: linux.resources.rdma.mlx5_1.hcaHandles: expected "
                            "integer, got string \"not a uint32\""},
        // Its mistake is in the freebsd section, which a Linux runtime ignores
        // like any field it does not implement.
        {"freebsd-vnet-disable.json", ""},
    };
    for (const auto& file : examples("bad")) {
        std::string name = file.filename();
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST_REQUIRE(expected.count(name) == 1, "new example without an expectation");
            BOOST_TEST(parse_error(read_file(file)) == expected.at(name));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
