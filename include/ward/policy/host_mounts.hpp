// The hostMounts rule judged on what create really opened: a bind source
// is forbidden when it is, or lies below, a forbidden host path, compared
// by identity. A relative source that climbs out of the bundle, a symlink
// in the bundle, or another bind mount of /etc cannot hide what the kernel
// will mount, which a comparison of the config's strings misses.
#pragma once

#include "ward/base/file_id.hpp"
#include "ward/policy/policy.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ward::policy {

// One bind mount's source as opened by create.
struct OpenedSource {
    size_t mount_index = 0;
    std::string path;          // the kernel's name for it, for messages
    std::vector<FileId> chain; // the source, then each directory above it, up to "/"
};

// A forbidden path of the rule and what it is on this host (nullopt: it
// does not exist here, so nothing can be a bind of it).
struct ForbiddenPath {
    std::string path;
    std::optional<FileId> id;
};

// Findings under the hostMounts rule, one per forbidden source:
//   policy "hardened": mounts[3].source "../../etc" is /etc, forbidden: /, /proc, ...
//   policy "hardened": mounts[1].source "data/x" is /srv/b/data/x, inside /etc on this host, ...
// "/" forbids only itself, not everything below it. Nothing when the
// policy has no hostMounts rule.
std::vector<Finding> evaluate_opened_sources(const Policy& policy,
                                             const std::vector<OpenedSource>& sources,
                                             const std::vector<ForbiddenPath>& forbidden,
                                             const std::vector<spec::Mount>& mounts);

} // namespace ward::policy
