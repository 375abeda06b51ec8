// Process attributes that survive execve: OOM score, scheduler, I/O
// priority, personality and the initial CPU affinity.
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/process.hpp"
#include "ward/linux/procfs.hpp"

#include <array>
#include <cstdint>
#include <sched.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ward::linux {

namespace {

template <typename Value, size_t N>
struct NameTable {
    struct Entry {
        const char* name;
        Value value;
    };
    std::array<Entry, N> entries;

    std::optional<Value> find(std::string_view name) const {
        for (const auto& entry : entries)
            if (name == entry.name)
                return entry.value;
        return std::nullopt;
    }
};

// The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER1). glibc 2.36 has no
// wrapper, and including <linux/sched/types.h> clashes with newer glibc.
struct SchedAttr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
    uint32_t sched_util_min;
    uint32_t sched_util_max;
};

constexpr NameTable<uint32_t, 7> kSchedPolicies{{{
    {"SCHED_OTHER", 0},
    {"SCHED_FIFO", 1},
    {"SCHED_RR", 2},
    {"SCHED_BATCH", 3},
    {"SCHED_ISO", 4},
    {"SCHED_IDLE", 5},
    {"SCHED_DEADLINE", 6},
}}};

constexpr NameTable<uint64_t, 7> kSchedFlags{{{
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},
    {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},
    {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},
    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
}}};

// ioprio_set(2) values; <linux/ioprio.h> is missing on older hosts.
constexpr int kIoprioWhoProcess = 1;
constexpr int kIoprioClassShift = 13;
constexpr NameTable<int, 3> kIoClasses{{{
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
}}};

constexpr NameTable<unsigned long, 2> kPersonalityDomains{{{
    {"LINUX", PER_LINUX},
    {"LINUX32", PER_LINUX32},
}}};

constexpr NameTable<unsigned long, 11> kPersonalityFlags{{{
    {"UNAME26", UNAME26},
    {"ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE},
    {"FDPIC_FUNCPTRS", FDPIC_FUNCPTRS},
    {"MMAP_PAGE_ZERO", MMAP_PAGE_ZERO},
    {"ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT},
    {"READ_IMPLIES_EXEC", READ_IMPLIES_EXEC},
    {"ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT},
    {"SHORT_INODE", SHORT_INODE},
    {"WHOLE_SECONDS", WHOLE_SECONDS},
    {"STICKY_TIMEOUTS", STICKY_TIMEOUTS},
    {"ADDR_LIMIT_3GB", ADDR_LIMIT_3GB},
}}};

void apply_oom_score_adj(int32_t score) {
    with_context("process.oomScoreAdj " + std::to_string(score),
                 [&] { write_procfs("/proc/self/oom_score_adj", std::to_string(score)); });
}

void apply_scheduler(const spec::Scheduler& scheduler) {
    const std::string field = "process.scheduler (policy " + quote(scheduler.policy) + ")";
    auto policy = kSchedPolicies.find(scheduler.policy);
    if (!policy)
        fail(field + ": unknown scheduling policy");
    SchedAttr attr{};
    attr.size = sizeof attr;
    attr.sched_policy = *policy;
    attr.sched_nice = scheduler.nice;
    attr.sched_priority = static_cast<uint32_t>(scheduler.priority);
    attr.sched_runtime = scheduler.runtime;
    attr.sched_deadline = scheduler.deadline;
    attr.sched_period = scheduler.period;
    for (const auto& name : scheduler.flags) {
        auto flag = kSchedFlags.find(name);
        if (!flag)
            fail(field + ": unknown scheduler flag " + quote(name));
        attr.sched_flags |= *flag;
    }
    if (scheduler.priority < 0)
        fail(field + ": priority " + std::to_string(scheduler.priority) + " is negative");
    if (::syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
        fail_errno(field + ", nice " + std::to_string(scheduler.nice) + ", priority " +
                   std::to_string(scheduler.priority) + ": sched_setattr");
}

void apply_io_priority(const spec::IoPriority& io) {
    const std::string field = "process.ioPriority (class " + quote(io.io_class) + ", priority " +
                              std::to_string(io.priority) + ")";
    auto io_class = kIoClasses.find(io.io_class);
    if (!io_class)
        fail(field + ": unknown I/O priority class");
    if (io.priority < 0 || io.priority > 7)
        fail(field + ": priority must be between 0 and 7");
    int value = (*io_class << kIoprioClassShift) | io.priority;
    if (::syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, value) < 0)
        fail_errno(field + ": ioprio_set");
}

void apply_personality(const spec::Personality& personality) {
    const std::string field = "linux.personality (domain " + quote(personality.domain) + ")";
    auto persona = kPersonalityDomains.find(personality.domain);
    if (!persona)
        fail(field + ": unknown personality domain");
    unsigned long value = *persona;
    for (const auto& name : personality.flags) {
        auto flag = kPersonalityFlags.find(name);
        if (!flag)
            fail(field + ": unknown personality flag " + quote(name));
        value |= *flag;
    }
    if (::personality(value) < 0)
        fail_errno(field + ": personality");
}

// "0-3,7" → the cpus listed. Throws on junk, empty ranges or huge numbers.
std::vector<unsigned> parse_cpu_list(const std::string& list, const std::string& field) {
    constexpr uint64_t kMaxCpu = 8191; // CONFIG_NR_CPUS upper bound
    auto bad = [&](std::string_view why) -> std::vector<unsigned> {
        fail(field + " " + quote(list) + ": " + std::string(why));
    };
    std::vector<unsigned> cpus;
    for (const auto& item : split(list, ',')) {
        auto dash = item.find('-');
        auto first = parse_uint(trim(item.substr(0, dash)));
        auto last = dash == std::string::npos ? first : parse_uint(trim(item.substr(dash + 1)));
        if (!first || !last)
            return bad("invalid cpu list");
        if (*first > *last)
            return bad("range " + quote(item) + " runs backwards");
        if (*last > kMaxCpu)
            return bad("cpu " + std::to_string(*last) + " is out of range");
        for (uint64_t cpu = *first; cpu <= *last; ++cpu)
            cpus.push_back(static_cast<unsigned>(cpu));
    }
    if (cpus.empty())
        return bad("invalid cpu list");
    return cpus;
}

void apply_cpu_affinity(const std::string& list) {
    const std::string field = "process.execCPUAffinity.initial";
    auto cpus = parse_cpu_list(list, field);
    unsigned highest = 0;
    for (unsigned cpu : cpus)
        highest = std::max(highest, cpu);
    cpu_set_t* set = CPU_ALLOC(highest + 1);
    if (!set)
        fail(field + ": out of memory");
    size_t size = CPU_ALLOC_SIZE(highest + 1);
    CPU_ZERO_S(size, set);
    for (unsigned cpu : cpus)
        CPU_SET_S(cpu, size, set);
    int rc = ::sched_setaffinity(0, size, set);
    int err = errno;
    CPU_FREE(set);
    if (rc < 0)
        fail_errno(field + " " + quote(list) + ": sched_setaffinity", err);
}

} // namespace

void apply_process_attributes(const spec::Process& process,
                              const std::optional<spec::Personality>& personality) {
    if (process.oom_score_adj)
        apply_oom_score_adj(*process.oom_score_adj);
    if (process.scheduler)
        apply_scheduler(*process.scheduler);
    if (process.io_priority)
        apply_io_priority(*process.io_priority);
    if (personality)
        apply_personality(*personality);
    if (process.exec_cpu_affinity && !process.exec_cpu_affinity->initial.empty())
        apply_cpu_affinity(process.exec_cpu_affinity->initial);
}

} // namespace ward::linux
