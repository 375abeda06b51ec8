#include "mount_sources.hpp"

#include <sys/stat.h>

namespace ward::container {

namespace {

// Each forbidden path as it is on this host now (symlinks followed: the
// rule names /var/run/docker.sock, which is /run/docker.sock).
std::vector<policy::ForbiddenPath> forbidden_paths(const policy::ListRule& rule) {
    std::vector<policy::ForbiddenPath> out;
    for (const auto& path : rule.names) {
        out.push_back({path, file_id(path)});
    }
    return out;
}

} // namespace

void add_bind_source_facts(const policy::Policy& policy, const linux::RootfsHandles& handles,
                           policy::CreateFacts& facts) {
    if (!policy.host_mounts)
        return;
    for (size_t i = 0; i < handles.sources.size(); ++i) {
        if (!handles.sources[i])
            continue;
        linux::FileLocation where = linux::locate(handles.sources[i].get());
        facts.bind_sources.push_back({i, std::move(where.path), std::move(where.chain)});
    }
    if (!facts.bind_sources.empty())
        facts.forbidden = forbidden_paths(*policy.host_mounts);
}

} // namespace ward::container
