// evaluate(policy, spec): one finding per violation. Each message names the
// config field, the offending value and what the policy allows, because the
// person reading a refusal must be able to fix the config from it alone.
#include "checker.hpp"
#include "ward/base/error.hpp"
#include "ward/policy/host_mounts.hpp"
#include "ward/spec/unit_properties.hpp"

#include <algorithm>
#include <filesystem>

namespace ward::policy {
namespace {

void check_seccomp(const SeccompRule& rule, const spec::Spec& s, Checker& c) {
    const auto* sc = s.linux && s.linux->seccomp ? &*s.linux->seccomp : nullptr;
    if (!sc) {
        c.add("seccomp", rule.action, "linux.seccomp", "",
              "linux.seccomp is not set, required: a seccomp profile");
        return;
    }
    // SCMP_ACT_LOG allows too: it only logs what it lets through.
    if (sc->default_action == "SCMP_ACT_ALLOW" || sc->default_action == "SCMP_ACT_LOG")
        c.add("seccomp", rule.action, "linux.seccomp.defaultAction", "",
              "linux.seccomp.defaultAction is " + sc->default_action +
                  ", allowed: an action that denies (not SCMP_ACT_ALLOW or SCMP_ACT_LOG)");
}

void check_true(const char* rule_name, const char* field, const TrueRule& rule,
                std::optional<bool> value, Checker& c) {
    if (value == true)
        return;
    std::string is = value ? "false" : "not set";
    c.add(rule_name, rule.action, field, "", std::string(field) + " is " + is + ", required: true");
}

void check_paths(const char* rule_name, const char* field, const PathsRule& rule,
                 const std::optional<std::vector<std::string>>& have, Checker& c) {
    for (const auto& path : rule.required)
        if (!have || !contains(*have, path))
            c.add(rule_name, rule.action, field, path,
                  std::string(field) + " does not contain " + path +
                      ", required: " + listed(rule.required));
}

// What a client calls sharing the host's namespace of this type, so the
// person reading the refusal knows which of their settings asked for it.
std::string host_namespace_setting(const std::string& type) {
    if (type == "network")
        return " (a Kubernetes hostNetwork pod, --network host)";
    if (type == "pid")
        return " (a Kubernetes hostPID pod, --pid host)";
    if (type == "ipc")
        return " (a Kubernetes hostIPC pod, --ipc host)";
    if (type == "uts")
        return " (--uts host; containerd gives a hostNetwork pod the host's too)";
    return "";
}

// A namespace a config leaves out is the host's: refused, as Kubernetes'
// baseline Pod Security Standard refuses hostNetwork, hostPID and hostIPC.
// So a hostNetwork pod, whose sandbox has neither a network nor a uts
// namespace, is refused on purpose: its containers would see and bind the
// host's interfaces. A joined one is fine when create found it is not the
// host's: it is another container's, the pod sandbox's that containerd and
// CRI-O join.
void check_namespaces(const NamespacesRule& rule, const spec::Spec& s, const CreateFacts& facts,
                      Checker& c) {
    std::string required = "new " + listed(rule.required) +
                           " namespaces (or joined from another container, such as a pod's "
                           "sandbox; never the host's)";
    for (const auto& type : rule.required) {
        const spec::Namespace* ns = s.find_namespace(type);
        if (!ns) {
            c.add("namespaces", rule.action, "linux.namespaces", type,
                  "linux.namespaces has no " + type +
                      " namespace: the container would share "
                      "the host's" +
                      host_namespace_setting(type) + ", required: " + required);
            continue;
        }
        if (ns->path.empty())
            continue;
        auto joined = std::find_if(facts.joined.begin(), facts.joined.end(),
                                   [&](const JoinedNamespace& j) { return j.type == type; });
        if (joined != facts.joined.end() && !joined->host)
            continue;
        std::string what = joined != facts.joined.end() ? ", the host's own " + type + " namespace"
                                                        : " (not known to be another container's)";
        size_t index = static_cast<size_t>(ns - s.linux->namespaces.data());
        c.add("namespaces", rule.action, "linux.namespaces[" + std::to_string(index) + "].path",
              type,
              "linux.namespaces " + type + " joins " + ns->path + what + ", required: " + required);
    }
}

void check_devices(const ListRule& rule, const spec::Spec& s, Checker& c) {
    if (!s.linux)
        return;
    for (size_t i = 0; i < s.linux->devices.size(); ++i) {
        const auto& dev = s.linux->devices[i];
        if (!contains(rule.names, dev.path))
            c.add("devices", rule.action, "linux.devices[" + std::to_string(i) + "].path", dev.path,
                  "linux.devices contains " + dev.path + ", allowed: " + listed(rule.names));
    }
    if (!s.linux->resources)
        return;
    const auto& rules = s.linux->resources->devices;
    for (size_t i = 0; i < rules.size(); ++i) {
        const auto& r = rules[i];
        bool any_type = r.type.empty() || r.type == "a";
        if (r.allow && any_type && !r.major && !r.minor)
            c.add("devices", rule.action, "linux.resources.devices[" + std::to_string(i) + "]", "",
                  "linux.resources.devices[" + std::to_string(i) +
                      "] allows every device, allowed: " + listed(rule.names));
    }
}

// A source is sensitive when it is a forbidden path or lies under one
// ("/proc/1/root" is worse than "/proc"); "/" matches only itself.
bool forbidden_source(const std::string& source, const std::vector<std::string>& forbidden) {
    std::string src = std::filesystem::path(source).lexically_normal().string();
    while (src.size() > 1 && src.back() == '/')
        src.pop_back();
    for (const auto& f : forbidden) {
        if (src == f)
            return true;
        if (f != "/" && starts_with(src, f) && src.size() > f.size() && src[f.size()] == '/')
            return true;
    }
    return false;
}

// The configured strings first (all `ward policy check` can judge), then,
// when create opened the sources, what each really is on this host.
void check_host_mounts(const Policy& p, const ListRule& rule, const spec::Spec& s,
                       const CreateFacts& facts, Checker& c, std::vector<Finding>& out) {
    std::vector<size_t> flagged;
    for (size_t i = 0; i < s.mounts.size(); ++i) {
        const auto& m = s.mounts[i];
        if (m.is_bind() && forbidden_source(m.source, rule.names)) {
            c.add("hostMounts", rule.action, "mounts[" + std::to_string(i) + "].source", "",
                  "mounts[" + std::to_string(i) + "].source is " + m.source +
                      ", forbidden: " + listed(rule.names));
            flagged.push_back(i);
        }
    }
    auto opened =
        evaluate_opened_sources(p, facts.bind_sources, facts.forbidden, s.mounts, flagged);
    out.insert(out.end(), opened.begin(), opened.end());
}

bool sysctl_allowed(const std::string& name, const std::vector<std::string>& allowed) {
    for (const auto& a : allowed) {
        if (a == name)
            return true;
        if (a.size() > 1 && a.ends_with("*") && starts_with(name, a.substr(0, a.size() - 1)))
            return true;
    }
    return false;
}

// What the mount code (linux/mounts.cpp) makes of a mount: any mount with a
// bind option is a bind mount whatever its type says, and "cgroup" is
// mounted as cgroup2.
std::string mounted_type(const spec::Mount& m) {
    if (m.is_bind())
        return "bind";
    return m.type == "cgroup" ? "cgroup2" : m.type;
}

void check_mount_types(const ListRule& rule, const spec::Spec& s, Checker& c) {
    for (size_t i = 0; i < s.mounts.size(); ++i) {
        const auto& m = s.mounts[i];
        std::string type = mounted_type(m);
        if (contains(rule.names, type))
            continue;
        std::string is = m.type.empty() ? "not set" : m.type;
        if (type != m.type && !m.type.empty())
            is += " (mounted as " + type + ")";
        c.add("mountTypes", rule.action, "mounts[" + std::to_string(i) + "].type", "",
              "mounts[" + std::to_string(i) + "].type is " + is +
                  ", allowed: " + listed(rule.names));
    }
}

// Hooks are host programs ward runs as root: a config that names one runs
// it on the host, whatever the container itself may do.
void check_hooks(const ListRule& rule, const spec::Spec& s, Checker& c) {
    if (!s.hooks || contains(rule.names, "*"))
        return;
    const std::pair<const char*, const std::vector<spec::Hook>*> kinds[] = {
        {"prestart", &s.hooks->prestart},
        {"createRuntime", &s.hooks->create_runtime},
        {"createContainer", &s.hooks->create_container},
        {"startContainer", &s.hooks->start_container},
        {"poststart", &s.hooks->poststart},
        {"poststop", &s.hooks->poststop},
    };
    for (const auto& [kind, hooks] : kinds)
        for (size_t i = 0; i < hooks->size(); ++i) {
            const std::string& path = (*hooks)[i].path;
            std::string normal = std::filesystem::path(path).lexically_normal().string();
            if (!contains(rule.names, normal))
                c.add("hooks", rule.action,
                      std::string("hooks.") + kind + "[" + std::to_string(i) + "].path", "",
                      std::string("hooks.") + kind + "[" + std::to_string(i) + "].path is " + path +
                          ", allowed: " + listed(rule.names));
        }
}

void check_sysctls(const ListRule& rule, const spec::Spec& s, Checker& c) {
    if (!s.linux)
        return;
    for (const auto& [name, value] : s.linux->sysctl)
        if (!sysctl_allowed(name, rule.names))
            c.add("sysctls", rule.action, "linux.sysctl", name,
                  "linux.sysctl contains " + name + ", allowed: " + listed(rule.names));
}

void check_propagation(const PlainRule& rule, const spec::Spec& s, Checker& c) {
    const char* allowed = ", allowed: private, rprivate, slave, rslave, unbindable, runbindable";
    if (s.linux &&
        (s.linux->rootfs_propagation == "shared" || s.linux->rootfs_propagation == "rshared"))
        c.add("mountPropagation", rule.action, "linux.rootfsPropagation", "",
              "linux.rootfsPropagation is " + s.linux->rootfs_propagation + allowed);
    for (size_t i = 0; i < s.mounts.size(); ++i)
        for (const char* opt : {"shared", "rshared"})
            if (contains(s.mounts[i].options, opt))
                c.add("mountPropagation", rule.action, "mounts[" + std::to_string(i) + "].options",
                      opt, "mounts[" + std::to_string(i) + "].options contains " + opt + allowed);
}

void check_resources(const ListRule& rule, const spec::Spec& s, Checker& c) {
    const spec::Resources* r = s.linux && s.linux->resources ? &*s.linux->resources : nullptr;
    for (const auto& name : rule.names) {
        bool set =
            // 0 and -1 ask for no limit (runtime-spec, runc): not a limit.
            name == "pids" ? r && r->pids && r->pids->limit.value_or(0) > 0
                           : r && r->memory && r->memory->limit.value_or(0) > 0;
        if (!set)
            c.add("resources", rule.action, "linux.resources." + name + ".limit", "",
                  "linux.resources." + name + ".limit is not set, required: a limit");
    }
}

// A ruleset the kernel cannot apply is a warning whatever the rule says:
// the config decides (disableBestEffort refuses at start, else it runs
// without). A missing one is a finding only when the rule requires it.
void check_landlock(const LandlockRule& rule, const spec::Spec& s, const CreateFacts& facts,
                    Checker& c) {
    if (!s.process)
        return;
    if (!s.process->landlock) {
        if (rule.required)
            c.add("landlock", rule.action, "process.landlock", "",
                  "process.landlock is not set, required: a Landlock ruleset");
        return;
    }
    if (facts.landlock_abi && *facts.landlock_abi == 0)
        c.add("landlock", Action::warn, "process.landlock", "",
              "process.landlock cannot be applied: this kernel has no Landlock (Linux 5.13+ "
              "with landlock in its lsm= list)" +
                  std::string(s.process->landlock->disable_best_effort
                                  ? "; disableBestEffort is set, so the start will fail"
                                  : "; the container runs without it"));
}

// org.systemd.property.* annotations become properties of the container's
// scope (under the systemd cgroup driver only): each must be one the rule
// allows. Without the rule none is.
void check_systemd_properties(const Policy& p, const spec::Spec& s, const CreateFacts& facts,
                              Checker& c) {
    if (facts.systemd_cgroup == false)
        return;
    const ListRule* rule = p.systemd_properties ? &*p.systemd_properties : nullptr;
    if (rule && contains(rule->names, "*"))
        return;
    Action action = rule ? rule->action : Action::enforce;
    std::string allowed = rule ? "unit properties " + listed(rule->names)
                               : "no unit properties (the policy has no systemdProperties rule)";
    for (const auto& a : spec::unit_property_annotations(s)) {
        if (rule && contains(rule->names, a.property))
            continue;
        std::string as = a.seconds ? " (" + a.property + ")" : "";
        c.add("systemdProperties", action, "annotations", a.key,
              "annotations contains " + a.key + as + ", allowed: " + allowed);
    }
}

} // namespace

std::vector<Finding> evaluate(const Policy& p, const spec::Spec& s, const CreateFacts& facts) {
    std::vector<Finding> out;
    Checker c(p, out);
    if (p.seccomp)
        check_seccomp(*p.seccomp, s, c);
    if (s.process)
        check_process(p, *s.process, c);
    if (p.readonly_root)
        check_true("readonlyRoot", "root.readonly", *p.readonly_root,
                   s.root ? s.root->readonly : std::nullopt, c);
    std::optional<std::vector<std::string>> none;
    if (p.masked_paths)
        check_paths("maskedPaths", "linux.maskedPaths", *p.masked_paths,
                    s.linux ? s.linux->masked_paths : none, c);
    if (p.readonly_paths)
        check_paths("readonlyPaths", "linux.readonlyPaths", *p.readonly_paths,
                    s.linux ? s.linux->readonly_paths : none, c);
    if (p.namespaces)
        check_namespaces(*p.namespaces, s, facts, c);
    if (p.devices)
        check_devices(*p.devices, s, c);
    if (p.host_mounts)
        check_host_mounts(p, *p.host_mounts, s, facts, c, out);
    if (p.mount_types)
        check_mount_types(*p.mount_types, s, c);
    if (p.sysctls)
        check_sysctls(*p.sysctls, s, c);
    if (p.mount_propagation)
        check_propagation(*p.mount_propagation, s, c);
    if (p.hooks)
        check_hooks(*p.hooks, s, c);
    // Without pivot_root the root is a move plus chroot: the host's mounts
    // stay in the mount namespace for whoever escapes the chroot.
    if (p.no_pivot && facts.no_pivot)
        c.add("noPivot", p.no_pivot->action, "", "--no-pivot",
              "--no-pivot is set, required: pivot_root into the rootfs (leave --no-pivot out)");
    if (p.resources)
        check_resources(*p.resources, s, c);
    if (p.landlock)
        check_landlock(*p.landlock, s, facts, c);
    check_systemd_properties(p, s, facts, c);
    return out;
}

std::vector<Finding> evaluate_unavailable(const Policy& p,
                                          const std::vector<UnavailableLimit>& limits,
                                          const std::string& hierarchy,
                                          const std::vector<std::string>& available) {
    std::vector<Finding> out;
    Checker c(p, out);
    Action action = p.unavailable_limits ? p.unavailable_limits->action : Action::enforce;
    std::vector<std::string> seen;
    for (const auto& l : limits) {
        if (contains(seen, l.field))
            continue;
        seen.push_back(l.field);
        c.add("unavailableLimits", action, l.field, l.controller,
              l.field + " needs the " + l.controller +
                  " controller, which the cgroup2 hierarchy at " + hierarchy +
                  " does not have (it has: " + listed(available) + ")" +
                  (action == Action::warn ? "; not applied" : ""));
    }
    return out;
}

bool refuses(const std::vector<Finding>& findings) {
    return std::any_of(findings.begin(), findings.end(),
                       [](const Finding& f) { return f.action == Action::enforce; });
}

} // namespace ward::policy
