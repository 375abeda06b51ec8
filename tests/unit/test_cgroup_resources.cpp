// linux.resources → cgroup v2 writes, without root: every conversion runc
// and crun make, every refusal with the message create prints, the merge
// `ward update` does, and the policy's say about a missing controller.
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/cgroups/apply.hpp"
#include "ward/cgroups/resources.hpp"
#include "ward/cgroups/update.hpp"
#include "ward/json/json.hpp"
#include "ward/policy/policy.hpp"
#include "ward/spec/parse.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward;
using cgroups::Plan;
using cgroups::Write;

namespace {

spec::Resources res(const std::string& text) {
    return spec::resources_from_json(json::parse(text), "test");
}

Plan plan(const std::string& text) {
    return cgroups::plan_writes(res(text));
}

// "file=value" for each write, in order.
std::vector<std::string> writes(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& w : plan(text).writes)
        out.push_back(w.file + "=" + w.value);
    return out;
}

std::string refusal(const std::string& text) {
    try {
        plan(text);
    } catch (const Error& e) {
        return e.what();
    }
    return "(accepted)";
}

using Strings = std::vector<std::string>;

} // namespace

BOOST_AUTO_TEST_SUITE(cgroup_resources)

BOOST_AUTO_TEST_CASE(pids_limit) {
    BOOST_TEST(writes(R"({"pids":{"limit":100}})") == Strings{"pids.max=100"});
    BOOST_TEST(writes(R"({"pids":{"limit":0}})") == Strings{"pids.max=max"});
    BOOST_TEST(writes(R"({"pids":{"limit":-1}})") == Strings{"pids.max=max"});
    BOOST_TEST(refusal(R"({"pids":{"limit":-2}})") ==
               "linux.resources.pids.limit: -2 is not a limit (a number of tasks, or 0 or -1 for "
               "none)");
    Write w = plan(R"({"pids":{"limit":100}})").writes[0];
    BOOST_TEST(w.field == "linux.resources.pids.limit");
    BOOST_TEST(w.given == "");
    BOOST_TEST(plan(R"({"pids":{"limit":0}})").writes[0].given == "0");
}

BOOST_AUTO_TEST_CASE(memory_limit_reservation) {
    BOOST_TEST(writes(R"({"memory":{"limit":67108864,"reservation":1048576}})") ==
               (Strings{"memory.max=67108864", "memory.low=1048576"}));
    BOOST_TEST(writes(R"({"memory":{"limit":0,"reservation":0}})") == Strings{});
    // -1 lifts the limit, and swap with it (v1 semantics).
    BOOST_TEST(writes(R"({"memory":{"limit":-1}})") ==
               (Strings{"memory.swap.max=max", "memory.max=max"}));
    BOOST_TEST(writes(R"({"memory":{"reservation":-1}})") == Strings{"memory.low=max"});
    BOOST_TEST(refusal(R"({"memory":{"limit":-2}})") ==
               "linux.resources.memory.limit: -2 is not a limit (bytes, or -1 for none)");
    BOOST_TEST(refusal(R"({"memory":{"reservation":-5}})") ==
               "linux.resources.memory.reservation: -5 is not a limit (bytes, or -1 for none)");
}

// What asks for no limit (a new cgroup's value) is marked so: create
// needs no controller for it. memory.low "max" is a full reservation.
BOOST_AUTO_TEST_CASE(writes_of_the_kernel_default_are_marked) {
    auto defaults = [](const std::string& text) {
        std::vector<std::string> out;
        for (const auto& w : plan(text).writes)
            out.push_back(w.file + (w.is_default ? " default" : " limit"));
        return out;
    };
    BOOST_TEST(defaults(R"({"pids":{"limit":-1}})") == Strings{"pids.max default"});
    BOOST_TEST(defaults(R"({"pids":{"limit":2048}})") == Strings{"pids.max limit"});
    BOOST_TEST(defaults(R"({"memory":{"limit":-1}})") ==
               (Strings{"memory.swap.max default", "memory.max default"}));
    BOOST_TEST(defaults(R"({"memory":{"reservation":-1}})") == Strings{"memory.low limit"});
    BOOST_TEST(defaults(R"({"cpu":{"shares":1024}})") == Strings{"cpu.weight default"});
    BOOST_TEST(defaults(R"({"cpu":{"shares":2}})") == Strings{"cpu.weight limit"});
}

BOOST_AUTO_TEST_CASE(memory_swap_is_memswap_minus_limit) {
    BOOST_TEST(writes(R"({"memory":{"limit":100,"swap":300}})") ==
               (Strings{"memory.swap.max=200", "memory.max=100"}));
    BOOST_TEST(writes(R"({"memory":{"limit":100,"swap":100}})") ==
               (Strings{"memory.swap.max=0", "memory.max=100"}));
    BOOST_TEST(writes(R"({"memory":{"limit":100,"swap":-1}})") ==
               (Strings{"memory.swap.max=max", "memory.max=100"}));
    BOOST_TEST(writes(R"({"memory":{"limit":100}})") == Strings{"memory.max=100"});
    BOOST_TEST(refusal(R"({"memory":{"swap":300}})") ==
               "linux.resources.memory.swap: 300: a swap limit needs memory.limit (swap is "
               "memory+swap)");
    BOOST_TEST(refusal(R"({"memory":{"limit":-1,"swap":300}})") ==
               "linux.resources.memory.swap: 300: a swap limit needs memory.limit (swap is "
               "memory+swap)");
    BOOST_TEST(refusal(R"({"memory":{"limit":300,"swap":100}})") ==
               "linux.resources.memory.swap: 100 is below memory.limit 300 (swap is memory+swap, "
               "so it must be >= the limit)");
    // Lifting swap on a kernel without swap accounting is nothing to do;
    // a real swap limit there is an error.
    BOOST_TEST(plan(R"({"memory":{"limit":100,"swap":-1}})").writes[0].optional);
    BOOST_TEST(!plan(R"({"memory":{"limit":100,"swap":300}})").writes[0].optional);
    Write w = plan(R"({"memory":{"limit":100,"swap":300}})").writes[0];
    BOOST_TEST(w.field == "linux.resources.memory.swap");
    BOOST_TEST(w.given == "300");
}

BOOST_AUTO_TEST_CASE(memory_v1_only_fields_warn) {
    Plan p = plan(R"({"memory":{"limit":100,"kernel":100,"kernelTCP":100,"swappiness":10,
                     "disableOOMKiller":true,"useHierarchy":false}})");
    BOOST_TEST(p.writes.size() == 1u);
    BOOST_REQUIRE(p.warnings.size() == 5u);
    BOOST_TEST(p.warnings[0].starts_with("linux.resources.memory.kernel: "));
    BOOST_TEST(p.warnings[1].starts_with("linux.resources.memory.kernelTCP: "));
    BOOST_TEST(p.warnings[2].starts_with("linux.resources.memory.swappiness: "));
    BOOST_TEST(p.warnings[3] ==
               "linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer "
               "(memory.oom_control is v1 only); the container is OOM-killed at memory.max");
    BOOST_TEST(p.warnings[4] == "linux.resources.memory.useHierarchy: false: cgroup v2 is always "
                                "hierarchical; ignored");
    // What v2 does anyway is no warning.
    BOOST_TEST(
        plan(R"({"memory":{"useHierarchy":true,"disableOOMKiller":false}})").warnings.empty());
}

BOOST_AUTO_TEST_CASE(memory_check_before_update) {
    BOOST_TEST(*plan(R"({"memory":{"limit":100,"checkBeforeUpdate":true}})").refuse_below_usage ==
               100);
    BOOST_TEST(!plan(R"({"memory":{"limit":100}})").refuse_below_usage);
    BOOST_TEST(!plan(R"({"memory":{"limit":-1,"checkBeforeUpdate":true}})").refuse_below_usage);
}

BOOST_AUTO_TEST_CASE(cpu_shares_to_weight) {
    BOOST_TEST(cgroups::cpu_weight_from_shares(0) == 0u);
    BOOST_TEST(cgroups::cpu_weight_from_shares(1) == 1u);
    BOOST_TEST(cgroups::cpu_weight_from_shares(2) == 1u);
    BOOST_TEST(cgroups::cpu_weight_from_shares(512) == 59u);
    BOOST_TEST(cgroups::cpu_weight_from_shares(1024) == 100u);
    BOOST_TEST(cgroups::cpu_weight_from_shares(2048) == 174u);
    BOOST_TEST(cgroups::cpu_weight_from_shares(262143) == 10000u);
    BOOST_TEST(cgroups::cpu_weight_from_shares(1u << 30) == 10000u);
    Write w = plan(R"({"cpu":{"shares":1024}})").writes[0];
    BOOST_TEST(w.file == "cpu.weight");
    BOOST_TEST(w.value == "100");
    BOOST_TEST(w.given == "1024");
    BOOST_TEST(w.field == "linux.resources.cpu.shares");
    BOOST_TEST(writes(R"({"cpu":{"shares":0}})") == Strings{});
}

BOOST_AUTO_TEST_CASE(cpu_quota_period_burst_idle) {
    BOOST_TEST(writes(R"({"cpu":{"quota":50000,"period":200000}})") ==
               Strings{"cpu.max=50000 200000"});
    BOOST_TEST(writes(R"({"cpu":{"quota":50000}})") == Strings{"cpu.max=50000 100000"});
    BOOST_TEST(writes(R"({"cpu":{"quota":-1}})") == Strings{"cpu.max=max 100000"});
    BOOST_TEST(writes(R"({"cpu":{"period":50000}})") == Strings{"cpu.max=max 50000"});
    BOOST_TEST(writes(R"({"cpu":{"quota":0,"period":0}})") == Strings{});
    Plan p = plan(R"({"cpu":{"quota":50000,"burst":10000}})");
    BOOST_TEST((p.writes[0].file == "cpu.max.burst" && p.writes[0].retry_after_rest));
    BOOST_TEST(p.writes[1].file == "cpu.max");
    BOOST_TEST(!plan(R"({"cpu":{"burst":10000}})").writes[0].retry_after_rest);
    BOOST_TEST(writes(R"({"cpu":{"idle":1}})") == Strings{"cpu.idle=1"});
    // An idle cgroup has no weight: the shares are said to be unused.
    p = plan(R"({"cpu":{"idle":1,"shares":1024}})");
    BOOST_TEST(p.writes.size() == 1u);
    BOOST_TEST(p.warnings == Strings{"linux.resources.cpu.shares: 1024 not applied: an idle "
                                     "cgroup (cpu.idle 1) has no weight"});
    BOOST_TEST(writes(R"({"cpu":{"idle":0,"shares":1024}})") ==
               (Strings{"cpu.idle=0", "cpu.weight=100"}));
    BOOST_TEST(refusal(R"({"cpu":{"quota":-2}})") ==
               "linux.resources.cpu.quota: -2 is not a quota (microseconds, or -1 for none)");
}

BOOST_AUTO_TEST_CASE(cpu_realtime_refused) {
    BOOST_TEST(refusal(R"({"cpu":{"realtimeRuntime":950000}})") ==
               "linux.resources.cpu.realtimeRuntime: 950000: cgroup v2 has no realtime CPU budget "
               "(cpu.rt_runtime_us is v1 only)");
    BOOST_TEST(refusal(R"({"cpu":{"realtimePeriod":1000000}})") ==
               "linux.resources.cpu.realtimePeriod: 1000000: cgroup v2 has no realtime CPU budget "
               "(cpu.rt_period_us is v1 only)");
    // runc's update sends zeros for what it does not change.
    BOOST_TEST(writes(R"({"cpu":{"realtimeRuntime":0,"realtimePeriod":0}})") == Strings{});
}

BOOST_AUTO_TEST_CASE(cpuset) {
    BOOST_TEST(writes(R"({"cpu":{"cpus":"0-3","mems":"0"}})") ==
               (Strings{"cpuset.cpus=0-3", "cpuset.mems=0"}));
    Plan p = plan(R"({"cpu":{"cpus":"1","shares":1024}})");
    BOOST_TEST(p.writes[0].file == "cpu.weight"); // cpu before cpuset, as runc
    BOOST_TEST(p.writes[1].field == "linux.resources.cpu.cpus");
}

BOOST_AUTO_TEST_CASE(block_io_weight) {
    BOOST_TEST(cgroups::io_weight_from_blkio(10) == 1u);
    BOOST_TEST(cgroups::io_weight_from_blkio(500) == 4950u);
    BOOST_TEST(cgroups::io_weight_from_blkio(1000) == 10000u);
    Write w = plan(R"({"blockIO":{"weight":500}})").writes[0];
    BOOST_TEST(w.file == "io.bfq.weight");
    BOOST_TEST(w.value == "500");
    BOOST_TEST(w.fallback_file == "io.weight");
    BOOST_TEST(w.fallback_value == "4950");
    w = plan(R"({"blockIO":{"weightDevice":[{"major":8,"minor":16,"weight":100}]}})").writes[0];
    BOOST_TEST(w.value == "8:16 100");
    BOOST_TEST(w.fallback_value == "8:16 910");
    BOOST_TEST(w.field == "linux.resources.blockIO.weightDevice[0].weight");
    BOOST_TEST(writes(R"({"blockIO":{"weight":0}})") == Strings{});
    BOOST_TEST(refusal(R"({"blockIO":{"weight":5}})") ==
               "linux.resources.blockIO.weight: 5 is not a weight (10 to 1000)");
    BOOST_TEST(refusal(R"({"blockIO":{"weightDevice":[{"major":8,"minor":0,"weight":2000}]}})") ==
               "linux.resources.blockIO.weightDevice[0].weight: 2000 is not a weight (10 to "
               "1000)");
    BOOST_TEST(refusal(R"({"blockIO":{"leafWeight":300}})") ==
               "linux.resources.blockIO.leafWeight: 300: cgroup v2 has no leaf weight "
               "(blkio.leaf_weight is v1 only)");
    BOOST_TEST(
        refusal(R"({"blockIO":{"weightDevice":[{"major":8,"minor":0,"leafWeight":300}]}})") ==
        "linux.resources.blockIO.weightDevice[0].leafWeight: 300: cgroup v2 has no leaf "
        "weight (v1 only)");
}

BOOST_AUTO_TEST_CASE(block_io_throttles) {
    BOOST_TEST(writes(R"({"blockIO":{
        "throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1048576}],
        "throttleWriteBpsDevice":[{"major":8,"minor":0,"rate":2097152}],
        "throttleReadIOPSDevice":[{"major":8,"minor":0,"rate":0}],
        "throttleWriteIOPSDevice":[{"major":254,"minor":1,"rate":100}]}})") ==
               (Strings{"io.max=8:0 rbps=1048576", "io.max=8:0 wbps=2097152",
                        "io.max=8:0 riops=max", "io.max=254:1 wiops=100"}));
    BOOST_TEST(plan(R"({"blockIO":{"throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1}]}})")
                   .writes[0]
                   .field == "linux.resources.blockIO.throttleReadBpsDevice[0].rate");
    BOOST_TEST(
        refusal(R"({"blockIO":{"throttleReadBpsDevice":[{"major":-1,"minor":0,"rate":1}]}})") ==
        "linux.resources.blockIO.throttleReadBpsDevice[0]: -1:0 is not a device number");
}

BOOST_AUTO_TEST_CASE(hugetlb_and_rdma) {
    Plan p = plan(R"({"hugepageLimits":[{"pageSize":"2MB","limit":4194304}]})");
    BOOST_TEST(writes(R"({"hugepageLimits":[{"pageSize":"2MB","limit":4194304}]})") ==
               (Strings{"hugetlb.2MB.max=4194304", "hugetlb.2MB.rsvd.max=4194304"}));
    BOOST_TEST(!p.writes[0].optional);
    BOOST_TEST(p.writes[1].optional);
    BOOST_TEST(p.writes[0].field == "linux.resources.hugepageLimits[0].limit");
    BOOST_TEST(
        writes(R"({"rdma":{"mlx4_0":{"hcaHandles":2,"hcaObjects":3},"mlx5":{"hcaObjects":9}}})") ==
        (Strings{"rdma.max=mlx4_0 hca_handle=2 hca_object=3", "rdma.max=mlx5 hca_object=9"}));
    BOOST_TEST(refusal(R"({"rdma":{"mlx4_0":{}}})") ==
               "linux.resources.rdma[\"mlx4_0\"]: sets neither hcaHandles nor hcaObjects");
    BOOST_TEST(refusal(R"({"rdma":{"a b":{"hcaHandles":1}}})") ==
               "linux.resources.rdma[\"a b\"]: not an RDMA device name");
}

BOOST_AUTO_TEST_CASE(network_warns) {
    Plan p = plan(R"({"network":{"classID":1048577}})");
    BOOST_TEST(p.writes.empty());
    BOOST_REQUIRE(p.warnings.size() == 1u);
    BOOST_TEST(p.warnings[0].starts_with("linux.resources.network: cgroup v2 has no "
                                         "net_cls/net_prio controller"));
}

BOOST_AUTO_TEST_CASE(unified_after_typed_fields) {
    BOOST_TEST(
        writes(R"({"unified":{"memory.high":"1000000","io.max":"8:0 rbps=1\n8:16 wbps=2\n"},
                         "pids":{"limit":5}})") ==
        (Strings{"pids.max=5", "io.max=8:0 rbps=1", "io.max=8:16 wbps=2", "memory.high=1000000"}));
    Write w = plan(R"({"unified":{"memory.high":"1"}})").writes[0];
    BOOST_TEST(w.field == "linux.resources.unified[\"memory.high\"]");
    BOOST_TEST(writes(R"({"unified":{"cgroup.max.depth":"3"}})") == Strings{"cgroup.max.depth=3"});
}

BOOST_AUTO_TEST_CASE(unified_keys_refused) {
    const std::string shape =
        ": not a cgroup interface file name (a plain name, no \"/\" or \"..\")";
    BOOST_TEST(refusal(R"({"unified":{"../memory.max":"1"}})") ==
               "linux.resources.unified[\"../memory.max\"]" + shape);
    BOOST_TEST(refusal(R"({"unified":{"sub/memory.max":"1"}})") ==
               "linux.resources.unified[\"sub/memory.max\"]" + shape);
    BOOST_TEST(refusal(R"({"unified":{"..":"1"}})") == "linux.resources.unified[\"..\"]" + shape);
    BOOST_TEST(refusal(R"({"unified":{"memory":"1"}})") ==
               "linux.resources.unified[\"memory\"]: not a cgroup interface file name "
               "(CONTROLLER.PARAMETER)");
    BOOST_TEST(refusal(R"({"unified":{"memory.max\n":"1"}})") ==
               "linux.resources.unified[\"memory.max\\x0a\"]: not a cgroup interface file name (no "
               "spaces or control characters)");
    BOOST_TEST(refusal(R"({"unified":{"cgroup.procs":"1"}})") ==
               "linux.resources.unified[\"cgroup.procs\"]: not a resource limit (of the cgroup.* "
               "files only cgroup.max.depth and cgroup.max.descendants are)");
    BOOST_TEST(refusal(R"({"unified":{"cgroup.kill":"1"}})").find("not a resource limit") !=
               std::string::npos);
    BOOST_TEST(refusal(R"({"unified":{"memory.high":"\n"}})") ==
               "linux.resources.unified[\"memory.high\"]: empty value");
}

BOOST_AUTO_TEST_CASE(order_is_runcs) {
    Plan p = plan(R"({"unified":{"memory.high":"1"},"rdma":{"d":{"hcaHandles":1}},
        "hugepageLimits":[{"pageSize":"2MB","limit":1}],"cpu":{"shares":2,"cpus":"0"},
        "blockIO":{"weight":10},"memory":{"limit":1},"pids":{"limit":1}})");
    Strings files;
    for (const auto& w : p.writes)
        files.push_back(w.file);
    BOOST_TEST(files ==
               (Strings{"pids.max", "memory.max", "io.bfq.weight", "cpu.weight", "cpuset.cpus",
                        "hugetlb.2MB.max", "hugetlb.2MB.rsvd.max", "rdma.max", "memory.high"}));
    BOOST_TEST(cgroups::controllers_of(p.writes) ==
               (Strings{"pids", "memory", "io", "cpu", "cpuset", "hugetlb", "rdma"}));
}

BOOST_AUTO_TEST_CASE(controller_of_a_file) {
    Write w;
    w.file = "memory.swap.max";
    BOOST_TEST(w.controller() == "memory");
    w.file = "cgroup.max.depth";
    BOOST_TEST(w.controller() == "");
    Plan p =
        plan(R"({"memory":{"limit":1},"pids":{"limit":1},"unified":{"cgroup.max.depth":"2"}})");
    cgroups::Split s = cgroups::split_by_controller(p.writes, {"hugetlb", "pids"});
    BOOST_TEST(s.applicable.size() == 2u); // pids.max, cgroup.max.depth
    BOOST_REQUIRE(s.unavailable.size() == 1u);
    BOOST_TEST(s.unavailable[0].file == "memory.max");
}

BOOST_AUTO_TEST_CASE(update_merges_into_the_config) {
    spec::Resources current =
        res(R"({"memory":{"limit":100,"swap":300,"reservation":10,"checkBeforeUpdate":true},
               "cpu":{"quota":20000,"period":50000,"shares":1024},
               "blockIO":{"throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1},
                                                   {"major":8,"minor":16,"rate":2}]},
               "hugepageLimits":[{"pageSize":"2MB","limit":1}],
               "unified":{"memory.high":"50","pids.max":"9"},
               "devices":[{"allow":false,"access":"rwm"}]})");
    cgroups::Update u =
        cgroups::plan_update(current, res(R"({"memory":{"limit":200},"cpu":{"quota":30000},
                        "blockIO":{"throttleReadBpsDevice":[{"major":8,"minor":16,"rate":5},
                                                            {"major":9,"minor":0,"rate":7}]},
                        "hugepageLimits":[{"pageSize":"1GB","limit":2}],
                        "unified":{"memory.high":"60"},
                        "devices":[{"allow":true,"access":"rwm"}]})"));
    const spec::Resources& m = u.merged;
    BOOST_TEST(*m.memory->limit == 200);
    BOOST_TEST(*m.memory->swap == 300);
    BOOST_TEST(*m.memory->reservation == 10);
    BOOST_TEST(*m.cpu->quota == 30000);
    BOOST_TEST(*m.cpu->period == 50000u);
    BOOST_TEST(*m.cpu->shares == 1024u);
    BOOST_REQUIRE(m.block_io->throttle_read_bps_device.size() == 3u);
    BOOST_TEST(m.block_io->throttle_read_bps_device[0].rate == 1u);
    BOOST_TEST(m.block_io->throttle_read_bps_device[1].rate == 5u);
    BOOST_TEST(m.block_io->throttle_read_bps_device[2].major == 9);
    BOOST_TEST(m.hugepage_limits.size() == 2u);
    BOOST_TEST(m.unified.at("memory.high") == "60");
    BOOST_TEST(m.unified.at("pids.max") == "9");
    BOOST_TEST(m.devices.size() == 1u); // update leaves device rules alone
    BOOST_TEST(m.devices[0].allow == false);

    // What is written: swap recomputed from the kept memory+swap, cpu.max
    // from the kept period, the usage check from the config.
    Plan p = cgroups::plan_writes(u.delta);
    Strings got;
    for (const auto& w : p.writes)
        got.push_back(w.file + "=" + w.value);
    BOOST_TEST(got == (Strings{"memory.swap.max=100", "memory.max=200", "io.max=8:16 rbps=5",
                               "io.max=9:0 rbps=7", "cpu.max=30000 50000", "hugetlb.1GB.max=2",
                               "hugetlb.1GB.rsvd.max=2", "memory.high=60"}));
    BOOST_TEST(*p.refuse_below_usage == 200);
}

BOOST_AUTO_TEST_CASE(update_lifting_memory_lifts_swap) {
    cgroups::Update u = cgroups::plan_update(res(R"({"memory":{"limit":100,"swap":300}})"),
                                             res(R"({"memory":{"limit":-1}})"));
    BOOST_TEST(!u.merged.memory->swap);
    Strings got;
    for (const auto& w : cgroups::plan_writes(u.delta).writes)
        got.push_back(w.file + "=" + w.value);
    BOOST_TEST(got == (Strings{"memory.swap.max=max", "memory.max=max"}));
}

BOOST_AUTO_TEST_CASE(update_of_an_unlimited_container) {
    cgroups::Update u = cgroups::plan_update(spec::Resources{}, res(R"({"pids":{"limit":7}})"));
    BOOST_TEST(*u.merged.pids->limit == 7);
    BOOST_TEST(cgroups::plan_writes(u.delta).writes.size() == 1u);
    // Raising the limit above the kept memory+swap is refused, as Docker does.
    u = cgroups::plan_update(res(R"({"memory":{"limit":100,"swap":150}})"),
                             res(R"({"memory":{"limit":200}})"));
    BOOST_CHECK_THROW(cgroups::plan_writes(u.delta), Error);
}

BOOST_AUTO_TEST_CASE(policy_on_unavailable_limits) {
    auto parse = [](const std::string& text) { return policy::parse_policy(text, "p.json"); };
    std::vector<policy::UnavailableLimit> limits = {{"linux.resources.memory.limit", "memory"},
                                                    {"linux.resources.memory.limit", "memory"},
                                                    {"linux.resources.pids.limit", "pids"}};
    policy::Policy none = parse(R"({"name":"none"})");
    auto f = policy::evaluate_unavailable(none, limits, "/sys/fs/cgroup/unified", {"hugetlb"});
    BOOST_REQUIRE(f.size() == 2u);                        // one per field
    BOOST_TEST((f[0].action == policy::Action::enforce)); // no rule: never dropped silently
    BOOST_TEST(f[0].rule == "unavailableLimits");
    BOOST_TEST(f[0].message ==
               "policy \"none\": linux.resources.memory.limit needs the memory controller, which "
               "the cgroup2 hierarchy at /sys/fs/cgroup/unified does not have (it has: hugetlb)");
    policy::Policy warn = parse(R"({"name":"w","rules":{"unavailableLimits":{"action":"warn"}}})");
    f = policy::evaluate_unavailable(warn, limits, "/sys/fs/cgroup", {});
    BOOST_TEST((f[1].action == policy::Action::warn));
    BOOST_TEST(f[1].message ==
               "policy \"w\": linux.resources.pids.limit needs the pids controller, which the "
               "cgroup2 hierarchy at /sys/fs/cgroup does not have (it has: none); not applied");
    BOOST_TEST(json::serialize(policy::policy_to_json(warn)) ==
               R"({"name":"w","rules":{"unavailableLimits":{"action":"warn"}}})");
    BOOST_CHECK_THROW(
        parse(R"({"name":"x","rules":{"unavailableLimits":{"action":"warn","x":1}}})"), Error);
}

BOOST_AUTO_TEST_CASE(shipped_policies_on_unavailable_limits) {
    auto action = [](const std::string& name) {
        std::string path = "contrib/policies/" + name + ".json";
        auto p = policy::parse_policy(read_file(path), path);
        BOOST_REQUIRE(p.unavailable_limits);
        return p.unavailable_limits->action;
    };
    BOOST_TEST((action("hardened") == policy::Action::enforce));
    BOOST_TEST((action("baseline") == policy::Action::warn));
    BOOST_TEST((action("compat") == policy::Action::warn));
}

BOOST_AUTO_TEST_SUITE_END()
