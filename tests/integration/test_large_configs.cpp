// Large but legal configs work (issue 14): Kubernetes allows 256 KiB of
// annotations, and every one of them rides to the init in the state
// document "go" carries, more than one socket packet holds; a pod spec can
// carry thousands of mounts.
#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>

using namespace ward_it;
namespace utf = boost::unit_test;

BOOST_AUTO_TEST_SUITE(large_configs)

// 300 KiB of annotations in 300 values of 1 KiB, above Kubernetes' limit
// and above the default socket send buffer (~208 KiB): create, start and
// state work, and state gives every annotation back.
BOOST_AUTO_TEST_CASE(annotations_beyond_kubernetes_limit_run, *utf::label("asan")) {
    Bundle b;
    Json annotations = Json::object();
    for (int i = 0; i < 300; ++i)
        annotations["example.com/a" + std::to_string(i)] =
            std::string(1024, static_cast<char>('a' + i % 26));
    b.config["annotations"] = annotations;
    b.set_args({"/checker", "exit", "0"});
    std::string id = b.new_id("annotations");
    Result created = b.create(id);
    BOOST_TEST_REQUIRE(created.status == 0, "stderr: " << created.err.substr(0, 2000));
    Json st = b.state(id);
    BOOST_TEST(st["annotations"]["example.com/a299"].str() == std::string(1024, 'a' + 299 % 26));
    BOOST_TEST(b.runtime({"start", id}).status == 0);
    BOOST_TEST(b.wait_status(id, "stopped"));
    BOOST_TEST(b.runtime({"delete", id}).status == 0);
}

// 20,000 tmpfs mounts, each on a directory ward creates in the rootfs: the
// container runs and sees the last of them mounted.
BOOST_AUTO_TEST_CASE(twenty_thousand_mounts_run, *utf::timeout(300)) {
    Bundle b;
    constexpr int kMounts = 20000;
    std::filesystem::create_directories(b.rootfs + "/many");
    for (int i = 0; i < kMounts; ++i) {
        std::string dest = "/many/m" + std::to_string(i);
        std::filesystem::create_directory(b.rootfs + dest);
        b.config["mounts"].push(mount_entry(dest, "tmpfs", "tmpfs", {"size=4k", "nosuid"}));
    }
    b.set_args({"/bin/sh", "-c", "grep -c ' /many/m' /proc/self/mountinfo"});
    Result r = b.run(b.new_id("mounts"));
    BOOST_TEST_REQUIRE(r.status == 0, "stderr: " << r.err.substr(0, 2000));
    BOOST_TEST(r.out == std::to_string(kMounts) + "\n");
}

BOOST_AUTO_TEST_SUITE_END()
