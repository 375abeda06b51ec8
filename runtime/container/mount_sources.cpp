#include "mount_sources.hpp"

#include "ward/policy/host_mounts.hpp"

#include <algorithm>
#include <sys/stat.h>

namespace ward::container {

namespace {

bool flagged(const std::vector<policy::Finding>& findings, size_t index) {
    std::string key = ": mounts[" + std::to_string(index) + "].source ";
    return std::any_of(findings.begin(), findings.end(), [&](const policy::Finding& f) {
        return f.rule == "hostMounts" && f.message.find(key) != std::string::npos;
    });
}

// Each forbidden path as it is on this host now (symlinks followed: the
// rule names /var/run/docker.sock, which is /run/docker.sock).
std::vector<policy::ForbiddenPath> forbidden_paths(const policy::ListRule& rule) {
    std::vector<policy::ForbiddenPath> out;
    for (const auto& path : rule.names) {
        policy::ForbiddenPath f{path, std::nullopt};
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0)
            f.id = FileId{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
        out.push_back(std::move(f));
    }
    return out;
}

} // namespace

std::vector<policy::Finding> check_bind_sources(const policy::Policy& policy,
                                                const spec::Spec& spec,
                                                const linux::RootfsHandles& handles,
                                                const std::vector<policy::Finding>& already) {
    if (!policy.host_mounts)
        return {};
    std::vector<policy::OpenedSource> sources;
    for (size_t i = 0; i < handles.sources.size(); ++i) {
        if (!handles.sources[i] || flagged(already, i))
            continue;
        linux::FileLocation where = linux::locate(handles.sources[i].get());
        sources.push_back({i, std::move(where.path), std::move(where.chain)});
    }
    if (sources.empty())
        return {};
    return policy::evaluate_opened_sources(policy, sources, forbidden_paths(*policy.host_mounts),
                                           spec.mounts);
}

} // namespace ward::container
