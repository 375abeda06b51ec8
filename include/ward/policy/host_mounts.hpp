// The hostMounts rule judged on what create really opened: a bind source
// is forbidden when it is, or lies below, a forbidden host path, compared
// by identity. A relative source that climbs out of the bundle, a symlink
// in the bundle, or another bind mount of /etc cannot hide what the kernel
// will mount, which a comparison of the config's strings misses.
#pragma once

#include "ward/policy/policy.hpp"

#include <string>
#include <vector>

namespace ward::policy {

// Findings under the hostMounts rule, one per forbidden source:
//   policy "hardened": mounts[3].source "../../etc" is /etc, forbidden: /, /proc, ...
//   policy "hardened": mounts[1].source "data/x" is /srv/b/data/x, inside /etc on this host, ...
// "/" forbids only itself, not everything below it. Nothing when the
// policy has no hostMounts rule. Mounts in `skip` (already reported by
// their configured string) are not reported twice. evaluate() calls this
// with CreateFacts; tests call it directly.
std::vector<Finding> evaluate_opened_sources(const Policy& policy,
                                             const std::vector<OpenedSource>& sources,
                                             const std::vector<ForbiddenPath>& forbidden,
                                             const std::vector<spec::Mount>& mounts,
                                             const std::vector<size_t>& skip = {});

} // namespace ward::policy
