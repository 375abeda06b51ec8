// `ward update`: a request (LinuxResources, only the fields to change) on
// top of the resources a container runs with. Pure, for unit tests.
#pragma once

#include "ward/spec/config.hpp"

namespace ward::cgroups {

struct Update {
    // The container's resources after the update: every field the request
    // sets replaces the current one; per-device and per-size entries
    // (weightDevice, throttles, hugepageLimits, rdma, unified keys) are
    // replaced or added one by one, as runc does. Saved as the container's
    // config, so the state dir keeps telling the truth.
    spec::Resources merged;
    // What to write: the request, plus the fields its conversion needs from
    // `merged`: memory.limit and memory.swap go together (swap.max = swap −
    // limit), cpu.quota and cpu.period go together (one cpu.max), and
    // checkBeforeUpdate comes from the config unless the request sets it.
    spec::Resources delta;
};

Update plan_update(const spec::Resources& current, const spec::Resources& request);

} // namespace ward::cgroups
