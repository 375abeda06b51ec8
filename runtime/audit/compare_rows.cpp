// The rows of `ward audit --compare` and what "weaker" means in each: every
// cell gets a strength (higher is stronger) from the one function that
// describes its row, so the rule for marking is written once per row, here.
#include "compare_seccomp.hpp"
#include "ward/audit/compare.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/policy/policy.hpp"

#include <algorithm>
#include <limits>
#include <set>

namespace ward::audit {
namespace {

constexpr double kNone = -1e12; // "no limit at all": weaker than any value

// One operand as the rows read it: its config (or what is enforced) and
// its decoded filter.
struct Side {
    const spec::Spec& spec;
    SeccompSummary seccomp;
    bool live = false;
};

using Describe = Cell (*)(const Side&);

// Most rows read only the config.
template <Cell (*F)(const spec::Spec&)>
Cell from_spec(const Side& side) {
    return F(side.spec);
}

std::string short_cap(const std::string& name) {
    return name.starts_with("CAP_") ? name.substr(4) : name;
}

json::Value string_list(const std::vector<std::string>& items) {
    json::Value out = json::Value::array();
    for (const auto& s : items)
        out.push(s);
    return out;
}

// "N: A B C" (or "none"), the list in JSON, fewer entries stronger.
Cell counted(const std::vector<std::string>& items, std::string (*shorten)(const std::string&)) {
    if (items.empty())
        return {"none", json::Value::array(), 0};
    std::vector<std::string> shown;
    for (const auto& s : items)
        shown.push_back(shorten ? shorten(s) : s);
    std::string text = std::to_string(items.size()) + ": " + join(shown, " ");
    return {text, string_list(items), -static_cast<double>(items.size())};
}

// A capability set: more capabilities are weaker (an absent set is empty).
template <std::optional<std::vector<std::string>> spec::Capabilities::*Set>
Cell capability_set(const spec::Spec& s) {
    std::vector<std::string> caps;
    if (s.process && s.process->capabilities && ((*s.process->capabilities).*Set))
        caps = *((*s.process->capabilities).*Set);
    std::sort(caps.begin(), caps.end());
    return counted(caps, short_cap);
}

bool allows(const std::string& action) {
    return action == "SCMP_ACT_ALLOW" || action == "SCMP_ACT_LOG";
}

const spec::Seccomp* seccomp_of(const spec::Spec& s) {
    return s.linux && s.linux->seccomp ? &*s.linux->seccomp : nullptr;
}

// No filter < a filter that allows by default < one that denies by default.
// A live process has no profile: its decoded filter's default on the host's
// arch stands for it.
Cell seccomp_default(const Side& side) {
    if (side.live) {
        if (!side.seccomp.present)
            return {"no filter", json::Value(), 0};
        const std::string& action = side.seccomp.default_action;
        return {action, json::Value(action),
                action.starts_with("SCMP_ACT_ALLOW") || action.starts_with("SCMP_ACT_LOG") ? 1.0
                                                                                           : 2.0};
    }
    const spec::Seccomp* sc = seccomp_of(side.spec);
    if (!sc)
        return {"no filter", json::Value(), 0};
    std::string text = sc->default_action;
    if (sc->default_errno_ret)
        text += "(" + std::to_string(*sc->default_errno_ret) + ")";
    return {text, json::Value(sc->default_action), allows(sc->default_action) ? 1.0 : 2.0};
}

// The syscalls the program allows on the host's arch, whatever the
// arguments or for some of them: more is weaker, no filter weakest.
Cell seccomp_allowed(const Side& side) {
    const SeccompSummary& sc = side.seccomp;
    if (!sc.present)
        return {"every syscall", json::Value("all"), kNone};
    json::Value value = json::Value::object();
    value.set("arch", sc.arch);
    value.set("allowed", static_cast<unsigned long>(sc.allowed));
    value.set("conditional", static_cast<unsigned long>(sc.conditional));
    std::string text = std::to_string(sc.allowed + sc.conditional);
    if (sc.conditional > 0)
        text += " (" + std::to_string(sc.conditional) + " for some arguments)";
    return {text, std::move(value), -static_cast<double>(sc.allowed + sc.conditional)};
}

// The dangerous calls (seccomp::dangerous_syscalls) it lets through.
Cell seccomp_dangerous(const Side& side) {
    if (!side.seccomp.present)
        return {"every one", json::Value("all"), kNone};
    return counted(side.seccomp.dangerous, nullptr);
}

// true is stronger; absent is false (runtime-spec's default).
Cell true_is_stronger(std::optional<bool> v) {
    if (!v)
        return {"absent (false)", json::Value(), 0};
    return {*v ? "true" : "false", json::Value(*v), *v ? 1.0 : 0.0};
}

Cell no_new_privileges(const spec::Spec& s) {
    return true_is_stronger(s.process ? s.process->no_new_privileges : std::nullopt);
}

Cell readonly_root(const spec::Spec& s) {
    return true_is_stronger(s.root ? s.root->readonly : std::nullopt);
}

// More masked (or read-only) paths are stronger.
Cell path_list(const std::optional<std::vector<std::string>>& list) {
    if (!list || list->empty())
        return {"none", list ? json::Value::array() : json::Value(), 0};
    Cell c = counted(*list, nullptr);
    c.strength = -c.strength;
    return c;
}

Cell masked_paths(const spec::Spec& s) {
    return path_list(s.linux ? s.linux->masked_paths : std::nullopt);
}

Cell readonly_paths(const spec::Spec& s) {
    return path_list(s.linux ? s.linux->readonly_paths : std::nullopt);
}

// A new namespace > one joined by path (maybe another container's, maybe
// the host's) > none (the host's own).
template <const char* Type>
Cell namespace_of(const spec::Spec& s) {
    const spec::Namespace* ns = s.find_namespace(Type);
    if (!ns)
        return {"host (shared)", json::Value("host"), 0};
    if (ns->path.empty())
        return {"new", json::Value("new"), 2};
    return {"joined " + ns->path, json::Value(ns->path), 1};
}

// The user: root without a user namespace < root in one < not root.
Cell user(const spec::Spec& s) {
    uint32_t uid = s.process ? s.process->user.uid : 0;
    bool userns = s.find_namespace("user") != nullptr;
    std::string text = "uid " + std::to_string(uid) + (uid == 0 && !userns ? " (host root)" : "");
    if (uid == 0 && userns)
        text += " (in a user namespace)";
    return {text, json::Value(static_cast<unsigned long>(uid)),
            uid != 0 ? 2.0
            : userns ? 1.0
                     : 0.0};
}

Cell devices(const spec::Spec& s) {
    std::vector<std::string> paths;
    if (s.linux)
        for (const auto& d : s.linux->devices)
            paths.push_back(d.path);
    return counted(paths, nullptr);
}

// Device cgroup rules that allow: an allow of everything is the weakest.
Cell device_rules(const spec::Spec& s) {
    std::vector<std::string> allowed;
    bool everything = false;
    if (s.linux && s.linux->resources)
        for (const auto& r : s.linux->resources->devices) {
            if (!r.allow)
                continue;
            std::string type = r.type.empty() ? "a" : r.type;
            everything |= (type == "a" && !r.major && !r.minor);
            allowed.push_back(type + " " + (r.major ? std::to_string(*r.major) : "*") + ":" +
                              (r.minor ? std::to_string(*r.minor) : "*") + " " +
                              (r.access.empty() ? "rwm" : r.access));
        }
    Cell c = counted(allowed, nullptr);
    if (everything) {
        c.text = "every device: " + c.text;
        c.strength = kNone;
    }
    return c;
}

Cell host_binds(const spec::Spec& s) {
    std::vector<std::string> sources;
    for (const auto& m : s.mounts)
        if (m.is_bind())
            sources.push_back(m.source + " -> " + m.destination);
    return counted(sources, nullptr);
}

// Bind sources at or under a path the built-in hardened policy forbids
// (its hostMounts list: /, /proc, /sys, /dev, /etc, the engines' sockets...).
Cell sensitive_binds(const spec::Spec& s) {
    static const std::vector<std::string> forbidden = [] {
        policy::Policy hardened = policy::parse_policy(policy::builtin_hardened_text(), "built-in");
        return hardened.host_mounts ? hardened.host_mounts->names : std::vector<std::string>{};
    }();
    std::vector<std::string> hits;
    for (const auto& m : s.mounts) {
        if (!m.is_bind())
            continue;
        for (const auto& f : forbidden)
            if (m.source == f || (f != "/" && m.source.starts_with(f + "/"))) {
                hits.push_back(m.source);
                break;
            }
    }
    return counted(hits, nullptr);
}

bool shared(const std::string& propagation) {
    return propagation == "shared" || propagation == "rshared";
}

// Shared propagation anywhere (the root or a mount) lets mounts cross
// between host and container.
Cell propagation(const spec::Spec& s) {
    std::string root = s.linux ? s.linux->rootfs_propagation : "";
    std::vector<std::string> shared_mounts;
    for (const auto& m : s.mounts)
        for (const auto& o : m.options)
            if (shared(o))
                shared_mounts.push_back(m.destination);
    std::string text = "root " + (root.empty() ? std::string("default") : root);
    if (!shared_mounts.empty())
        text += ", shared: " + join(shared_mounts, " ");
    json::Value value = json::Value::object();
    value.set("rootfsPropagation", root);
    value.set("sharedMounts", string_list(shared_mounts));
    bool weak = shared(root) || !shared_mounts.empty();
    return {text, std::move(value), weak ? 0.0 : 1.0};
}

// A limit: none is weakest; of two limits the lower is stronger.
Cell limit(std::optional<int64_t> value) {
    if (!value || *value <= 0)
        return {"none", json::Value(), kNone};
    return {std::to_string(*value), json::Value(*value), -static_cast<double>(*value)};
}

Cell pids_limit(const spec::Spec& s) {
    const auto* r = s.linux && s.linux->resources ? &*s.linux->resources : nullptr;
    return limit(r && r->pids ? r->pids->limit : std::nullopt);
}

Cell memory_limit(const spec::Spec& s) {
    const auto* r = s.linux && s.linux->resources ? &*s.linux->resources : nullptr;
    return limit(r && r->memory ? r->memory->limit : std::nullopt);
}

Cell sysctls(const spec::Spec& s) {
    std::vector<std::string> items;
    if (s.linux)
        for (const auto& [name, value] : s.linux->sysctl)
            items.push_back(name + "=" + value);
    return counted(items, nullptr);
}

Cell hooks(const spec::Spec& s) {
    std::vector<std::string> paths;
    if (s.hooks)
        for (const auto* list :
             {&s.hooks->prestart, &s.hooks->create_runtime, &s.hooks->create_container,
              &s.hooks->start_container, &s.hooks->poststart, &s.hooks->poststop})
            for (const auto& h : *list)
                paths.push_back(h.path);
    return counted(paths, nullptr);
}

constexpr char kPid[] = "pid", kNet[] = "network", kIpc[] = "ipc", kUts[] = "uts",
               kMount[] = "mount", kUser[] = "user", kCgroup[] = "cgroup", kTime[] = "time";

struct RowSpec {
    const char* area;
    const char* field;
    Describe describe;
    bool seen_live = true; // false: a running process does not show it
};

const RowSpec kRows[] = {
    {"capabilities", "process.capabilities.bounding",
     from_spec<capability_set<&spec::Capabilities::bounding>>},
    {"capabilities", "process.capabilities.effective",
     from_spec<capability_set<&spec::Capabilities::effective>>},
    {"capabilities", "process.capabilities.permitted",
     from_spec<capability_set<&spec::Capabilities::permitted>>},
    {"capabilities", "process.capabilities.inheritable",
     from_spec<capability_set<&spec::Capabilities::inheritable>>},
    {"capabilities", "process.capabilities.ambient",
     from_spec<capability_set<&spec::Capabilities::ambient>>},
    {"seccomp", "linux.seccomp.defaultAction", seccomp_default},
    {"seccomp", "linux.seccomp (allowed syscalls)", seccomp_allowed},
    {"seccomp", "linux.seccomp (dangerous allowed)", seccomp_dangerous},
    {"process", "process.noNewPrivileges", from_spec<no_new_privileges>},
    {"process", "process.user.uid", from_spec<user>},
    {"filesystem", "root.readonly", from_spec<readonly_root>},
    {"filesystem", "linux.maskedPaths", from_spec<masked_paths>},
    {"filesystem", "linux.readonlyPaths", from_spec<readonly_paths>},
    {"namespaces", "linux.namespaces[pid]", from_spec<namespace_of<kPid>>},
    {"namespaces", "linux.namespaces[network]", from_spec<namespace_of<kNet>>},
    {"namespaces", "linux.namespaces[ipc]", from_spec<namespace_of<kIpc>>},
    {"namespaces", "linux.namespaces[uts]", from_spec<namespace_of<kUts>>},
    {"namespaces", "linux.namespaces[mount]", from_spec<namespace_of<kMount>>},
    {"namespaces", "linux.namespaces[user]", from_spec<namespace_of<kUser>>},
    {"namespaces", "linux.namespaces[cgroup]", from_spec<namespace_of<kCgroup>>},
    {"namespaces", "linux.namespaces[time]", from_spec<namespace_of<kTime>>},
    {"devices", "linux.devices", from_spec<devices>, false},
    {"devices", "linux.resources.devices (allow)", from_spec<device_rules>, false},
    {"mounts", "mounts (bind)", from_spec<host_binds>, false},
    {"mounts", "mounts (sensitive host paths)", from_spec<sensitive_binds>, false},
    {"mounts", "propagation", from_spec<propagation>},
    {"limits", "linux.resources.pids.limit", from_spec<pids_limit>},
    {"limits", "linux.resources.memory.limit", from_spec<memory_limit>},
    {"kernel", "linux.sysctl", from_spec<sysctls>, false},
    {"hooks", "hooks", from_spec<hooks>, false},
};

} // namespace

Comparison compare(const std::vector<Operand>& operands) {
    Comparison out;
    std::vector<Side> sides;
    for (const auto& op : operands) {
        out.labels.push_back(op.label);
        out.kinds.push_back(op.kind);
        SeccompSummary seccomp =
            op.live
                ? (op.enforced_filter ? summarize_decoded(*op.enforced_filter) : SeccompSummary{})
                : with_context(op.label, [&] {
                      return summarize_seccomp(op.spec.linux ? op.spec.linux->seccomp
                                                             : std::nullopt);
                  });
        sides.push_back({op.spec, std::move(seccomp), op.live});
    }
    for (const auto& spec_row : kRows) {
        Row row{spec_row.area, spec_row.field, {}};
        double best = -std::numeric_limits<double>::infinity();
        for (const auto& side : sides) {
            if (side.live && !spec_row.seen_live)
                row.cells.push_back({"(not seen in a process)", json::Value(), 0, false, false});
            else
                row.cells.push_back(spec_row.describe(side));
            if (row.cells.back().seen)
                best = std::max(best, row.cells.back().strength);
        }
        for (auto& cell : row.cells)
            cell.weaker = cell.seen && cell.strength < best;
        out.rows.push_back(std::move(row));
    }
    return out;
}

} // namespace ward::audit
