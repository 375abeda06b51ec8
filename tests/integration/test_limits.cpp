// Resource limits on this build host, whose cgroup2 hierarchy
// (/sys/fs/cgroup/unified) has only the hugetlb controller: a limit it
// cannot enforce is refused under hardened (and nothing is left behind) and
// a warning under compat, never dropped silently; `update` follows the same
// rule and runc's phrases. The limits really biting is the VM lane's job
// (tests/vm/cases/50-limits.sh). ward_only: runc has no policy.
#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>

using namespace ward_it;
namespace utf = boost::unit_test;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The controllers of the cgroup2 hierarchy ward uses here.
std::string hierarchy_controllers() {
    for (const char* root : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
        std::string text = slurp(std::string(root) + "/cgroup.controllers");
        if (fs::exists(std::string(root) + "/cgroup.controllers"))
            return text;
    }
    return "";
}

// Precondition of the cases that need a controller to be missing: on a
// host whose cgroup2 hierarchy has the memory or pids controller, the limit
// would be applied, so Boost reports them as skipped (never as passed),
// with the reason.
boost::test_tools::assertion_result host_lacks_memory_and_pids(utf::test_unit_id) {
    std::string c = " " + hierarchy_controllers();
    for (auto& ch : c)
        if (ch == '\n')
            ch = ' ';
    for (const char* controller : {"memory", "pids"}) {
        if (contains(c, std::string(" ") + controller + " ")) {
            boost::test_tools::assertion_result r(false);
            r.message() << "this host's cgroup2 hierarchy has the " << controller
                        << " controller, so the limit would be applied (the VM lane tests that)";
            return r;
        }
    }
    return true;
}

void ask_for_memory_and_pids(Bundle& b) {
    b.config["linux"]["resources"]["memory"]["limit"] = 67108864;
    b.config["linux"]["resources"]["pids"]["limit"] = 64;
}

// A created container (its init waits on the fifo) with no limits.
std::string created_container(Bundle& b) {
    std::string id = b.new_id("upd");
    b.set_args({"true"});
    Result r = b.create(id);
    BOOST_REQUIRE_MESSAGE(r.status == 0, "create: " << r.err);
    return id;
}

} // namespace

BOOST_AUTO_TEST_SUITE(limits, *utf::label("ward_only") * utf::precondition(ward_only))

BOOST_AUTO_TEST_CASE(hardened_refuses_a_limit_without_controller_and_leaves_nothing,
                     *utf::label("asan") * utf::precondition(host_lacks_memory_and_pids)) {
    Bundle b;
    ask_for_memory_and_pids(b);
    std::string id = b.new_id("hard");
    b.write_config();
    Result r =
        b.runtime({"--policy", shipped_policy("hardened"), "run", "--bundle", b.bundle_dir, id});
    BOOST_TEST(r.status == 1, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(contains(r.err, "policy \"hardened\": linux.resources.memory.limit needs the memory "
                               "controller, which the cgroup2 hierarchy at "),
               "stderr: " << r.err);
    BOOST_TEST(contains(r.err, "policy \"hardened\": linux.resources.pids.limit needs the pids "
                               "controller"),
               "stderr: " << r.err);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
}

// "No limit" (podman --pids-limit -1, a memory limit of -1) is what a
// fresh cgroup has anyway: not a limit, so a hierarchy without the
// controller loses nothing and hardened runs it without a finding.
BOOST_AUTO_TEST_CASE(no_limit_values_are_not_limits,
                     *utf::precondition(host_lacks_memory_and_pids)) {
    Bundle b;
    // What hardened would refuse of the test config, left for it to fill.
    b.config["process"].erase("capabilities");
    b.config["linux"]["resources"]["memory"]["limit"] = -1;
    b.config["linux"]["resources"]["pids"]["limit"] = -1;
    b.set_args({"true"});
    std::string id = b.new_id("nolimit");
    b.write_config();
    Result r =
        b.runtime({"--policy", shipped_policy("hardened"), "run", "--bundle", b.bundle_dir, id});
    BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(!contains(r.err, "controller"), "stderr: " << r.err);
}

BOOST_AUTO_TEST_CASE(compat_runs_with_a_warning_per_limit,
                     *utf::precondition(host_lacks_memory_and_pids)) {
    Bundle b;
    ask_for_memory_and_pids(b);
    b.set_args({"/checker", "status"});
    std::string id = b.new_id("compat");
    b.write_config();
    Result r =
        b.runtime({"--policy", shipped_policy("compat"), "run", "--bundle", b.bundle_dir, id});
    BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(contains(r.err, "policy \"compat\": linux.resources.memory.limit needs the memory "
                               "controller"),
               "stderr: " << r.err);
    BOOST_TEST(contains(r.err, "; not applied"), "stderr: " << r.err);
    BOOST_TEST(contains(r.err, "linux.resources.pids.limit needs the pids controller"),
               "stderr: " << r.err);
    BOOST_TEST(value_of(r.out, "pid") == "1", "checker output: " << r.out);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
}

// Engines pass --log and read the file only when a verb fails: a limit
// not applied must reach the caller's stderr anyway.
BOOST_AUTO_TEST_CASE(a_warning_reaches_stderr_with_a_log_file,
                     *utf::precondition(host_lacks_memory_and_pids)) {
    Bundle b;
    ask_for_memory_and_pids(b);
    b.set_args({"true"});
    std::string id = b.new_id("logged");
    std::string log = b.dir + "/ward.log";
    b.write_config();
    Result r = b.runtime({"--log", log, "--log-format", "json", "--policy",
                          shipped_policy("compat"), "run", "--bundle", b.bundle_dir, id});
    BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(contains(r.err, "warning: policy \"compat\": linux.resources.memory.limit needs the "
                               "memory controller"),
               "stderr: " << r.err);
    BOOST_TEST(
        contains(slurp(log),
                 "\"level\":\"warning\",\"msg\":\"policy \\\"compat\\\": linux.resources.memory"),
        "log: " << slurp(log));
}

// --cgroup-manager disabled (podman --cgroups=disabled, crun's flag): no
// cgroup of the container's own; the process stays in the caller's. A limit
// then cannot be applied: refused under hardened, a warning under compat.
BOOST_AUTO_TEST_CASE(cgroup_manager_disabled_runs_in_the_callers_cgroup) {
    Bundle b;
    b.set_args({"/bin/cat", "/proc/self/cgroup"});
    std::string id = b.new_id("nocg");
    b.write_config();
    Result r = b.runtime({"--cgroup-manager", "disabled", "run", "--bundle", b.bundle_dir, id});
    BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
    // The container has no cgroup namespace here: it sees the path of the
    // cgroup it is in, which is the caller's (this test's), never one
    // named after the container.
    BOOST_TEST(!contains(r.out, id), "container cgroup: " << r.out);
    BOOST_TEST(contains(r.out, "0::"), "container cgroup: " << r.out);
    for (const auto& dir : cgroup_dirs_for(id))
        BOOST_TEST(!fs::exists(dir), dir << " was made");

    ask_for_memory_and_pids(b);
    b.config["process"].erase("capabilities");
    b.write_config();
    id = b.new_id("nocg-limit");
    r = b.runtime({"--policy", shipped_policy("hardened"), "--cgroup-manager", "disabled", "run",
                   "--bundle", b.bundle_dir, id});
    BOOST_TEST(r.status == 1, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(contains(r.err, "linux.resources.memory.limit cannot be applied: --cgroup-manager "
                               "disabled gives the container no cgroup"),
               "stderr: " << r.err);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
}

BOOST_AUTO_TEST_CASE(baseline_warns_too, *utf::precondition(host_lacks_memory_and_pids)) {
    Bundle b;
    b.config["linux"]["resources"]["memory"]["limit"] = 67108864;
    b.set_args({"true"});
    std::string id = b.new_id("base");
    b.write_config();
    Result r =
        b.runtime({"--policy", shipped_policy("baseline"), "run", "--bundle", b.bundle_dir, id});
    BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(contains(r.err, "warning: policy \"baseline\": linux.resources.memory.limit needs "
                               "the memory controller"),
               "stderr: " << r.err);
}

BOOST_AUTO_TEST_CASE(invalid_limit_is_refused_before_anything_exists) {
    Bundle b;
    b.config["linux"]["resources"]["memory"]["limit"] = 100;
    b.config["linux"]["resources"]["memory"]["swap"] = 50;
    std::string id = b.new_id("swap");
    Result r = b.run(id);
    BOOST_TEST(r.status == 1, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(contains(r.err, "config.json: linux.resources.memory.swap: 50 is below memory.limit "
                               "100 (swap is memory+swap, so it must be >= the limit)"),
               "stderr: " << r.err);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
}

// update is judged by the policy recorded for the container at create, not
// by one named then (the harness names compat for every call; here also
// WARD_POLICY): a hardened container stays hardened, a compat one compat.
BOOST_AUTO_TEST_CASE(update_is_judged_by_the_policy_recorded_at_create,
                     *utf::precondition(host_lacks_memory_and_pids)) {
    Bundle b;
    b.set_args({"true"});
    // What hardened refuses of the test config; the compat container below
    // keeps it.
    Json full = b.config;
    b.config["process"].erase("capabilities");
    std::string hardened = b.new_id("hard");
    b.write_config();
    Result c = b.runtime(
        {"--policy", shipped_policy("hardened"), "create", "--bundle", b.bundle_dir, hardened});
    BOOST_REQUIRE_MESSAGE(c.status == 0, "create: " << c.err);
    RunOptions compat_env;
    compat_env.env = {"WARD_POLICY=" + shipped_policy("compat")};
    Result r = b.runtime({"update", "--pids-limit", "5", hardened}, compat_env);
    BOOST_TEST(r.status == 1, "update exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(contains(r.err, "policy \"hardened\" (--policy " + shipped_policy("hardened") +
                                   "), recorded for this container at create, refuses this "
                                   "update; "),
               "stderr: " << r.err);
    BOOST_TEST(contains(r.err, "\npolicy \"hardened\": linux.resources.pids.limit needs the "
                               "pids controller"),
               "stderr: " << r.err);
    BOOST_TEST(contains(r.err, "(policy \"compat\") is ignored: update evaluates against policy "
                               "\"hardened\", recorded for this container at create"),
               "stderr: " << r.err);
    BOOST_TEST(!contains(slurp(b.state_dir + "/" + hardened + "/config.json"), "\"pids\""),
               "a refused update changed the saved config");

    b.config = full;
    std::string compat = created_container(b);
    r = b.runtime({"--policy", shipped_policy("hardened"), "update", "--pids-limit", "5", compat});
    BOOST_TEST(r.status == 0, "update exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(contains(r.err, "warning: policy \"compat\": linux.resources.pids.limit needs the "
                               "pids controller"),
               "stderr: " << r.err);
    BOOST_TEST(contains(r.err, "(policy \"hardened\") is ignored: update evaluates against "
                               "policy \"compat\""),
               "stderr: " << r.err);
    Json saved = Json::parse(slurp(b.state_dir + "/" + compat + "/config.json"));
    BOOST_TEST(saved["linux"]["resources"]["pids"]["limit"].dump() == "5",
               "saved config: " << saved["linux"]["resources"].dump());
    BOOST_TEST(b.status(compat) == "created");
}

BOOST_AUTO_TEST_CASE(update_refusals_in_runcs_words) {
    Bundle b;
    Result r = b.runtime({"update", "--memory", "1m", "ward-it-none"});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err, "container does not exist"), "stderr: " << r.err);

    std::string id = created_container(b);
    r = b.runtime({"update", "--memory", "12x", id});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err, "invalid value for memory: invalid size: '12x'"),
               "stderr: " << r.err);
    r = b.runtime({"update", "--cpu-rt-runtime", "950000", id});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err, "linux.resources.cpu.realtimeRuntime: 950000: cgroup v2 has no "
                               "realtime CPU budget"),
               "stderr: " << r.err);
    r = b.runtime({"update", "--pids-limit", "many", id});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err, "invalid value \"many\" for flag -pids-limit: parse error"),
               "stderr: " << r.err);

    BOOST_REQUIRE(b.runtime({"kill", id, "KILL"}).status == 0);
    BOOST_REQUIRE(b.wait_status(id, "stopped"));
    r = b.runtime({"update", "--pids-limit", "5", id});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err, "container not running"), "stderr: " << r.err);
}

BOOST_AUTO_TEST_SUITE_END()
