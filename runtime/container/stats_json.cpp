#include "stats_json.hpp"

#include <algorithm>

namespace ward::container {
namespace {

using json::Value;

// Go's omitempty: a zero number is not written.
void set_nonzero(Value& obj, const char* key, uint64_t v) {
    if (v != 0)
        obj.set(key, Value(static_cast<unsigned long long>(v)));
}

Value number(uint64_t v) {
    return Value(static_cast<unsigned long long>(v));
}

// types.MemoryEntry: limit and failcnt always, usage and max when non-zero.
Value memory_entry(const cgroups::MemoryData& d) {
    auto e = Value::object();
    e.set("limit", number(d.limit));
    set_nonzero(e, "usage", d.usage);
    set_nonzero(e, "max", d.max_usage);
    e.set("failcnt", number(d.failcnt));
    return e;
}

Value cpu_json(const cgroups::CpuStats& c) {
    auto usage = Value::object();
    set_nonzero(usage, "total", c.total_ns);
    usage.set("kernel", number(c.kernel_ns));
    usage.set("user", number(c.user_ns));
    auto throttling = Value::object();
    set_nonzero(throttling, "periods", c.periods);
    set_nonzero(throttling, "throttledPeriods", c.throttled_periods);
    set_nonzero(throttling, "throttledTime", c.throttled_ns);
    auto cpu = Value::object();
    cpu.set("usage", std::move(usage));
    cpu.set("throttling", std::move(throttling));
    return cpu;
}

// cgroup v2 has none of cgroup v1's cpuset flags; runc prints them as 0.
Value cpuset_json() {
    auto cpuset = Value::object();
    for (const char* key : {"cpu_exclusive", "mem_hardwall", "mem_exclusive", "memory_migrate",
                            "memory_spread_page", "memory_spread_slab", "memory_pressure",
                            "sched_load_balance", "sched_relax_domain_level"})
        cpuset.set(key, 0);
    return cpuset;
}

Value memory_json(const cgroups::MemoryStats& m) {
    auto memory = Value::object();
    set_nonzero(memory, "cache", m.cache);
    memory.set("usage", memory_entry(m.usage));
    memory.set("swap", memory_entry(m.swap));
    // Kernel memory is not accounted apart on cgroup v2.
    memory.set("kernel", memory_entry({}));
    memory.set("kernelTCP", memory_entry({}));
    if (!m.raw.empty()) {
        auto sorted = m.raw;
        std::sort(sorted.begin(), sorted.end());
        auto raw = Value::object();
        for (const auto& [k, v] : sorted)
            raw.set(k, number(v));
        memory.set("raw", std::move(raw));
    }
    return memory;
}

Value blkio_table(const std::vector<cgroups::BlkioEntry>& entries) {
    auto table = Value::array();
    for (const auto& e : entries) {
        auto entry = Value::object();
        set_nonzero(entry, "major", e.major);
        set_nonzero(entry, "minor", e.minor);
        if (!e.op.empty())
            entry.set("op", e.op);
        set_nonzero(entry, "value", e.value);
        table.push(std::move(entry));
    }
    return table;
}

Value blkio_json(const cgroups::BlkioStats& b) {
    auto blkio = Value::object();
    if (!b.service_bytes.empty())
        blkio.set("ioServiceBytesRecursive", blkio_table(b.service_bytes));
    if (!b.serviced.empty())
        blkio.set("ioServicedRecursive", blkio_table(b.serviced));
    return blkio;
}

Value hugetlb_json(const std::map<std::string, cgroups::HugetlbStats>& h) {
    auto hugetlb = Value::object();
    for (const auto& [size, s] : h) { // std::map: sorted, as Go prints map keys
        auto entry = Value::object();
        set_nonzero(entry, "usage", s.usage);
        entry.set("failcnt", number(s.failcnt));
        hugetlb.set(size, std::move(entry));
    }
    return hugetlb;
}

} // namespace

json::Value stats_json(const cgroups::Stats& stats) {
    auto data = Value::object();
    data.set("cpu", cpu_json(stats.cpu));
    data.set("cpuset", cpuset_json());
    data.set("memory", memory_json(stats.memory));
    auto pids = Value::object();
    set_nonzero(pids, "current", stats.pids.current);
    set_nonzero(pids, "limit", stats.pids.limit);
    data.set("pids", std::move(pids));
    data.set("blkio", blkio_json(stats.blkio));
    data.set("hugetlb", hugetlb_json(stats.hugetlb));
    data.set("intel_rdt", Value::object());
    data.set("network_interfaces", Value());
    return data;
}

json::Value stats_event(const std::string& id, const cgroups::Stats& stats) {
    auto event = Value::object();
    event.set("type", "stats");
    event.set("id", id);
    event.set("data", stats_json(stats));
    return event;
}

json::Value oom_event(const std::string& id) {
    auto event = Value::object();
    event.set("type", "oom");
    event.set("id", id);
    return event;
}

} // namespace ward::container
