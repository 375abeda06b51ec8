// memory: linux.resources.memory → memory.max, memory.low and
// memory.swap.max (OCI's swap is memory+swap, v1's memsw); the v1-only
// fields are warned about; usage from memory.current/stat/events/peak.
#include "controller.hpp"

#include <limits>

namespace ward::cgroups {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

std::string num(int64_t v) {
    return std::to_string(v);
}

// -1 → "max" for the .max/.low files (v1 wrote -1 to lift a limit).
std::string max_or(int64_t v) {
    return v == -1 ? "max" : num(v);
}

void check_value(const char* field, const std::optional<int64_t>& v) {
    if (v && *v < -1)
        refuse(std::string("memory.") + field, num(*v) + " is not a limit (bytes, or -1 for none)");
}

void warn_v1_fields(const spec::MemoryResources& m, Planner& p) {
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

void plan(const spec::Resources& r, Planner& p) {
    if (!r.memory)
        return;
    const spec::MemoryResources& m = *r.memory;
    check_value("limit", m.limit);
    check_value("reservation", m.reservation);
    check_value("swap", m.swap);
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
        p.plan().refuse_below_usage = limit;
    warn_v1_fields(m, p);
}

uint64_t saturating_add(uint64_t a, uint64_t b) {
    return a > kMax - b ? kMax : a + b;
}

void read(const std::string& dir, Stats& stats) {
    MemoryStats& memory = stats.memory;
    auto current = read_value(dir + "/memory.current");
    if (!current)
        return;
    memory.present = true;
    memory.usage.usage = *current;
    memory.usage.limit = read_value(dir + "/memory.max").value_or(kMax);
    memory.usage.max_usage = read_value(dir + "/memory.peak").value_or(0);
    if (auto raw = read_keyed(dir + "/memory.stat")) {
        memory.raw = std::move(*raw);
        memory.cache = value_of(memory.raw, "file");
    }
    if (auto events = read_keyed(dir + "/memory.events")) {
        memory.usage.failcnt = value_of(*events, "max");
        memory.oom_kills = value_of(*events, "oom_kill");
    }
    // cgroup v2 counts swap apart from memory; v1 (and so runc's output)
    // reported memory+swap. Without swap accounting only memory is left.
    uint64_t swap_usage = read_value(dir + "/memory.swap.current").value_or(0);
    uint64_t swap_limit = read_value(dir + "/memory.swap.max").value_or(0);
    memory.swap.usage = saturating_add(swap_usage, memory.usage.usage);
    memory.swap.limit = swap_limit == kMax ? kMax : saturating_add(swap_limit, memory.usage.limit);
}

} // namespace

const Controller kMemoryController{"memory", plan, read};

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

std::optional<uint64_t> oom_kill_count(const std::string& dir) {
    auto events = read_keyed(dir + "/memory.events");
    if (!events)
        return std::nullopt;
    return value_of(*events, "oom_kill");
}

} // namespace ward::cgroups
