// `ward audit --container ID`: the declared side (the config as create ran
// it, saved in the state dir with what the policy filled, and policy.json's
// record of the fill) beside what the kernel enforces on the init. Every
// difference is a finding (WARD-LIVE-1xx) with both values as evidence.
#include "ward/audit/live.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/container/state.hpp"
#include "ward/policy/record.hpp"
#include "ward/spec/names.hpp"
#include "ward/spec/parse.hpp"

#include <algorithm>
#include <sys/stat.h>

namespace ward::audit {
namespace {

struct Declared {
    spec::Spec spec;
    std::optional<policy::Record> record;
    std::string record_error;
};

json::Value pair(json::Value declared, json::Value enforced) {
    auto o = json::Value::object();
    o.set("declared", std::move(declared));
    o.set("enforced", std::move(enforced));
    return o;
}

json::Value strings(const std::vector<std::string>& list) {
    auto a = json::Value::array();
    for (const auto& s : list)
        a.push(s);
    return a;
}

int kernel_last_cap() {
    try {
        return static_cast<int>(
            parse_int(trim(read_file("/proc/sys/kernel/cap_last_cap"))).value_or(40));
    } catch (const Error&) {
        return 40;
    }
}

uint64_t cap_mask(const std::optional<std::vector<std::string>>& names, int last_cap) {
    uint64_t set = 0;
    for (const auto& n : names.value_or(std::vector<std::string>{}))
        if (auto c = spec::capability_number(n); c && *c <= last_cap)
            set |= uint64_t{1} << *c;
    return set;
}

// Why execve left out a declared capability, as far as the rules say.
std::string why_missing(const std::string& set, int cap, const spec::Capabilities& c, uint32_t uid,
                        int last_cap) {
    uint64_t bit = uint64_t{1} << cap;
    bool in_bnd = cap_mask(c.bounding, last_cap) & bit,
         in_inh = cap_mask(c.inheritable, last_cap) & bit;
    bool in_amb = cap_mask(c.ambient, last_cap) & bit;
    if (set == "ambient")
        return "ambient needs it in both permitted and inheritable; ward skips it otherwise";
    if (set == "effective" || set == "permitted") {
        if (!in_bnd && !in_inh)
            return "not in the bounding set, so execve dropped it";
        if (uid != 0 && !in_amb)
            return "a non-root user keeps only ambient capabilities across execve";
    }
    return "";
}

void compare_caps(const Declared& d, const LiveProcess& live, std::vector<Finding>& out) {
    if (!d.spec.process)
        return;
    spec::Capabilities none;
    const auto& c = d.spec.process->capabilities ? *d.spec.process->capabilities : none;
    int last = kernel_last_cap();
    const auto& st = live.status;
    const std::pair<std::string,
                    std::pair<const std::optional<std::vector<std::string>>*, uint64_t>>
        sets[] = {{"bounding", {&c.bounding, st.cap_bnd}},
                  {"effective", {&c.effective, st.cap_eff}},
                  {"permitted", {&c.permitted, st.cap_prm}},
                  {"inheritable", {&c.inheritable, st.cap_inh}},
                  {"ambient", {&c.ambient, st.cap_amb}}};
    uint32_t uid = d.spec.process->user.uid;
    for (const auto& [name, v] : sets) {
        uint64_t declared = cap_mask(*v.first, last), enforced = v.second;
        if (declared == enforced)
            continue;
        std::vector<std::string> parts;
        for (int cap = 0; cap < 64; ++cap) {
            uint64_t bit = uint64_t{1} << cap;
            std::string cname = capability_list(bit).front();
            if ((declared & bit) && !(enforced & bit)) {
                std::string why = why_missing(name, cap, c, uid, last);
                parts.push_back(cname + " declared, not enforced" +
                                (why.empty() ? "" : " (" + why + ")"));
            } else if (!(declared & bit) && (enforced & bit)) {
                parts.push_back(
                    cname + " enforced, not declared" +
                    (uid == 0 ? " (execve gives uid 0 the bounding and inheritable sets)" : ""));
            }
        }
        out.push_back(
            finding("WARD-LIVE-101", "process.capabilities." + name,
                    pair(strings(capability_list(declared)), strings(capability_list(enforced))),
                    join(parts, "; ")));
    }
}

void compare_seccomp(const Declared& d, const LiveProcess& live, std::vector<Finding>& out) {
    const auto& declared = d.spec.linux ? d.spec.linux->seccomp : std::nullopt;
    const auto& sc = live.seccomp;
    if (!declared && live.status.seccomp_mode == 0)
        return;
    if (!declared || live.status.seccomp_mode == 0) {
        out.push_back(finding(
            "WARD-LIVE-103", "linux.seccomp",
            pair(declared ? "a filter" : "none", live.status.seccomp_mode ? "a filter" : "none"),
            declared ? "a filter is declared, none is enforced"
                     : "a filter is enforced, none is declared"));
        return;
    }
    if (!sc.decoded) {
        out.push_back(finding("WARD-LIVE-012", "linux.seccomp", sc.error,
                              "the enforced filter could not be compared: " + sc.error));
        return;
    }
    auto expected = seccomp::analyse(*declared);
    for (const auto& a : seccomp::diff(expected, *sc.decoded)) {
        std::vector<std::string> only_declared, only_enforced, changed;
        for (const auto& s : a.only_a)
            only_declared.push_back(s.name.empty() ? std::to_string(s.nr) : s.name);
        for (const auto& s : a.only_b)
            only_enforced.push_back(s.name.empty() ? std::to_string(s.nr) : s.name);
        for (const auto& s : a.changed)
            changed.push_back(s.name.empty() ? std::to_string(s.nr) : s.name);
        if (only_declared.empty() && only_enforced.empty() && changed.empty() && !a.default_differs)
            continue;
        auto value = json::Value::object();
        value.set("arch", a.arch);
        value.set("allowedOnlyDeclared", strings(only_declared));
        value.set("allowedOnlyEnforced", strings(only_enforced));
        value.set("actionsDiffer", strings(changed));
        value.set("defaultAction", pair(a.a_default, a.b_default));
        std::vector<std::string> parts;
        if (!only_declared.empty())
            parts.push_back("allowed by the declared profile only: " + join(only_declared, ", "));
        if (!only_enforced.empty())
            parts.push_back("allowed by the enforced filter only: " + join(only_enforced, ", "));
        if (!changed.empty())
            parts.push_back("actions or conditions differ: " + join(changed, ", "));
        if (a.default_differs)
            parts.push_back("default action " + a.a_default + " declared, " + a.b_default +
                            " enforced");
        out.push_back(
            finding("WARD-LIVE-103", "linux.seccomp", value, a.arch + ": " + join(parts, "; ")));
    }
}

void compare_flags(const Declared& d, const LiveProcess& live, std::vector<Finding>& out) {
    bool nnp = d.spec.process && d.spec.process->no_new_privileges.value_or(false);
    if (nnp != live.status.no_new_privs)
        out.push_back(
            finding("WARD-LIVE-102", "process.noNewPrivileges", pair(nnp, live.status.no_new_privs),
                    std::string("noNewPrivileges ") + (nnp ? "true" : "false") + " declared, " +
                        (live.status.no_new_privs ? "set" : "not set") + " on the process"));
    bool ro = d.spec.root && d.spec.root->readonly.value_or(false);
    if (ro != live.mounts.root_readonly)
        out.push_back(finding("WARD-LIVE-104", "root.readonly", pair(ro, live.mounts.root_readonly),
                              std::string("root.readonly ") + (ro ? "true" : "false") +
                                  " declared, the root is " +
                                  (live.mounts.root_readonly ? "read-only" : "writable")));
    if (!d.spec.linux)
        return;
    for (const auto& p : live.mounts.masked)
        if (p.exists && !p.masked && d.spec.linux->masked_paths)
            out.push_back(finding("WARD-LIVE-105", "linux.maskedPaths", pair(p.path, p.how),
                                  p.path + " is declared masked, and is not (" + p.how + ")"));
    for (const auto& p : live.mounts.readonly)
        if (p.exists && !p.readonly && d.spec.linux->readonly_paths)
            out.push_back(
                finding("WARD-LIVE-105", "linux.readonlyPaths", pair(p.path, p.how),
                        p.path + " is declared read-only, and is writable (" + p.how + ")"));
}

// The nsfs inode of "net:[4026531840]".
std::string inode_of(const std::string& id) {
    auto open = id.find('['), close = id.find(']');
    return open == std::string::npos || close == std::string::npos
               ? ""
               : id.substr(open + 1, close - open - 1);
}

void compare_namespaces(const Declared& d, const LiveProcess& live, std::vector<Finding>& out) {
    for (const auto& ns : live.namespaces) {
        if (ns.id.empty())
            continue;
        const spec::Namespace* decl = d.spec.find_namespace(ns.type);
        std::string want, problem;
        if (!decl) {
            want = "the host's";
            if (!ns.shared_with_host())
                problem = "not declared (so the host's), but the process has its own";
        } else if (decl->path.empty()) {
            want = "new";
            if (ns.shared_with_host())
                problem = "declared new, but it is the host's";
        } else {
            want = decl->path;
            struct stat st {};
            if (::stat(decl->path.c_str(), &st) < 0)
                problem = "declared joined from " + decl->path + ", which is gone (cannot compare)";
            else if (std::to_string(st.st_ino) != inode_of(ns.id))
                problem = "declared joined from " + decl->path + " (inode " +
                          std::to_string(st.st_ino) + "), but the process is in " + ns.id;
        }
        if (!problem.empty())
            out.push_back(finding("WARD-LIVE-106", "linux.namespaces[" + ns.type + "]",
                                  pair(want, ns.id), ns.type + " namespace " + problem));
    }
}

// A container id → the id ward sees, through the declared mappings when the
// container has a new user namespace.
uint32_t host_id(const Declared& d, uint32_t id, bool gid) {
    const spec::Namespace* user = d.spec.find_namespace("user");
    if (!user || !user->path.empty() || !d.spec.linux)
        return id;
    for (const auto& m : gid ? d.spec.linux->gid_mappings : d.spec.linux->uid_mappings)
        if (id >= m.container_id && id - m.container_id < m.size)
            return m.host_id + (id - m.container_id);
    return id;
}

void compare_user(const Declared& d, const LiveProcess& live, std::vector<Finding>& out) {
    if (!d.spec.process)
        return;
    const auto& u = d.spec.process->user;
    const auto& st = live.status;
    uint32_t uid = host_id(d, u.uid, false), gid = host_id(d, u.gid, true);
    auto all = [](const std::vector<uint32_t>& v, uint32_t want) {
        return std::all_of(v.begin(), v.end(), [&](uint32_t x) { return x == want; });
    };
    if (!all(st.uids, uid) || !all(st.gids, gid))
        out.push_back(finding("WARD-LIVE-107", "process.user",
                              pair(std::to_string(uid) + ":" + std::to_string(gid),
                                   std::to_string(st.uids[1]) + ":" + std::to_string(st.gids[1])),
                              "user " + std::to_string(uid) + ":" + std::to_string(gid) +
                                  " declared (as ward sees it), the process has uid " +
                                  std::to_string(st.uids[1]) + " gid " +
                                  std::to_string(st.gids[1])));
    std::vector<uint32_t> groups;
    for (auto g : u.additional_gids)
        groups.push_back(host_id(d, g, true));
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    auto have = st.groups;
    std::sort(have.begin(), have.end());
    if (groups != have) {
        std::vector<std::string> a, b;
        for (auto g : groups)
            a.push_back(std::to_string(g));
        for (auto g : have)
            b.push_back(std::to_string(g));
        out.push_back(finding("WARD-LIVE-107", "process.user.additionalGids",
                              pair(strings(a), strings(b)),
                              "additional groups [" + join(a, ",") + "] declared, [" +
                                  join(b, ",") + "] on the process"));
    }
}

} // namespace

namespace {

Declared load_declared(const container::StateDir& dir) {
    Declared d;
    d.spec = spec::parse_spec(read_document(dir.config_path()), dir.config_path());
    std::string record = dir.path() + "/policy.json";
    try {
        d.record = policy::parse_record(read_document(record), record);
    } catch (const Error& e) {
        d.record_error = e.what();
    }
    return d;
}

// What the policy filled: enforced because of the fill, not the config.
void report_fill(const Declared& d, const std::vector<Finding>& diffs, Report& report) {
    if (!d.record) {
        report.findings.push_back(finding("WARD-LIVE-012", "policy.json", d.record_error,
                                          "what the policy filled is unknown: " + d.record_error));
        return;
    }
    for (const auto& fill : d.record->filled) {
        std::string field = fill.substr(0, fill.find(':'));
        bool differs = std::any_of(diffs.begin(), diffs.end(), [&](const Finding& f) {
            return starts_with(f.path, field) || starts_with(field, f.path);
        });
        report.findings.push_back(finding(
            "WARD-LIVE-109", field, fill,
            fill + " (filled by the policy; the enforced value " +
                (differs ? "differs from the filled one: see above)" : "is the filled one)")));
    }
}

} // namespace

container::State open_running(container::StateDir& dir) {
    if (!dir.exists())
        fail("container " + quote(dir.id()) + " does not exist (under --root " + dir.root() + ")");
    dir.open_shared();
    container::State state = dir.load();
    auto status = container::current_status(dir, state);
    if (status == container::Status::paused)
        fail("container " + dir.id() +
             " is paused: a frozen process cannot stop for ptrace; resume it first");
    if (status != container::Status::running)
        fail("container " + dir.id() + " is " + container::status_name(status) +
             ", not running: what is enforced is known once it runs its process");
    return state;
}

Report audit_container(const container::Globals& g, const std::string& id) {
    container::StateDir dir(g.root, id);
    container::State state = open_running(dir);
    Declared d = load_declared(dir);
    InspectOptions options;
    options.expected_start = state.start_time;
    if (d.spec.linux) {
        options.masked_paths = d.spec.linux->masked_paths.value_or(std::vector<std::string>{});
        options.readonly_paths = d.spec.linux->readonly_paths.value_or(std::vector<std::string>{});
    }
    LiveProcess live = inspect(state.pid, options);

    Report report;
    report.kind = "container";
    report.subject = id;
    if (d.record) {
        report.policy = "policy " + quote(d.record->effective.policy.name) + " from " +
                        d.record->effective.source;
        report.filled = d.record->filled;
    }
    judge_enforced(live, report.findings);
    std::vector<Finding> diffs;
    compare_caps(d, live, diffs);
    compare_flags(d, live, diffs);
    compare_seccomp(d, live, diffs);
    compare_namespaces(d, live, diffs);
    compare_user(d, live, diffs);
    compare_limits(d.spec, live, diffs);
    for (const auto& f : diffs)
        report.refused = report.refused || f.rule_id != "WARD-LIVE-012";
    report.findings.insert(report.findings.end(), diffs.begin(), diffs.end());
    report_fill(d, diffs, report);
    report.enforced = to_json(live);
    return report;
}

} // namespace ward::audit
