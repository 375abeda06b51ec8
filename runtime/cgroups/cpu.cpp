// cpu: linux.resources.cpu's shares, quota/period, burst and idle →
// cpu.weight, cpu.max, cpu.max.burst, cpu.idle; the v1 realtime budget is
// refused; usage from cpu.stat.
#include "controller.hpp"

#include <cmath>

namespace ward::cgroups {
namespace {

void refuse_realtime(const spec::CpuResources& c) {
    if (c.realtime_runtime && *c.realtime_runtime != 0)
        refuse("cpu.realtimeRuntime",
               std::to_string(*c.realtime_runtime) +
                   ": cgroup v2 has no realtime CPU budget (cpu.rt_runtime_us is v1 only)");
    if (c.realtime_period && *c.realtime_period != 0)
        refuse("cpu.realtimePeriod",
               std::to_string(*c.realtime_period) +
                   ": cgroup v2 has no realtime CPU budget (cpu.rt_period_us is v1 only)");
}

void plan(const spec::Resources& r, Planner& p) {
    if (!r.cpu)
        return;
    const spec::CpuResources& c = *r.cpu;
    refuse_realtime(c);
    if (c.quota && *c.quota < -1)
        refuse("cpu.quota",
               std::to_string(*c.quota) + " is not a quota (microseconds, or -1 for none)");
    bool idle = c.idle && *c.idle != 0;
    if (c.idle)
        p.add("cpu.idle", std::to_string(*c.idle), "cpu.idle");
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
        std::string value = quota && *c.quota > 0 ? std::to_string(*c.quota) : "max";
        // The kernel's default period, written out: "max" alone would keep
        // whatever period an earlier update set.
        value += " " + std::to_string(period ? *c.period : 100000);
        p.add("cpu.max", value, quota ? "cpu.quota" : "cpu.period");
    }
}

void read(const std::string& dir, Stats& stats) {
    CpuStats& cpu = stats.cpu;
    auto keyed = read_keyed(dir + "/cpu.stat");
    if (!keyed)
        return;
    cpu.total_ns = value_of(*keyed, "usage_usec") * 1000;
    cpu.user_ns = value_of(*keyed, "user_usec") * 1000;
    cpu.kernel_ns = value_of(*keyed, "system_usec") * 1000;
    cpu.periods = value_of(*keyed, "nr_periods");
    cpu.throttled_periods = value_of(*keyed, "nr_throttled");
    cpu.throttled_ns = value_of(*keyed, "throttled_usec") * 1000;
}

} // namespace

const Controller kCpuController{"cpu", plan, read};

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

} // namespace ward::cgroups
