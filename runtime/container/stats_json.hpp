// runc's event documents (its `types` package), built from cgroup stats, so
// that `ward events` prints what `runc events` prints and its readers
// (containerd's go-runc, monitoring scripts) parse it unchanged.
#pragma once

#include "ward/cgroups/stats.hpp"
#include "ward/json/json.hpp"

#include <string>

namespace ward::container {

// {"cpu":{...},"cpuset":{...},"memory":{...},"pids":{...},"blkio":{...},
//  "hugetlb":{...},"intel_rdt":{},"network_interfaces":null}: members in
// runc's order; a zero member runc tags omitempty is left out; map keys
// (memory.raw, hugetlb) sorted as Go prints them.
json::Value stats_json(const cgroups::Stats& stats);

// {"type":"stats","id":ID,"data":STATS}
json::Value stats_event(const std::string& id, const cgroups::Stats& stats);

// {"type":"oom","id":ID}
json::Value oom_event(const std::string& id);

} // namespace ward::container
