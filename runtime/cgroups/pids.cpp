// pids: linux.resources.pids → pids.max; usage from pids.current.
#include "controller.hpp"
#include "ward/base/strings.hpp"

#include <limits>

namespace ward::cgroups {
namespace {

void plan(const spec::Resources& r, Planner& p) {
    if (!r.pids || !r.pids->limit)
        return;
    int64_t limit = *r.pids->limit;
    if (limit < -1)
        refuse("pids.limit",
               std::to_string(limit) + " is not a limit (a number of tasks, or 0 or -1 for none)");
    // runtime-spec 1.2.1: 0 and -1 both mean "no limit", as runc treats them.
    p.add("pids.max", limit <= 0 ? "max" : std::to_string(limit), "pids.limit",
          std::to_string(limit));
}

void read(const std::string& dir, Stats& stats) {
    PidsStats& pids = stats.pids;
    if (auto current = read_value(dir + "/pids.current")) {
        pids.current = *current;
        uint64_t limit = read_value(dir + "/pids.max").value_or(0);
        pids.limit = limit == std::numeric_limits<uint64_t>::max() ? 0 : limit;
        return;
    }
    // Without the pids controller: count the processes, as runc does.
    if (auto procs = read_optional(dir + "/cgroup.procs"))
        for (auto& line : split(*procs, '\n'))
            if (!trim(line).empty())
                ++pids.current;
}

} // namespace

const Controller kPidsController{"pids", plan, read};

} // namespace ward::cgroups
