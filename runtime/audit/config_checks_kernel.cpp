// What the container shares with the host's kernel: namespaces (left out,
// or joined by path), sysctls, hooks (host programs run as root), systemd
// unit properties set by annotations, and the pids and memory limits that
// keep it from exhausting the host.
#include "config_checks.hpp"
#include "ward/base/strings.hpp"
#include "ward/spec/unit_properties.hpp"

#include <algorithm>
#include <array>

namespace ward::audit {
namespace {

struct NamespaceRule {
    const char* type;
    const char* rule_id;
    const char* shared; // what sharing the host's gives
};

constexpr std::array kNamespaces = {
    NamespaceRule{"pid", "WARD-NS-001", "sees and signals every host process"},
    NamespaceRule{"network", "WARD-NS-002",
                  "uses the host's interfaces, ports and local services (hostNetwork)"},
    NamespaceRule{"ipc", "WARD-NS-003", "reaches the host's shared memory and message queues"},
    NamespaceRule{"uts", "WARD-NS-004", "can change the host's hostname"},
    NamespaceRule{"user", "WARD-NS-005",
                  "runs with the host's user IDs: its root is root on the host"},
    NamespaceRule{"cgroup", "WARD-NS-006", "sees the host's cgroup tree"},
    NamespaceRule{"mount", "WARD-NS-007", "mounts in the host's mount table"},
};

// Kubernetes' safe sysctls (Pod Security Standards baseline: Sysctls).
constexpr std::string_view kSafeSysctls[] = {"kernel.shm_rmid_forced",
                                             "net.ipv4.ip_local_port_range",
                                             "net.ipv4.ip_unprivileged_port_start",
                                             "net.ipv4.tcp_syncookies",
                                             "net.ipv4.ping_group_range",
                                             "net.ipv4.ip_local_reserved_ports",
                                             "net.ipv4.tcp_keepalive_time",
                                             "net.ipv4.tcp_fin_timeout",
                                             "net.ipv4.tcp_keepalive_intvl",
                                             "net.ipv4.tcp_keepalive_probes"};

// Unit properties whose purpose is access control, or that make the scope
// ward's: set by an annotation, they can undo the device filter, network
// isolation or the cgroup itself (high); those that reach other units or
// the host (a dependency starts or stops a service, an *Action can reboot)
// are medium; the rest describe, order, stop or limit the scope (low).
Severity unit_property_severity(std::string_view property) {
    for (std::string_view prefix : {"Device", "IPAddress", "IPIngress", "IPEgress", "BPFProgram",
                                    "SocketBind", "RestrictNetworkInterfaces", "Delegate"})
        if (property.starts_with(prefix))
            return Severity::high;
    if (property == "PIDs" || property == "Slice")
        return Severity::high;
    for (std::string_view dependency :
         {"Wants", "Requires", "Requisite", "BindsTo", "PartOf", "Upholds", "Conflicts",
          "OnFailure", "OnSuccess", "PropagatesReloadTo", "ReloadPropagatedFrom",
          "PropagatesStopTo", "StopPropagatedFrom", "JoinsNamespaceOf"})
        if (property == dependency)
            return Severity::medium;
    return property.ends_with("Action") ? Severity::medium : Severity::low;
}

// org.systemd.property.* annotations: properties of the container's scope
// under the systemd cgroup driver.
void check_unit_properties(ConfigChecks& c) {
    for (const auto& a : spec::unit_property_annotations(c.spec)) {
        Finding& f =
            c.add("WARD-UNIT-001", "annotations[" + quote(a.key) + "]", json::Value(a.value),
                  "sets the unit property " + a.property +
                      " of the container's systemd scope (with --systemd-cgroup)",
                  "systemdProperties", "annotations", a.key);
        f.severity = unit_property_severity(a.property);
    }
}

// runtime-spec: createContainer runs a host program in the container's
// namespaces; startContainer a program of the container's filesystem.
std::string hook_where(std::string_view kind) {
    if (kind == "createContainer")
        return "in the container's namespaces (a host program)";
    if (kind == "startContainer")
        return "in the container (a program of its filesystem)";
    return "on the host";
}

void check_joined(ConfigChecks& c, const spec::Namespace& ns, size_t index) {
    std::string field = "linux.namespaces[" + std::to_string(index) + "].path";
    auto fact = std::find_if(c.facts.joined.begin(), c.facts.joined.end(),
                             [&](const policy::JoinedNamespace& j) { return j.type == ns.type; });
    std::string message = ns.type + " namespace joined from " + ns.path;
    Severity severity = Severity::medium;
    if (fact == c.facts.joined.end()) {
        message += ": not known whether it is the host's (a config alone is judged by its "
                   "strings)";
    } else if (fact->host) {
        message += ": the host's own " + ns.type + " namespace";
        severity = Severity::high;
    } else {
        message += ": another container's, not the host's";
        severity = Severity::info;
    }
    Finding& f =
        c.add("WARD-NS-008", field, json::Value(ns.path), message, "namespaces", field, ns.type);
    f.severity = severity;
}

} // namespace

void check_namespaces(ConfigChecks& c) {
    for (const auto& n : kNamespaces) {
        const spec::Namespace* ns = c.spec.find_namespace(n.type);
        if (!ns) {
            c.add(n.rule_id, "linux.namespaces", json::Value(n.type),
                  std::string("no ") + n.type + " namespace: the container " + n.shared,
                  "namespaces", "linux.namespaces", n.type);
            continue;
        }
        if (!ns->path.empty())
            check_joined(c, *ns, static_cast<size_t>(ns - c.spec.linux->namespaces.data()));
    }
}

void check_kernel(ConfigChecks& c) {
    if (c.spec.linux)
        for (const auto& [name, value] : c.spec.linux->sysctl) {
            bool safe = std::find(std::begin(kSafeSysctls), std::end(kSafeSysctls), name) !=
                        std::end(kSafeSysctls);
            Finding& f = c.add(
                "WARD-SYSCTL-001", "linux.sysctl[" + quote(name) + "]", json::Value(value),
                name + " = " + value +
                    (safe ? " (a Kubernetes safe sysctl)" : " (outside Kubernetes' safe sysctls)"),
                "sysctls", "linux.sysctl", name);
            if (!safe)
                f.severity = Severity::medium;
        }
    if (c.spec.hooks) {
        const std::pair<const char*, const std::vector<spec::Hook>*> kinds[] = {
            {"prestart", &c.spec.hooks->prestart},
            {"createRuntime", &c.spec.hooks->create_runtime},
            {"createContainer", &c.spec.hooks->create_container},
            {"startContainer", &c.spec.hooks->start_container},
            {"poststart", &c.spec.hooks->poststart},
            {"poststop", &c.spec.hooks->poststop},
        };
        for (const auto& [kind, hooks] : kinds)
            for (size_t i = 0; i < hooks->size(); ++i) {
                std::string field =
                    std::string("hooks.") + kind + "[" + std::to_string(i) + "].path";
                const std::string& path = (*hooks)[i].path;
                c.add("WARD-HOOK-001", field, json::Value(path),
                      path + " runs as root " + hook_where(kind) + " (" + kind + ")", "hooks",
                      field);
            }
    }
    check_unit_properties(c);
    const spec::Resources* r =
        c.spec.linux && c.spec.linux->resources ? &*c.spec.linux->resources : nullptr;
    if (!(r && r->pids && r->pids->limit.value_or(0) > 0))
        c.add("WARD-RES-001", "linux.resources.pids.limit",
              r && r->pids && r->pids->limit ? json::Value(*r->pids->limit) : json::Value(),
              "no limit on the number of processes", "resources", "linux.resources.pids.limit");
    if (!(r && r->memory && r->memory->limit.value_or(0) > 0))
        c.add("WARD-RES-002", "linux.resources.memory.limit",
              r && r->memory && r->memory->limit ? json::Value(*r->memory->limit) : json::Value(),
              "no memory limit", "resources", "linux.resources.memory.limit");
}

} // namespace ward::audit
