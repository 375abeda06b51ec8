// A create that fails says why, exits 1, and leaves nothing behind: no state
// entry, no process, no mount, no cgroup.
#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sys/resource.h>

using namespace ward_it;
namespace utf = boost::unit_test;

namespace {

// create must fail with exit 1 and a message containing `phrase`, and the id
// must be gone everywhere.
void expect_clean_failure(Bundle& b, const std::string& id, const std::string& phrase) {
    Result r = b.create(id);
    BOOST_TEST(r.status == 1, "create exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(!r.timed_out);
    BOOST_TEST(r.err.find(phrase) != std::string::npos,
               "stderr lacks \"" << phrase << "\": " << r.err);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
    Result st = b.runtime({"state", id});
    BOOST_TEST(st.status == 1);
    BOOST_TEST(st.err.find("container does not exist") != std::string::npos, st.err);
    Result list = b.runtime({"list", "-q"});
    BOOST_TEST(list.out.find(id) == std::string::npos, "list -q: " << list.out);
}

} // namespace

BOOST_AUTO_TEST_SUITE(failures)

BOOST_AUTO_TEST_CASE(a_mount_of_an_unknown_fs_type_leaves_nothing, *utf::label("asan")) {
    Bundle b;
    Json m = Json::object();
    m["destination"] = "/mnt";
    m["type"] = "wardnosuchfs";
    m["source"] = "none";
    b.config["mounts"].push(m);
    expect_clean_failure(b, b.new_id("badfs"), "no such device");
}

BOOST_AUTO_TEST_CASE(a_failing_prestart_hook_leaves_nothing) {
    Bundle b;
    Json h = Json::object();
    h["path"] = "/bin/sh";
    h["args"] = Json::strings({"sh", "-c", "cat >/dev/null; exit 1"});
    b.config["hooks"]["prestart"] = Json::array({h});
    expect_clean_failure(b, b.new_id("badhook"), "exit status 1");
}

BOOST_AUTO_TEST_CASE(a_missing_executable_leaves_nothing) {
    Bundle b;
    b.set_args({"/nope"});
    expect_clean_failure(b, b.new_id("noexec"), "no such file or directory");
}

BOOST_AUTO_TEST_CASE(raising_the_hard_nofile_limit_without_privilege_leaves_nothing) {
    rlimit current{};
    BOOST_TEST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &current) == 0);
    // Root could raise it with CAP_SYS_RESOURCE; where the test runs with it,
    // the failure this test needs cannot happen.
    std::string status = slurp("/proc/self/status");
    auto at = status.find("CapBnd:");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    unsigned long long bnd = std::stoull(status.substr(at + 7), nullptr, 16);
    if (bnd & (1ULL << 24)) {
        BOOST_TEST_MESSAGE("skipped: this process has CAP_SYS_RESOURCE, the limit would apply");
        return;
    }
    Bundle b;
    Json limit = Json::object();
    limit["type"] = "RLIMIT_NOFILE";
    limit["soft"] = static_cast<long long>(current.rlim_max) + 1000;
    limit["hard"] = static_cast<long long>(current.rlim_max) + 1000;
    b.config["process"]["rlimits"] = Json::array({limit});
    expect_clean_failure(b, b.new_id("badrlimit"), "operation not permitted");
}

BOOST_AUTO_TEST_CASE(a_malformed_config_leaves_nothing) {
    Bundle b;
    std::string id = b.new_id("badjson");
    std::ofstream(b.bundle_dir + "/config.json") << "{\"ociVersion\": \"1.0.2\", \"process\": ";
    Result r = b.runtime({"create", "--bundle", b.bundle_dir, id});
    BOOST_TEST(r.status == 1, "stderr: " << r.err);
    BOOST_TEST(!r.err.empty());
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
}

BOOST_AUTO_TEST_CASE(a_missing_bundle_leaves_nothing) {
    Bundle b;
    std::string id = b.new_id("nobundle");
    Result r = b.runtime({"create", "--bundle", b.dir + "/no-such-bundle", id});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err.find("no such file or directory") != std::string::npos, "stderr: " << r.err);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
}

BOOST_AUTO_TEST_CASE(run_of_a_missing_executable_fails_with_exit_1) {
    Bundle b;
    b.set_args({"/nope"});
    std::string id = b.new_id("runnoexec");
    Result r = b.run(id);
    BOOST_TEST(r.status != 0);
    BOOST_TEST(r.err.find("no such file or directory") != std::string::npos, "stderr: " << r.err);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
}

// The detector itself: a live container must show up in every category, or
// the "leaves nothing" tests above could pass by looking in the wrong place.
BOOST_AUTO_TEST_CASE(leftover_detection_sees_a_live_container) {
    Bundle b;
    b.set_args({"/checker", "sleep", "60"});
    std::string id = b.new_id("live");
    Result c = b.create(id);
    BOOST_TEST_REQUIRE(c.status == 0, "create: " << c.err);
    std::string found = listed(leftovers(b, id));
    for (const char* kind : {"state dir", "process", "cgroup"})
        BOOST_TEST(found.find(kind) != std::string::npos, kind << " not seen in:" << found);
}

BOOST_AUTO_TEST_SUITE_END()
