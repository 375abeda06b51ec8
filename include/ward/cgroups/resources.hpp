// linux.resources → cgroup v2 interface writes. A pure function, so every
// conversion and every refusal is unit-tested without root: plan_writes()
// turns the OCI fields (designed for cgroup v1) into an ordered list of
// {file, value, config field}; apply.hpp writes them.
//
// The conversions are those of runc's fs2 driver and crun:
//   cpu.shares          → cpu.weight, runc's quadratic fit of [2, 262144] onto
//                         [1, 10000] through (2,1), (1024,100), (262144,10000)
//                         (runc ≥ 1.3.2 / crun ≥ 1.23; the older linear map
//                         gave a default container weight 39 instead of 100)
//   cpu.quota/period    → cpu.max "QUOTA PERIOD"; quota -1 (or absent with a
//                         period) → "max"; period absent → 100000
//   cpu.burst           → cpu.max.burst;  cpu.idle → cpu.idle
//   cpu.realtime*       → refused: cgroup v2 has no realtime budget
//   cpu.cpus/mems       → cpuset.cpus / cpuset.mems
//   memory.limit        → memory.max (-1 → "max", 0 → not written)
//   memory.reservation  → memory.low (same)
//   memory.swap         → memory.swap.max = swap − limit: OCI's swap is
//                         memory+swap (v1's memsw); -1 → "max"; limit -1 and
//                         no swap → "max"; swap without a limit, or below it,
//                         is refused
//   memory.kernel, kernelTCP, swappiness, disableOOMKiller, useHierarchy
//                       → no v2 file: runc ignores them (warning for the
//                         kernel ones); ward warns about each, never silently
//   pids.limit          → pids.max (0 and -1 → "max")
//   blockIO.weight      → io.bfq.weight as is, or (no BFQ) io.weight
//                         converted 1 + (w − 10) · 9999 / 990
//   blockIO.weightDevice→ io.bfq.weight "MAJ:MIN W" (or io.weight converted)
//   blockIO.leafWeight  → refused: no v2 equivalent (as crun)
//   blockIO.throttle*   → io.max "MAJ:MIN rbps=N" (wbps, riops, wiops);
//                         rate 0 → "max" (0 removed a v1 throttle)
//   hugepageLimits      → hugetlb.SIZE.max (+ hugetlb.SIZE.rsvd.max when the
//                         kernel has it)
//   rdma                → rdma.max "DEV hca_handle=N hca_object=M"
//   network             → no v2 controller (net_cls/net_prio are v1): warned
//   unified             → the file as named, line by line, after the typed
//                         fields; keys must be plain interface file names
#pragma once

#include "ward/spec/config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ward::cgroups {

struct Write {
    std::string file;  // interface file in the container's cgroup: "memory.max"
    std::string value; // "67108864", "max", "8:0 rbps=1048576"
    std::string field; // the config field: "linux.resources.memory.limit"
    // The field's value as configured when it differs from `value`
    // (shares 1024 → cpu.weight 100), so errors can name both.
    std::string given;
    // When `file` does not exist: write fallback_value to fallback_file
    // (io.bfq.weight without BFQ → io.weight).
    std::string fallback_file;
    std::string fallback_value;
    bool optional = false; // a missing file is not an error (hugetlb rsvd, swap "max")
    // EINVAL: tried again once after the other writes (cpu.max.burst above
    // the old quota is refused until cpu.max is raised).
    bool retry_after_rest = false;
    // The value is what a new cgroup has anyway ("max" in pids.max,
    // memory.max, memory.swap.max, memory.high; cpu.weight 100; cpu.max
    // without a quota): it asks for no limit, so a hierarchy without the
    // controller loses nothing by it (memory.low "max" is a reservation,
    // not a default).
    bool is_default = false;

    // The controller owning the file ("memory"); "" for cgroup.* core files.
    std::string controller() const;
};

struct Plan {
    std::vector<Write> writes;
    // Fields with no cgroup v2 equivalent, accepted as runc does: one
    // message each, for create/update to log.
    std::vector<std::string> warnings;
    // memory.checkBeforeUpdate: refuse a memory.max at or below memory.current.
    std::optional<int64_t> refuse_below_usage;
};

// Throws ward::Error naming the field and value for what v2 cannot express.
Plan plan_writes(const spec::Resources& resources);

// The distinct controllers the writes need, in order of first use.
std::vector<std::string> controllers_of(const std::vector<Write>& writes);

// The conversions, exposed for tests.
uint64_t cpu_weight_from_shares(uint64_t shares); // 0 → 0 (unset)
uint64_t io_weight_from_blkio(uint64_t weight);   // 10..1000 → 1..10000
// memory.swap.max for OCI (swap, limit), 0 meaning absent; nullopt: nothing
// to write; throws for swap without a limit or below it.
std::optional<std::string> swap_max(int64_t swap, int64_t limit);

} // namespace ward::cgroups
