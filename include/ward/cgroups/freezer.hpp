// The cgroup v2 freezer: cgroup.freeze asks, cgroup.events says when the
// kernel is done. Every non-root cgroup2 dir has both files (kernel 5.2+),
// with or without controllers, so pause works on hybrid hosts too.
#pragma once

#include "ward/cgroups/cgroup.hpp"

#include <chrono>

namespace ward::cgroups {

// What runc waits for a freeze before giving up.
inline constexpr std::chrono::milliseconds kFreezeTimeout{10000};

// True when cgroup.events says "frozen 1" (every task of the cgroup is
// stopped). False when the cgroup or the file is gone.
bool is_frozen(const Cgroup& cgroup);

// Writes 1 to cgroup.freeze and waits until cgroup.events says "frozen 1".
// On a timeout the cgroup is thawed again (never left half frozen) and an
// error names the wait.
void freeze(const Cgroup& cgroup, std::chrono::milliseconds timeout = kFreezeTimeout);

// Writes 0 to cgroup.freeze and waits until cgroup.events says "frozen 0"
// (a frozen ancestor keeps it frozen: that is reported as a timeout).
void thaw(const Cgroup& cgroup, std::chrono::milliseconds timeout = kFreezeTimeout);

} // namespace ward::cgroups
