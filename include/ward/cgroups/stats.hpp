// Usage figures of a cgroup v2 dir, read from its interface files. A file
// that is missing (its controller is not enabled for the cgroup, as on a
// hybrid host) leaves its part zero: stats never fail for that.
//
// Units and conversions follow runc's cgroup v2 reader, so `ward events`
// reports what `runc events` does: times in nanoseconds, "max" limits as
// 2^64-1 (pids: 0), swap as memory+swap (the cgroup v1 meaning).
#pragma once

#include "ward/cgroups/cgroup.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ward::cgroups {

struct CpuStats { // cpu.stat (present without the cpu controller too)
    uint64_t total_ns = 0;
    uint64_t user_ns = 0;
    uint64_t kernel_ns = 0;
    uint64_t periods = 0;
    uint64_t throttled_periods = 0;
    uint64_t throttled_ns = 0;
};

struct MemoryData {
    uint64_t usage = 0;     // *.current
    uint64_t max_usage = 0; // *.peak (Linux 5.19+)
    uint64_t failcnt = 0;   // memory.events "max": times the limit was hit
    uint64_t limit = 0;     // *.max; "max" is 2^64-1
};

struct MemoryStats {
    bool present = false; // memory.current was there
    uint64_t cache = 0;   // memory.stat "file"
    MemoryData usage;
    MemoryData swap;                                   // memory + swap, as cgroup v1 reported it
    std::vector<std::pair<std::string, uint64_t>> raw; // memory.stat, in file order
    uint64_t oom_kills = 0;                            // memory.events "oom_kill"
};

struct PidsStats {
    uint64_t current = 0; // pids.current, else the number of cgroup.procs lines
    uint64_t limit = 0;   // pids.max; 0 when "max" or absent
};

struct BlkioEntry {
    uint64_t major = 0;
    uint64_t minor = 0;
    std::string op; // "Read" or "Write"
    uint64_t value = 0;
};

struct BlkioStats {                        // io.stat
    std::vector<BlkioEntry> service_bytes; // rbytes, wbytes
    std::vector<BlkioEntry> serviced;      // rios, wios
};

struct HugetlbStats {
    uint64_t usage = 0;   // hugetlb.SIZE.rsvd.current, else hugetlb.SIZE.current
    uint64_t failcnt = 0; // hugetlb.SIZE[.rsvd].events "max"
};

struct Stats {
    CpuStats cpu;
    MemoryStats memory;
    PidsStats pids;
    BlkioStats blkio;
    std::map<std::string, HugetlbStats> hugetlb; // by page size: "2MB", "1GB"
};

// Reads the stats of a cgroup2 dir (a full path). Throws only when a file
// that exists cannot be parsed.
Stats read_stats(const std::string& dir);
inline Stats read_stats(const Cgroup& cgroup) {
    return read_stats(cgroup.full_path());
}

// memory.events "oom_kill" of a cgroup2 dir; nullopt without memory.events.
std::optional<uint64_t> oom_kill_count(const std::string& dir);

} // namespace ward::cgroups
