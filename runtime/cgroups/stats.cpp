// Usage figures of a cgroup: each controller reads its own part
// (controller.hpp).
#include "ward/cgroups/stats.hpp"

#include "controller.hpp"

namespace ward::cgroups {

Stats read_stats(const std::string& dir) {
    Stats stats;
    for (const auto& c : controllers())
        if (c.read)
            c.read(dir, stats);
    return stats;
}

} // namespace ward::cgroups
