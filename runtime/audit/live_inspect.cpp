// Everything the live audit reads from one process, and its JSON form
// (Report.enforced).
#include "ward/audit/live.hpp"
#include "ward/base/error.hpp"
#include "ward/policy/policy.hpp"

namespace ward::audit {
namespace {

// The paths every audit judges when no config names them: those of the
// built-in hardened policy, the one list ward itself enforces by default.
const policy::Policy& hardened() {
    static const policy::Policy p =
        policy::parse_policy(policy::builtin_hardened_text(), "built-in hardened policy");
    return p;
}

LiveSeccomp read_seccomp(const ProcessHandle& process, const ProcessStatus& status) {
    LiveSeccomp sc;
    if (status.seccomp_mode != 2)
        return sc;
    try {
        sc.programs = fetch_filters(process.pid());
        sc.decoded = seccomp::decode_stack(sc.programs);
    } catch (const Error& e) {
        process.check_alive(); // a vanished process ends the audit
        sc.error = e.what();
    }
    return sc;
}

json::Value strings(const std::vector<std::string>& list) {
    auto a = json::Value::array();
    for (const auto& s : list)
        a.push(s);
    return a;
}

json::Value ids(const std::vector<uint32_t>& list) {
    auto a = json::Value::array();
    for (auto v : list)
        a.push(v);
    return a;
}

json::Value status_json(const ProcessStatus& st) {
    auto caps = json::Value::object();
    caps.set("bounding", strings(capability_list(st.cap_bnd)));
    caps.set("effective", strings(capability_list(st.cap_eff)));
    caps.set("permitted", strings(capability_list(st.cap_prm)));
    caps.set("inheritable", strings(capability_list(st.cap_inh)));
    caps.set("ambient", strings(capability_list(st.cap_amb)));
    auto doc = json::Value::object();
    doc.set("name", st.name);
    doc.set("capabilities", caps);
    doc.set("noNewPrivileges", st.no_new_privs);
    doc.set("uids", ids(st.uids));
    doc.set("gids", ids(st.gids));
    doc.set("groups", ids(st.groups));
    return doc;
}

json::Value paths_json(const std::vector<PathState>& paths) {
    auto a = json::Value::array();
    for (const auto& p : paths) {
        auto o = json::Value::object();
        o.set("path", p.path);
        o.set("exists", p.exists);
        o.set("masked", p.masked);
        o.set("readonly", p.readonly);
        o.set("how", p.how);
        a.push(o);
    }
    return a;
}

json::Value seccomp_json(const ProcessStatus& st, const LiveSeccomp& sc) {
    auto doc = json::Value::object();
    doc.set("mode", st.seccomp_mode == 2 ? "filter" : st.seccomp_mode == 1 ? "strict" : "disabled");
    doc.set("filters", st.seccomp_filters);
    auto sizes = json::Value::array();
    for (const auto& p : sc.programs)
        sizes.push(static_cast<unsigned long>(p.size()));
    doc.set("instructions", sizes);
    if (!sc.error.empty())
        doc.set("error", sc.error);
    if (!sc.decoded)
        return doc;
    auto arches = json::Value::array();
    for (const auto& a : sc.decoded->arches) {
        auto o = json::Value::object();
        o.set("arch", a.arch);
        o.set("defaultAction", a.default_action);
        auto all = sc.decoded->allowed(a.arch, true);
        auto always = sc.decoded->allowed(a.arch, false);
        std::vector<std::string> allowed(always.begin(), always.end()), conditional;
        for (const auto& n : all)
            if (!always.count(n))
                conditional.push_back(n);
        o.set("allowed", strings(allowed));
        o.set("conditional", strings(conditional));
        arches.push(o);
    }
    doc.set("otherArchAction", sc.decoded->other_arch_action);
    doc.set("arches", arches);
    return doc;
}

json::Value cgroup_json(const CgroupLimits& cg) {
    auto doc = json::Value::object();
    doc.set("path", cg.path);
    doc.set("directory", cg.directory);
    auto values = json::Value::object();
    for (const auto& [k, v] : cg.values)
        values.set(k, v);
    doc.set("limits", values);
    doc.set("unreadable", strings(cg.unreadable));
    auto v1 = json::Value::object();
    for (const auto& [k, v] : cg.v1)
        v1.set(k, v);
    doc.set("v1", v1);
    return doc;
}

} // namespace

LiveProcess inspect(int pid, const InspectOptions& options) {
    ProcessHandle process = ProcessHandle::open(pid, options.expected_start);
    LiveProcess live;
    live.pid = pid;
    live.start_time = process.start_time();
    live.status = parse_status(process.read("status"));
    const auto& masked = options.masked_paths.empty() && hardened().masked_paths
                             ? hardened().masked_paths->required
                             : options.masked_paths;
    const auto& readonly = options.readonly_paths.empty() && hardened().readonly_paths
                               ? hardened().readonly_paths->required
                               : options.readonly_paths;
    live.mounts = read_mounts(process, masked, readonly);
    live.namespaces = read_namespaces(process, live.namespace_reference);
    live.cgroup = read_cgroup(process);
    live.seccomp = read_seccomp(process, live.status);
    process.check_alive();
    return live;
}

json::Value to_json(const LiveProcess& live) {
    auto doc = json::Value::object();
    doc.set("pid", live.pid);
    doc.set("startTime", live.start_time);
    doc.set("process", status_json(live.status));
    auto mounts = json::Value::object();
    mounts.set("rootReadonly", live.mounts.root_readonly);
    mounts.set("rootPropagation", live.mounts.root_propagation);
    mounts.set("maskedPaths", paths_json(live.mounts.masked));
    mounts.set("readonlyPaths", paths_json(live.mounts.readonly));
    mounts.set("count", live.mounts.count);
    doc.set("mounts", mounts);
    auto ns = json::Value::array();
    for (const auto& n : live.namespaces) {
        auto o = json::Value::object();
        o.set("type", n.type);
        o.set("id", n.id);
        o.set("host", n.host);
        o.set("sharedWithHost", n.shared_with_host());
        ns.push(o);
    }
    doc.set("namespaces", ns);
    doc.set("namespaceReference", live.namespace_reference);
    doc.set("cgroup", cgroup_json(live.cgroup));
    doc.set("seccomp", seccomp_json(live.status, live.seccomp));
    return doc;
}

} // namespace ward::audit
