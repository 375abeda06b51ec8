// linux.resources → cgroup v2 writes (the table is in resources.hpp). The
// order follows runc's fs2 driver: pids, memory, io, cpu, cpuset, hugetlb,
// rdma, then the unified map, so a unified key overrides a typed field.
#include "ward/cgroups/resources.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>
#include <cmath>

namespace ward::cgroups {
namespace {

const std::string kPrefix = "linux.resources.";

std::string num(int64_t v) {
    return std::to_string(v);
}

// -1 → "max" for the .max/.low files (v1 wrote -1 to lift a limit).
std::string max_or(int64_t v) {
    return v == -1 ? "max" : num(v);
}

[[noreturn]] void refuse(const std::string& field, const std::string& why) {
    fail(kPrefix + field + ": " + why);
}

// Whether `value` is what the kernel gives a new cgroup in `file`.
bool kernel_default(const std::string& file, const std::string& value) {
    if (file == "pids.max" || file == "memory.max" || file == "memory.swap.max" ||
        file == "memory.high")
        return value == "max";
    if (file == "cpu.weight")
        return value == "100";
    if (file == "cpu.max")
        return value.rfind("max ", 0) == 0 || value == "max";
    return false;
}

class Planner {
  public:
    explicit Planner(Plan& plan) : plan_(plan) {}

    Write& add(std::string file, std::string value, const std::string& field,
               std::string given = "") {
        Write w;
        w.file = std::move(file);
        w.value = std::move(value);
        w.field = kPrefix + field;
        if (given != w.value)
            w.given = std::move(given);
        w.is_default = kernel_default(w.file, w.value);
        plan_.writes.push_back(std::move(w));
        return plan_.writes.back();
    }
    void warn(const std::string& field, const std::string& why) {
        plan_.warnings.push_back(kPrefix + field + ": " + why);
    }

  private:
    Plan& plan_;
};

void plan_pids(const spec::PidsResources& pids, Planner& p) {
    if (!pids.limit)
        return;
    int64_t limit = *pids.limit;
    if (limit < -1)
        refuse("pids.limit",
               num(limit) + " is not a limit (a number of tasks, or 0 or -1 for none)");
    // runtime-spec 1.2.1: 0 and -1 both mean "no limit", as runc treats them.
    p.add("pids.max", limit <= 0 ? "max" : num(limit), "pids.limit", num(limit));
}

void check_memory_value(const char* field, const std::optional<int64_t>& v) {
    if (v && *v < -1)
        refuse(std::string("memory.") + field, num(*v) + " is not a limit (bytes, or -1 for none)");
}

void plan_memory(const spec::MemoryResources& m, Planner& p, Plan& plan) {
    check_memory_value("limit", m.limit);
    check_memory_value("reservation", m.reservation);
    check_memory_value("swap", m.swap);
    int64_t limit = m.limit.value_or(0);
    int64_t swap = m.swap.value_or(0);
    // runc writes swap first: lowering both at once must not leave swap
    // above a limit that no longer exists in v1 terms. In v2 they are
    // independent, but the order keeps errors in runc's order.
    if (auto value = swap_max(swap, limit))
        p.add("memory.swap.max", *value, m.swap ? "memory.swap" : "memory.limit",
              m.swap ? num(swap) : num(limit))
            .optional = *value == "max"; // no swap accounting: nothing to lift
    if (limit != 0)
        p.add("memory.max", max_or(limit), "memory.limit");
    if (m.reservation && *m.reservation != 0)
        p.add("memory.low", max_or(*m.reservation), "memory.reservation");
    if (m.check_before_update.value_or(false) && limit > 0)
        plan.refuse_below_usage = limit;

    // Fields of the v1 memory controller that v2 has no file for. runc
    // accepts them (and warns about the kernel ones); ward says so for each.
    if (m.kernel)
        p.warn("memory.kernel", "kernel memory limits do not exist in cgroup v2 (kernel memory "
                                "is part of memory.max); ignored");
    if (m.kernel_tcp)
        p.warn("memory.kernelTCP", "kernel TCP memory limits do not exist in cgroup v2 (TCP "
                                   "buffers are part of memory.max); ignored");
    if (m.swappiness)
        p.warn("memory.swappiness",
               "cgroup v2 has no per-cgroup swappiness (memory.swappiness is v1 only); ignored");
    if (m.disable_oom_killer.value_or(false))
        p.warn("memory.disableOOMKiller",
               "cgroup v2 cannot disable the OOM killer (memory.oom_control is v1 only); the "
               "container is OOM-killed at memory.max");
    if (m.use_hierarchy && !*m.use_hierarchy)
        p.warn("memory.useHierarchy", "false: cgroup v2 is always hierarchical; ignored");
}

void check_device(const std::string& field, int64_t major, int64_t minor) {
    if (major < 0 || minor < 0)
        refuse(field, num(major) + ":" + num(minor) + " is not a device number");
}

std::string device(int64_t major, int64_t minor) {
    return num(major) + ":" + num(minor);
}

uint16_t checked_weight(const std::string& field, uint16_t w) {
    if (w < 10 || w > 1000)
        refuse(field, std::to_string(w) + " is not a weight (10 to 1000)");
    return w;
}

void plan_io(const spec::BlockIoResources& b, Planner& p) {
    if (b.weight && *b.weight != 0) {
        uint16_t w = checked_weight("blockIO.weight", *b.weight);
        // BFQ takes the v1 range as is; io.weight (iocost) has 1..10000.
        Write& write = p.add("io.bfq.weight", std::to_string(w), "blockIO.weight");
        write.fallback_file = "io.weight";
        write.fallback_value = std::to_string(io_weight_from_blkio(w));
    }
    if (b.leaf_weight && *b.leaf_weight != 0)
        refuse("blockIO.leafWeight", std::to_string(*b.leaf_weight) +
                                         ": cgroup v2 has no leaf weight (blkio.leaf_weight "
                                         "is v1 only)");
    for (size_t i = 0; i < b.weight_device.size(); ++i) {
        const auto& d = b.weight_device[i];
        std::string field = "blockIO.weightDevice[" + std::to_string(i) + "]";
        check_device(field, d.major, d.minor);
        if (d.leaf_weight && *d.leaf_weight != 0)
            refuse(field + ".leafWeight",
                   std::to_string(*d.leaf_weight) + ": cgroup v2 has no leaf weight (v1 only)");
        if (!d.weight || *d.weight == 0)
            continue;
        uint16_t w = checked_weight(field + ".weight", *d.weight);
        Write& write = p.add("io.bfq.weight", device(d.major, d.minor) + " " + std::to_string(w),
                             field + ".weight", std::to_string(w));
        write.fallback_file = "io.weight";
        write.fallback_value =
            device(d.major, d.minor) + " " + std::to_string(io_weight_from_blkio(w));
    }
    const std::pair<const char*, const std::vector<spec::ThrottleDevice>* const> throttles[] = {
        {"rbps", &b.throttle_read_bps_device},
        {"wbps", &b.throttle_write_bps_device},
        {"riops", &b.throttle_read_iops_device},
        {"wiops", &b.throttle_write_iops_device},
    };
    const char* names[] = {"throttleReadBpsDevice", "throttleWriteBpsDevice",
                           "throttleReadIOPSDevice", "throttleWriteIOPSDevice"};
    for (size_t k = 0; k < 4; ++k) {
        const auto& [key, list] = throttles[k];
        for (size_t i = 0; i < list->size(); ++i) {
            const auto& t = (*list)[i];
            std::string field = std::string("blockIO.") + names[k] + "[" + std::to_string(i) + "]";
            check_device(field, t.major, t.minor);
            // A v1 throttle of 0 meant "no throttle"; io.max says "max".
            std::string rate = t.rate == 0 ? "max" : std::to_string(t.rate);
            p.add("io.max", device(t.major, t.minor) + " " + key + "=" + rate, field + ".rate",
                  std::to_string(t.rate));
        }
    }
}

void plan_cpu(const spec::CpuResources& c, Planner& p) {
    if (c.realtime_runtime && *c.realtime_runtime != 0)
        refuse("cpu.realtimeRuntime",
               num(*c.realtime_runtime) +
                   ": cgroup v2 has no realtime CPU budget (cpu.rt_runtime_us is v1 only)");
    if (c.realtime_period && *c.realtime_period != 0)
        refuse("cpu.realtimePeriod",
               std::to_string(*c.realtime_period) +
                   ": cgroup v2 has no realtime CPU budget (cpu.rt_period_us is v1 only)");
    if (c.quota && *c.quota < -1)
        refuse("cpu.quota", num(*c.quota) + " is not a quota (microseconds, or -1 for none)");
    bool idle = c.idle && *c.idle != 0;
    if (c.idle)
        p.add("cpu.idle", num(*c.idle), "cpu.idle");
    if (c.shares && *c.shares != 0) {
        if (idle)
            p.warn("cpu.shares", std::to_string(*c.shares) +
                                     " not applied: an idle cgroup (cpu.idle 1) has no weight");
        else
            p.add("cpu.weight", std::to_string(cpu_weight_from_shares(*c.shares)), "cpu.shares",
                  std::to_string(*c.shares));
    }
    bool quota = c.quota && *c.quota != 0;
    bool period = c.period && *c.period != 0;
    if (c.burst)
        p.add("cpu.max.burst", std::to_string(*c.burst), "cpu.burst").retry_after_rest =
            quota || period;
    if (quota || period) {
        std::string value = quota && *c.quota > 0 ? num(*c.quota) : "max";
        // The kernel's default period, written out: "max" alone would keep
        // whatever period an earlier update set.
        value += " " + std::to_string(period ? *c.period : 100000);
        p.add("cpu.max", value, quota ? "cpu.quota" : "cpu.period");
    }
}

void plan_cpuset(const spec::CpuResources& c, Planner& p) {
    if (!c.cpus.empty())
        p.add("cpuset.cpus", c.cpus, "cpu.cpus");
    if (!c.mems.empty())
        p.add("cpuset.mems", c.mems, "cpu.mems");
}

void plan_hugetlb(const std::vector<spec::HugepageLimit>& limits, Planner& p) {
    for (size_t i = 0; i < limits.size(); ++i) {
        const auto& h = limits[i];
        std::string field = "hugepageLimits[" + std::to_string(i) + "]";
        std::string prefix = "hugetlb." + h.page_size;
        p.add(prefix + ".max", std::to_string(h.limit), field + ".limit");
        // Reservations (5.7+) are limited too, as runc does, or a mapping
        // could reserve pages beyond the limit and fault later.
        p.add(prefix + ".rsvd.max", std::to_string(h.limit), field + ".limit").optional = true;
    }
}

void plan_rdma(const std::map<std::string, spec::RdmaLimit>& rdma, Planner& p) {
    for (const auto& [dev, limit] : rdma) {
        std::string field = "rdma[" + quote(dev) + "]";
        if (dev.empty() || dev.find_first_of(" \t\n=") != std::string::npos)
            refuse(field, "not an RDMA device name");
        if (!limit.hca_handles && !limit.hca_objects)
            refuse(field, "sets neither hcaHandles nor hcaObjects");
        std::string value = dev;
        if (limit.hca_handles)
            value += " hca_handle=" + std::to_string(*limit.hca_handles);
        if (limit.hca_objects)
            value += " hca_object=" + std::to_string(*limit.hca_objects);
        p.add("rdma.max", value, field);
    }
}

// Core files that are limits; the others (procs, kill, freeze, subtree
// control, ...) would let a config move, kill or freeze processes.
bool is_core_limit(const std::string& key) {
    return key == "cgroup.max.depth" || key == "cgroup.max.descendants";
}

void plan_unified(const std::map<std::string, std::string>& unified, Planner& p) {
    for (const auto& [key, value] : unified) {
        std::string field = "unified[" + quote(key) + "]";
        if (key.empty() || key == "." || key == ".." || key.find('/') != std::string::npos ||
            key.find("..") != std::string::npos)
            refuse(field, "not a cgroup interface file name (a plain name, no \"/\" or \"..\")");
        if (std::any_of(key.begin(), key.end(),
                        [](unsigned char ch) { return ch <= ' ' || ch == 0x7f; }))
            refuse(field, "not a cgroup interface file name (no spaces or control characters)");
        auto dot = key.find('.');
        if (dot == std::string::npos || dot == 0 || dot + 1 == key.size())
            refuse(field, "not a cgroup interface file name (CONTROLLER.PARAMETER)");
        if (key.starts_with("cgroup.") && !is_core_limit(key))
            refuse(field, "not a resource limit (of the cgroup.* files only cgroup.max.depth and "
                          "cgroup.max.descendants are)");
        // The kernel takes one setting per write: write line by line.
        bool any = false;
        for (const auto& line : split(value, '\n')) {
            if (trim(line).empty())
                continue;
            p.add(key, line, field);
            any = true;
        }
        if (!any)
            refuse(field, "empty value");
    }
}

} // namespace

std::string Write::controller() const {
    auto dot = file.find('.');
    std::string name = dot == std::string::npos ? file : file.substr(0, dot);
    return name == "cgroup" ? "" : name;
}

uint64_t cpu_weight_from_shares(uint64_t shares) {
    if (shares == 0)
        return 0;
    if (shares <= 2)
        return 1;
    if (shares >= 262144)
        return 10000;
    // runc's fit: log10(weight) is a quadratic in log2(shares) through the
    // minimum, the default (1024 → 100) and the maximum.
    double l = std::log2(static_cast<double>(shares));
    double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
    return static_cast<uint64_t>(std::ceil(std::pow(10.0, exponent)));
}

uint64_t io_weight_from_blkio(uint64_t weight) {
    if (weight == 0)
        return 0;
    return 1 + (weight - 10) * 9999 / 990;
}

std::optional<std::string> swap_max(int64_t swap, int64_t limit) {
    // limit -1 with no swap: "memory and swap unlimited", as v1 had it.
    if (limit == -1 && swap == 0)
        return "max";
    if (swap == 0)
        return std::nullopt;
    if (swap == -1)
        return "max";
    if (limit == 0 || limit == -1)
        refuse("memory.swap",
               num(swap) + ": a swap limit needs memory.limit (swap is memory+swap)");
    if (swap < limit)
        refuse("memory.swap", num(swap) + " is below memory.limit " + num(limit) +
                                  " (swap is memory+swap, so it must be >= the limit)");
    return num(swap - limit);
}

Plan plan_writes(const spec::Resources& r) {
    Plan plan;
    Planner p(plan);
    if (r.pids)
        plan_pids(*r.pids, p);
    if (r.memory)
        plan_memory(*r.memory, p, plan);
    if (r.block_io)
        plan_io(*r.block_io, p);
    if (r.cpu)
        plan_cpu(*r.cpu, p);
    if (r.cpu)
        plan_cpuset(*r.cpu, p);
    plan_hugetlb(r.hugepage_limits, p);
    plan_rdma(r.rdma, p);
    if (r.network && (r.network->class_id || !r.network->priorities.empty()))
        p.warn("network", "cgroup v2 has no net_cls/net_prio controller (tag traffic with "
                          "nftables' socket cgroupv2 match instead); ignored");
    plan_unified(r.unified, p);
    return plan;
}

std::vector<std::string> controllers_of(const std::vector<Write>& writes) {
    std::vector<std::string> out;
    for (const auto& w : writes) {
        std::string c = w.controller();
        if (!c.empty() && std::find(out.begin(), out.end(), c) == out.end())
            out.push_back(c);
    }
    return out;
}

} // namespace ward::cgroups
