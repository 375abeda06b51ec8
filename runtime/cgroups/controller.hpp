// One cgroup v2 controller per file (pids.cpp, memory.cpp, io.cpp, cpu.cpp,
// cpuset.cpp, hugetlb.cpp, rdma.cpp, unified.cpp): each holds how its part
// of linux.resources becomes interface-file writes and how its usage is
// read back. resources.cpp and stats.cpp walk the table below; nothing
// else names a controller's functions. Internal to cgroups/.
#pragma once

#include "ward/cgroups/resources.hpp"
#include "ward/cgroups/stats.hpp"
#include "ward/spec/config.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ward::cgroups {

// Builds a Plan: each write names its config field ("linux.resources."
// added here) and is marked when it only restates the kernel's default.
class Planner {
  public:
    explicit Planner(Plan& plan) : plan_(plan) {}
    Write& add(std::string file, std::string value, const std::string& field,
               std::string given = "");
    void warn(const std::string& field, const std::string& why);
    Plan& plan() { return plan_; }

  private:
    Plan& plan_;
};

// Throws ward::Error "linux.resources.FIELD: WHY".
[[noreturn]] void refuse(const std::string& field, const std::string& why);

struct Controller {
    const char* name;
    // Appends this controller's writes for `r` (nothing when r has none).
    void (*plan)(const spec::Resources& r, Planner& p);
    // Fills this controller's part of `stats` from the cgroup dir; null
    // for a controller with nothing to report.
    void (*read)(const std::string& dir, Stats& stats);
};

// In the order runc's fs2 driver writes them: pids, memory, io, cpu,
// cpuset, hugetlb, rdma, then the unified map, so a unified key overrides
// a typed field.
const std::vector<Controller>& controllers();

// The controllers' entries (each defined in its own file).
extern const Controller kPidsController;
extern const Controller kMemoryController;
extern const Controller kIoController;
extern const Controller kCpuController;
extern const Controller kCpusetController;
extern const Controller kHugetlbController;
extern const Controller kRdmaController;
extern const Controller kUnifiedController;

// Reading interface files (interface_files.cpp). A file that cannot be
// opened gives nullopt: its controller is not enabled here, which is not
// an error; text that is not what the kernel writes throws naming the file.
std::optional<std::string> read_optional(const std::string& path);
// A single-value file: a number, or "max" (2^64-1).
std::optional<uint64_t> read_value(const std::string& path);
// A flat-keyed file ("key value" per line), in file order.
std::optional<std::vector<std::pair<std::string, uint64_t>>> read_keyed(const std::string& path);
// The value of `key`, 0 when absent.
uint64_t value_of(const std::vector<std::pair<std::string, uint64_t>>& keyed, std::string_view key);
[[noreturn]] void not_a_number(const std::string& path, std::string_view what);

} // namespace ward::cgroups
