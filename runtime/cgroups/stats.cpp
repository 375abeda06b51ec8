#include "ward/cgroups/stats.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <limits>

namespace ward::cgroups {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

// A file's text, or nullopt when it cannot be opened: a missing interface
// file means its controller is not enabled here, which is not an error.
std::optional<std::string> read_optional(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return std::nullopt;
    try {
        return read_fd(fd.get());
    } catch (const Error&) {
        return std::nullopt; // e.g. ENODEV: the cgroup was removed meanwhile
    }
}

[[noreturn]] void bad(const std::string& path, std::string_view what) {
    fail("parse " + path + ": " + quote(what) + " is not a number");
}

// A single-value file: a number, or "max" (2^64-1).
std::optional<uint64_t> read_value(const std::string& path) {
    auto text = read_optional(path);
    if (!text)
        return std::nullopt;
    std::string_view v = trim(*text);
    if (v == "max")
        return kMax;
    auto n = parse_uint(v);
    if (!n)
        bad(path, v);
    return n;
}

// A flat-keyed file ("key value" per line), in file order.
std::optional<std::vector<std::pair<std::string, uint64_t>>> read_keyed(const std::string& path) {
    auto text = read_optional(path);
    if (!text)
        return std::nullopt;
    std::vector<std::pair<std::string, uint64_t>> out;
    for (auto& line : split(*text, '\n')) {
        if (trim(line).empty())
            continue;
        auto space = line.find(' ');
        if (space == std::string::npos)
            fail("parse " + path + ": line " + quote(line) + " is not \"key value\"");
        std::string_view value = trim(std::string_view(line).substr(space + 1));
        auto n = parse_uint(value);
        if (!n)
            bad(path, value);
        out.emplace_back(line.substr(0, space), *n);
    }
    return out;
}

uint64_t value_of(const std::vector<std::pair<std::string, uint64_t>>& keyed,
                  std::string_view key) {
    for (const auto& [k, v] : keyed)
        if (k == key)
            return v;
    return 0;
}

void read_cpu(const std::string& dir, CpuStats& cpu) {
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

uint64_t saturating_add(uint64_t a, uint64_t b) {
    return a > kMax - b ? kMax : a + b;
}

void read_memory(const std::string& dir, MemoryStats& memory) {
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

void read_pids(const std::string& dir, PidsStats& pids) {
    if (auto current = read_value(dir + "/pids.current")) {
        pids.current = *current;
        uint64_t limit = read_value(dir + "/pids.max").value_or(0);
        pids.limit = limit == kMax ? 0 : limit;
        return;
    }
    // Without the pids controller: count the processes, as runc does.
    if (auto procs = read_optional(dir + "/cgroup.procs"))
        for (auto& line : split(*procs, '\n'))
            if (!trim(line).empty())
                ++pids.current;
}

// io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N"; the
// four runc maps onto cgroup v1's tables are kept, the rest skipped.
void read_io(const std::string& dir, BlkioStats& blkio) {
    std::string path = dir + "/io.stat";
    auto text = read_optional(path);
    if (!text)
        return;
    for (auto& line : split(*text, '\n')) {
        auto fields = split(trim(line), ' ');
        if (fields.size() < 2)
            continue;
        auto dev = split(fields[0], ':');
        if (dev.size() != 2)
            continue;
        auto major = parse_uint(dev[0]), minor = parse_uint(dev[1]);
        if (!major || !minor)
            bad(path, fields[0]);
        for (size_t i = 1; i < fields.size(); ++i) {
            auto eq = fields[i].find('=');
            if (eq == std::string::npos)
                continue;
            std::string key = fields[i].substr(0, eq);
            std::vector<BlkioEntry>* table = nullptr;
            std::string op;
            if (key == "rbytes" || key == "wbytes")
                table = &blkio.service_bytes;
            else if (key == "rios" || key == "wios")
                table = &blkio.serviced;
            else
                continue;
            auto value = parse_uint(std::string_view(fields[i]).substr(eq + 1));
            if (!value)
                bad(path, fields[i]);
            table->push_back({*major, *minor, key[0] == 'r' ? "Read" : "Write", *value});
        }
    }
}

// Page sizes from the dir's own hugetlb.SIZE.current files.
void read_hugetlb(const std::string& dir, std::map<std::string, HugetlbStats>& hugetlb) {
    DIR* d = ::opendir(dir.c_str());
    if (!d)
        return;
    std::vector<std::string> sizes;
    while (dirent* entry = ::readdir(d)) {
        std::string_view name = entry->d_name;
        if (name.starts_with("hugetlb.") && name.ends_with(".current") &&
            !name.ends_with(".rsvd.current"))
            sizes.emplace_back(name.substr(8, name.size() - 8 - 8));
    }
    ::closedir(d);
    for (const auto& size : sizes) {
        // runc prefers the reservation counters (Linux 5.7+): they also count
        // pages reserved by mmap and not yet faulted in.
        std::string prefix = dir + "/hugetlb." + size + ".rsvd";
        auto usage = read_value(prefix + ".current");
        if (!usage) {
            prefix = dir + "/hugetlb." + size;
            usage = read_value(prefix + ".current");
        }
        if (!usage)
            continue;
        HugetlbStats stats;
        stats.usage = *usage;
        if (auto events = read_keyed(prefix + ".events"))
            stats.failcnt = value_of(*events, "max");
        hugetlb[size] = stats;
    }
}

} // namespace

Stats read_stats(const std::string& dir) {
    Stats stats;
    read_cpu(dir, stats.cpu);
    read_memory(dir, stats.memory);
    read_pids(dir, stats.pids);
    read_io(dir, stats.blkio);
    read_hugetlb(dir, stats.hugetlb);
    return stats;
}

std::optional<uint64_t> oom_kill_count(const std::string& dir) {
    auto events = read_keyed(dir + "/memory.events");
    if (!events)
        return std::nullopt;
    return value_of(*events, "oom_kill");
}

} // namespace ward::cgroups
