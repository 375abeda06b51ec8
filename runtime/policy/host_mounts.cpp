#include "ward/policy/host_mounts.hpp"

#include "ward/base/strings.hpp"

#include <algorithm>

namespace ward::policy {

namespace {

struct Hit {
    const ForbiddenPath* path = nullptr;
    size_t depth = 0; // 0: the source is that path; n: n directories below it
};

// The forbidden path the source is, or lies below (the nearest one).
Hit forbidding(const OpenedSource& source, const std::vector<ForbiddenPath>& forbidden) {
    for (size_t depth = 0; depth < source.chain.size(); ++depth)
        for (const auto& f : forbidden) {
            if (!f.id || source.chain[depth] != *f.id)
                continue;
            // "/" is above every path: only a bind of "/" itself breaks it.
            if (f.path == "/" && depth > 0)
                continue;
            return {&f, depth};
        }
    return {};
}

// "/etc", "/srv/etc-copy, which is /etc on this host", "/etc/shadow, inside /etc".
std::string described(const std::string& path, const Hit& hit) {
    const std::string& f = hit.path->path;
    if (hit.depth == 0)
        return path == f ? f : path + ", which is " + f + " on this host";
    bool named_below =
        path.size() > f.size() && path.compare(0, f.size(), f) == 0 && path[f.size()] == '/';
    return path + ", inside " + f + (named_below ? "" : " on this host");
}

} // namespace

std::vector<Finding> evaluate_opened_sources(const Policy& policy,
                                             const std::vector<OpenedSource>& sources,
                                             const std::vector<ForbiddenPath>& forbidden,
                                             const std::vector<spec::Mount>& mounts,
                                             const std::vector<size_t>& skip) {
    std::vector<Finding> out;
    if (!policy.host_mounts)
        return out;
    std::vector<std::string> names;
    for (const auto& f : forbidden)
        names.push_back(f.path);
    for (const auto& source : sources) {
        if (std::find(skip.begin(), skip.end(), source.mount_index) != skip.end())
            continue;
        Hit hit = forbidding(source, forbidden);
        if (!hit.path)
            continue;
        std::string configured =
            source.mount_index < mounts.size() ? mounts[source.mount_index].source : "";
        std::string where = described(source.path, hit);
        out.push_back({"hostMounts", policy.host_mounts->action,
                       "policy " + quote(policy.name) + ": mounts[" +
                           std::to_string(source.mount_index) + "].source " + quote(configured) +
                           " is " + where + ", forbidden: " + join(names, ", "),
                       "mounts[" + std::to_string(source.mount_index) + "].source", ""});
    }
    return out;
}

} // namespace ward::policy
