// enforced_spec: what a running process is held to, written as the config
// fields `ward audit --compare` reads, so a live operand goes through the
// same rows (and the same definition of weaker) as a config.
#include "ward/audit/live.hpp"
#include "ward/base/strings.hpp"

#include <limits>

namespace ward::audit {
namespace {

std::vector<std::string> found(const std::vector<PathState>& paths, bool PathState::*flag) {
    std::vector<std::string> out;
    for (const auto& p : paths)
        if (p.exists && p.*flag)
            out.push_back(p.path);
    return out;
}

// A cgroup file's limit: "max" and v1's "unlimited" (a page-rounded
// LONG_MAX) are none.
std::optional<int64_t> limit_value(const CgroupLimits& cg, const std::string& v2,
                                   const std::string& v1) {
    auto it = cg.values.find(v2);
    if (it == cg.values.end())
        it = cg.values.find("v1:" + v1);
    if (it == cg.values.end())
        return std::nullopt;
    auto n = parse_int(trim(it->second));
    if (!n || *n <= 0 || *n >= std::numeric_limits<int64_t>::max() / 2)
        return std::nullopt;
    return *n;
}

} // namespace

spec::Spec enforced_spec(const LiveProcess& live) {
    spec::Spec s;
    const ProcessStatus& st = live.status;
    spec::Process& p = s.process.emplace();
    p.no_new_privileges = st.no_new_privs;
    if (st.uids.size() > 1)
        p.user.uid = st.uids[1]; // effective
    if (st.gids.size() > 1)
        p.user.gid = st.gids[1];
    p.user.additional_gids = st.groups;
    spec::Capabilities& caps = p.capabilities.emplace();
    caps.bounding = capability_list(st.cap_bnd);
    caps.effective = capability_list(st.cap_eff);
    caps.permitted = capability_list(st.cap_prm);
    caps.inheritable = capability_list(st.cap_inh);
    caps.ambient = capability_list(st.cap_amb);

    s.root.emplace().readonly = live.mounts.root_readonly;

    spec::Linux& l = s.linux.emplace();
    const std::string& propagation = live.mounts.root_propagation;
    l.rootfs_propagation = propagation.find("shared") != std::string::npos ? "shared" : propagation;
    l.masked_paths = found(live.mounts.masked, &PathState::masked);
    l.readonly_paths = found(live.mounts.readonly, &PathState::readonly);
    for (const auto& ns : live.namespaces)
        if (!ns.id.empty() && !ns.shared_with_host())
            l.namespaces.push_back({ns.type, ""});
    spec::Resources& r = l.resources.emplace();
    if (auto pids = limit_value(live.cgroup, "pids.max", "pids.max"))
        r.pids.emplace().limit = pids;
    if (auto memory = limit_value(live.cgroup, "memory.max", "memory.limit_in_bytes"))
        r.memory.emplace().limit = memory;
    return s;
}

} // namespace ward::audit
