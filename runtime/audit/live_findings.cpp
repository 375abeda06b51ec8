// What a running process is allowed, judged by the catalogue's live rules
// whatever was declared: the findings of `ward audit --pid`, and the first
// half of `--container`'s.
#include "ward/audit/live.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>

namespace ward::audit {
namespace {

json::Value strings(const std::vector<std::string>& list) {
    auto a = json::Value::array();
    for (const auto& s : list)
        a.push(s);
    return a;
}

// Capabilities that are a host escape or close to one on their own.
bool critical_cap(const std::string& name) {
    static const char* const kCritical[] = {
        "CAP_SYS_ADMIN",       "CAP_SYS_MODULE", "CAP_SYS_PTRACE", "CAP_SYS_RAWIO", "CAP_BPF",
        "CAP_DAC_READ_SEARCH", "CAP_SYS_BOOT",   "CAP_MAC_ADMIN",  "CAP_NET_ADMIN"};
    return std::any_of(std::begin(kCritical), std::end(kCritical),
                       [&](const char* c) { return name == c; });
}

void judge_caps(const LiveProcess& live, const std::string& status, std::vector<Finding>& out) {
    const auto& st = live.status;
    auto eff = capability_list(st.cap_eff);
    if (!eff.empty()) {
        auto f = finding("WARD-LIVE-001", status + ":CapEff", strings(eff),
                         "effective capabilities: " + join(eff, ", "));
        if (std::any_of(eff.begin(), eff.end(), critical_cap))
            f.severity = Severity::high;
        out.push_back(std::move(f));
    }
    auto beyond = capability_list(st.cap_bnd & ~st.cap_eff);
    if (!beyond.empty()) {
        auto f =
            finding("WARD-LIVE-001", status + ":CapBnd", strings(beyond),
                    "bounding set beyond the effective one (a setuid or file-capability program "
                    "can raise these): " +
                        join(beyond, ", "));
        f.severity = Severity::low;
        out.push_back(std::move(f));
    }
}

void judge_seccomp(const LiveProcess& live, const std::string& status, std::vector<Finding>& out) {
    const auto& st = live.status;
    if (st.seccomp_mode == 0) {
        out.push_back(finding("WARD-LIVE-003", status + ":Seccomp", 0,
                              "no seccomp filter: every system call reaches the kernel"));
        return;
    }
    const auto& sc = live.seccomp;
    if (!sc.error.empty()) {
        out.push_back(finding("WARD-LIVE-012", status + ":Seccomp_filters", st.seccomp_filters,
                              "the seccomp filters could not be fetched: " + sc.error));
        return;
    }
    if (!sc.decoded)
        return;
    for (const auto& arch : sc.decoded->arches) {
        auto allowed = sc.decoded->allowed(arch.arch, true);
        std::vector<std::string> names, why;
        for (const auto& d : seccomp::dangerous_syscalls())
            if (allowed.count(std::string(d.name))) {
                names.push_back(std::string(d.name));
                why.push_back(std::string(d.name) + ": " + std::string(d.why));
            }
        if (!names.empty())
            out.push_back(finding(
                "WARD-LIVE-004", "ptrace:PTRACE_SECCOMP_GET_FILTER:" + arch.arch, strings(names),
                arch.arch + " allows " + join(names, ", ") + " (" + join(why, "; ") + ")"));
    }
}

Severity namespace_severity(const std::string& type) {
    if (type == "time")
        return Severity::info;
    if (type == "user" || type == "cgroup")
        return Severity::low;
    return Severity::high;
}

void judge_namespaces(const LiveProcess& live, const std::string& proc, std::vector<Finding>& out) {
    for (const auto& ns : live.namespaces) {
        if (!ns.shared_with_host())
            continue;
        auto f = finding("WARD-LIVE-005", proc + "/ns/" + proc_namespace_name(ns.type), ns.id,
                         ns.type + " namespace is the host's (" + ns.id + ", as " +
                             live.namespace_reference + ")");
        f.severity = namespace_severity(ns.type);
        out.push_back(std::move(f));
    }
}

void judge_mounts(const LiveProcess& live, const std::string& proc, std::vector<Finding>& out) {
    const auto& m = live.mounts;
    std::string info = proc + "/mountinfo";
    if (!m.root_readonly)
        out.push_back(
            finding("WARD-LIVE-006", info + ":/", "rw", "the root filesystem is writable"));
    if (m.root_propagation == "shared" || m.root_propagation == "shared+slave")
        out.push_back(finding("WARD-LIVE-009", info + ":/", m.root_propagation,
                              "the root mount's propagation is " + m.root_propagation));
    for (const auto& p : m.masked)
        if (p.exists && !p.masked)
            out.push_back(finding("WARD-LIVE-007", info + ":" + p.path, p.how,
                                  p.path + " is not masked (" + p.how + ")"));
    for (const auto& p : m.readonly)
        if (p.exists && !p.readonly)
            out.push_back(finding("WARD-LIVE-008", info + ":" + p.path, p.how,
                                  p.path + " is writable (" + p.how + ")"));
}

bool user_ns_shared(const LiveProcess& live) {
    for (const auto& ns : live.namespaces)
        if (ns.type == "user")
            return ns.shared_with_host();
    return true;
}

// A limit "max" is none. `v2`/`v1` the files; the v1 one counts on a hybrid host.
void judge_limit(const LiveProcess& live, const std::string& what, const std::string& v2,
                 const std::string& v1, std::vector<Finding>& out) {
    const auto& cg = live.cgroup;
    auto it = cg.values.find(v2);
    std::string file = v2;
    if (it == cg.values.end() || it->second == "max") {
        auto v1it = cg.values.find("v1:" + v1);
        if (v1it != cg.values.end()) {
            it = v1it;
            file = "v1:" + v1;
        }
    }
    std::string where = cg.directory.empty() ? "cgroup" : cg.directory;
    if (it == cg.values.end()) {
        std::string why = "not readable";
        for (const auto& u : cg.unreadable)
            if (starts_with(u, v2 + ":"))
                why = u;
        out.push_back(finding("WARD-LIVE-012", where + "/" + v2, nullptr,
                              "the " + what + " limit could not be read back: " + why));
        return;
    }
    // A v1 memory limit of "no limit" is the largest page-aligned value.
    bool none = it->second == "max" || (file == "v1:memory.limit_in_bytes" &&
                                        parse_uint(it->second).value_or(0) >= (1ULL << 62));
    if (none)
        out.push_back(finding("WARD-LIVE-011", where + "/" + file, it->second,
                              "no " + what + " limit (" + file + " is " + it->second + ")"));
}

} // namespace

void judge_enforced(const LiveProcess& live, std::vector<Finding>& findings) {
    std::string proc = "/proc/" + std::to_string(live.pid);
    std::string status = proc + "/status";
    judge_caps(live, status, findings);
    if (!live.status.no_new_privs)
        findings.push_back(
            finding("WARD-LIVE-002", status + ":NoNewPrivs", 0, "no_new_privs is 0"));
    judge_seccomp(live, status, findings);
    judge_namespaces(live, proc, findings);
    judge_mounts(live, proc, findings);
    if (live.status.uids.size() == 4 && live.status.uids[1] == 0 && user_ns_shared(live))
        findings.push_back(finding("WARD-LIVE-010", status + ":Uid", 0,
                                   "effective uid 0 in the host's user namespace"));
    judge_limit(live, "pids", "pids.max", "pids.max", findings);
    judge_limit(live, "memory", "memory.max", "memory.limit_in_bytes", findings);
}

Report audit_pid(int pid) {
    Report report;
    report.kind = "pid";
    report.subject = std::to_string(pid);
    report.policy = "none (a process: only what is enforced is judged)";
    LiveProcess live = inspect(pid, {});
    judge_enforced(live, report.findings);
    report.enforced = to_json(live);
    return report;
}

} // namespace ward::audit
