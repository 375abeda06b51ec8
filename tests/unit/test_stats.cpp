// cgroup v2 stats as `ward events` reports them: read from a cgroup dir's
// interface files (here a plain directory with the same files), printed in
// runc's JSON shape. A missing file leaves its part zero, never an error.
#include "../../runtime/container/stats_json.hpp"
#include "ward/base/error.hpp"
#include "ward/cgroups/stats.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

using namespace ward;
namespace fs = std::filesystem;

namespace {

struct FakeCgroup {
    std::string dir;
    FakeCgroup() {
        char tmpl[] = "/tmp/ward-stats-XXXXXX";
        BOOST_REQUIRE(::mkdtemp(tmpl));
        dir = tmpl;
    }
    ~FakeCgroup() { fs::remove_all(dir); }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(dir + "/" + name) << text;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(cgroup_stats)

// A dir with no controller files at all (this build host's cgroup2 dirs
// have little more): the shape is complete, every figure zero or absent.
BOOST_AUTO_TEST_CASE(missing_files_leave_parts_empty) {
    FakeCgroup cg;
    auto stats = cgroups::read_stats(cg.dir);
    BOOST_TEST(!stats.memory.present);
    BOOST_TEST(json::serialize(container::stats_event("c1", stats)) ==
               R"({"type":"stats","id":"c1","data":{"cpu":{"usage":{"kernel":0,"user":0},)"
               R"("throttling":{}},"cpuset":{"cpu_exclusive":0,"mem_hardwall":0,)"
               R"("mem_exclusive":0,"memory_migrate":0,"memory_spread_page":0,)"
               R"("memory_spread_slab":0,"memory_pressure":0,"sched_load_balance":0,)"
               R"("sched_relax_domain_level":0},"memory":{"usage":{"limit":0,"failcnt":0},)"
               R"("swap":{"limit":0,"failcnt":0},"kernel":{"limit":0,"failcnt":0},)"
               R"("kernelTCP":{"limit":0,"failcnt":0}},"pids":{},"blkio":{},"hugetlb":{},)"
               R"("intel_rdt":{},"network_interfaces":null}})");
    BOOST_TEST(!cgroups::oom_kill_count(cg.dir).has_value());
}

BOOST_AUTO_TEST_CASE(every_controller_converted_as_runc_does) {
    FakeCgroup cg;
    cg.write("cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 7\n"
                         "nr_throttled 3\nthrottled_usec 20\nnr_bursts 0\n");
    cg.write("memory.current", "4096\n");
    cg.write("memory.max", "max\n");
    cg.write("memory.peak", "8192\n");
    cg.write("memory.swap.current", "100\n");
    cg.write("memory.swap.max", "max\n");
    cg.write("memory.stat", "file 12\nanon 34\n");
    cg.write("memory.events", "low 0\nhigh 0\nmax 5\noom 2\noom_kill 2\n");
    cg.write("pids.current", "3\n");
    cg.write("pids.max", "max\n");
    cg.write("cgroup.procs", "1\n2\n");
    cg.write("io.stat", "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n");
    cg.write("hugetlb.2MB.current", "0\n");
    cg.write("hugetlb.2MB.rsvd.current", "2097152\n");
    cg.write("hugetlb.2MB.rsvd.events", "max 1\n");
    cg.write("hugetlb.1GB.current", "0\n");
    cg.write("hugetlb.1GB.events", "max 0\n");

    auto stats = cgroups::read_stats(cg.dir);
    BOOST_TEST(cgroups::oom_kill_count(cg.dir).value_or(99) == 2u);
    json::Value data = container::stats_json(stats);
    BOOST_TEST(json::serialize(*data.find("cpu")) ==
               R"({"usage":{"total":1500000,"kernel":500000,"user":1000000},)"
               R"("throttling":{"periods":7,"throttledPeriods":3,"throttledTime":20000}})");
    // swap is memory+swap (cgroup v1's meaning); "max" is 2^64-1.
    BOOST_TEST(json::serialize(*data.find("memory")) ==
               R"({"cache":12,"usage":{"limit":18446744073709551615,"usage":4096,"max":8192,)"
               R"("failcnt":5},"swap":{"limit":18446744073709551615,"usage":4196,"failcnt":0},)"
               R"("kernel":{"limit":0,"failcnt":0},"kernelTCP":{"limit":0,"failcnt":0},)"
               R"("raw":{"anon":34,"file":12}})");
    // pids.max "max" is 0, as runc reports no limit.
    BOOST_TEST(json::serialize(*data.find("pids")) == R"({"current":3})");
    BOOST_TEST(json::serialize(*data.find("blkio")) ==
               R"({"ioServiceBytesRecursive":[{"major":8,"op":"Read","value":10},)"
               R"({"major":8,"op":"Write","value":20}],"ioServicedRecursive":[)"
               R"({"major":8,"op":"Read","value":1},{"major":8,"op":"Write","value":2}]})");
    BOOST_TEST(json::serialize(*data.find("hugetlb")) ==
               R"({"1GB":{"failcnt":0},"2MB":{"usage":2097152,"failcnt":1}})");
}

BOOST_AUTO_TEST_CASE(limits_and_the_pids_fallback) {
    FakeCgroup cg;
    cg.write("memory.current", "10\n");
    cg.write("memory.max", "1000\n");
    cg.write("memory.swap.max", "500\n");
    cg.write("cgroup.procs", "11\n12\n13\n");
    auto stats = cgroups::read_stats(cg.dir);
    BOOST_TEST(stats.memory.usage.limit == 1000u);
    BOOST_TEST(stats.memory.swap.limit == 1500u);
    BOOST_TEST(stats.memory.swap.usage == 10u);
    // No pids controller: the processes are counted, no limit.
    BOOST_TEST(stats.pids.current == 3u);
    BOOST_TEST(stats.pids.limit == 0u);
    cg.write("pids.current", "2\n");
    cg.write("pids.max", "64\n");
    stats = cgroups::read_stats(cg.dir);
    BOOST_TEST(stats.pids.current == 2u);
    BOOST_TEST(stats.pids.limit == 64u);
}

BOOST_AUTO_TEST_CASE(a_malformed_file_is_an_error_naming_it) {
    FakeCgroup cg;
    cg.write("memory.current", "lots\n");
    try {
        cgroups::read_stats(cg.dir);
        BOOST_FAIL("no error");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "parse " + cg.dir + "/memory.current: \"lots\" is not a number");
    }
}

BOOST_AUTO_TEST_CASE(oom_event_has_no_data) {
    BOOST_TEST(json::serialize(container::oom_event("c1")) == R"({"type":"oom","id":"c1"})");
}

BOOST_AUTO_TEST_SUITE_END()
