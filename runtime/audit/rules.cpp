// The audit catalogue: one table, stable IDs (report.hpp).
#include "ward/audit/report.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

namespace ward::audit {
namespace {

// The standards a rule points to. CIS item numbers and titles are those of
// the CIS Docker Benchmark v1.8.0 section 5 ("Container Runtime
// Configuration"), as published in the v1.8.0-tagged control sets we could
// read (CIS's own PDF was not available); Pod Security Standards checks are
// named as the Kubernetes documentation's tables name them.
constexpr const char* kCis = "CIS Docker Benchmark v1.8.0";
constexpr const char* kPss = "Kubernetes Pod Security Standards";

Reference cis(const char* item, const char* title) {
    return {kCis, item, title};
}
Reference pss(const char* level_and_check) {
    return {kPss, level_and_check, ""};
}

const Reference kCisCaps =
    cis("5.4", "Ensure that Linux kernel capabilities are restricted within containers");
const Reference kCisPrivileged = cis("5.5", "Ensure that privileged containers are not used");
const Reference kCisHostDirs =
    cis("5.6", "Ensure sensitive host system directories are not mounted on containers");
const Reference kCisSeccomp = cis("5.22", "Ensure the default seccomp profile is not Disabled");
const Reference kPssHostNs = pss("baseline: Host Namespaces");
const Reference kPssProc = pss("baseline: /proc Mount Type");
const Reference kPssHostPath = pss("baseline: HostPath Volumes");

void add(std::vector<Rule>& all, const char* id, const char* title, Severity severity,
         const char* help, std::vector<Reference> refs = {}) {
    all.push_back({id, title, severity, help, std::move(refs)});
}

// What a config, as create would run it, allows (config_audit.cpp and the
// config_checks_*.cpp files raise these).
void add_config_rules(std::vector<Rule>& all) {
    using enum Severity;
    add(all, "WARD-CAP-001", "A capability is retained", medium,
        "Drop the capability from every set of process.capabilities unless the workload needs "
        "what it allows; the severity says how close it is to root on the host.",
        {kCisCaps, pss("baseline: Capabilities"), pss("restricted: Capabilities")});
    add(all, "WARD-CAP-002", "Every capability is retained (a privileged container)", critical,
        "Give the container only the capabilities it needs instead of the full set "
        "(docker run --privileged, a Kubernetes privileged container).",
        {kCisPrivileged, pss("baseline: Privileged Containers")});
    add(all, "WARD-CAP-003", "An inheritable or ambient capability nothing needs", high,
        "Keep process.capabilities.inheritable to what ambient needs, and ambient within "
        "permitted and inheritable: an inheritable capability reaches any program with that "
        "file capability the container executes (CVE-2022-29162).",
        {kCisCaps});
    add(all, "WARD-SECCOMP-001", "No seccomp filter", high,
        "Set linux.seccomp (ward's policies fill a built-in profile when the config has none).",
        {kCisSeccomp, pss("baseline: Seccomp"), pss("restricted: Seccomp")});
    add(all, "WARD-SECCOMP-002", "The seccomp filter allows what it does not list", high,
        "Make linux.seccomp.defaultAction deny (SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS) and list "
        "the calls the workload needs.",
        {kCisSeccomp, pss("restricted: Seccomp")});
    add(all, "WARD-SECCOMP-003", "What the seccomp filter allows", info,
        "For reference: the number of system calls the filter allows, per architecture, as "
        "libseccomp compiles it.",
        {kCisSeccomp});
    add(all, "WARD-SECCOMP-004", "The seccomp filter allows a dangerous system call", high,
        "Remove the call from the profile's allowed syscalls (or allow it only for the "
        "arguments the workload uses) unless the workload needs it.",
        {kCisSeccomp});
    add(all, "WARD-NNP-001", "Privileges can be gained on execve (no_new_privs not set)", medium,
        "Set process.noNewPrivileges to true so setuid/setgid and file capabilities cannot "
        "raise privileges.",
        {cis("5.26", "Ensure that the container is restricted from acquiring additional "
                     "privileges"),
         pss("restricted: Privilege Escalation")});
    add(all, "WARD-ROOTFS-001", "The root filesystem is writable", medium,
        "Set root.readonly to true and give the workload tmpfs or volume mounts where it "
        "writes.",
        {cis("5.13", "Ensure that the container's root filesystem is mounted as read only")});
    add(all, "WARD-PATHS-001", "A kernel path is not masked", medium,
        "Add the path to linux.maskedPaths (runc's and Docker's defaults mask it).", {kPssProc});
    add(all, "WARD-PATHS-002", "A kernel path is not read-only", medium,
        "Add the path to linux.readonlyPaths (runc's and Docker's defaults make it read-only).",
        {kPssProc});
    add(all, "WARD-PATHS-003", "/proc is unmasked", high,
        "Give linux.maskedPaths and linux.readonlyPaths the standard sets: with neither, /proc "
        "is mounted as a Kubernetes procMount: Unmasked container sees it.",
        {kPssProc});
}

// Namespaces, devices and host mounts: what the container shares with the host.
void add_config_rules_host(std::vector<Rule>& all) {
    using enum Severity;
    const char* new_ns = "Add a namespace of this type (no path) to linux.namespaces.";
    add(all, "WARD-NS-001", "The host's PID namespace is shared", high, new_ns,
        {cis("5.16", "Ensure that the host's process namespace is not shared"), kPssHostNs});
    add(all, "WARD-NS-002", "The host's network namespace is shared", high, new_ns,
        {cis("5.10", "Ensure that the host's network namespace is not shared"), kPssHostNs});
    add(all, "WARD-NS-003", "The host's IPC namespace is shared", medium, new_ns,
        {cis("5.17", "Ensure that the host's IPC namespace is not shared"), kPssHostNs});
    add(all, "WARD-NS-004", "The host's UTS namespace is shared", low, new_ns,
        {cis("5.21", "Ensure that the host's UTS namespace is not shared")});
    add(all, "WARD-NS-005", "The host's user namespace is shared", low,
        "Add a user namespace with uidMappings/gidMappings, so root in the container is an "
        "unprivileged user on the host.",
        {cis("5.31", "Ensure that the host's user namespaces are not shared")});
    add(all, "WARD-NS-006", "The host's cgroup namespace is shared", low, new_ns);
    add(all, "WARD-NS-007", "The host's mount namespace is shared", critical, new_ns);
    add(all, "WARD-NS-008", "A namespace is joined by path", medium,
        "Join only another container's namespace (a pod's sandbox), never the host's; a "
        "config alone cannot tell which it is, a bundle audit looks.",
        {kPssHostNs});
    add(all, "WARD-DEV-001", "A host device is exposed", high,
        "Remove the device from linux.devices unless the workload needs it.",
        {cis("5.18", "Ensure that host devices are not directly exposed to containers")});
    add(all, "WARD-DEV-002", "The device cgroup allows every device", critical,
        "Allow only the devices the workload uses in linux.resources.devices (deny all first).",
        {kCisPrivileged, pss("baseline: Privileged Containers")});
    add(all, "WARD-MOUNT-001", "A sensitive host directory is mounted", high,
        "Do not bind-mount the host's system directories; give the container a copy or a "
        "dedicated directory.",
        {kCisHostDirs, kPssHostPath});
    add(all, "WARD-MOUNT-002", "A container engine's socket is mounted", critical,
        "Remove the mount: whoever talks to the engine's socket can start a privileged "
        "container on the host.",
        {cis("5.32", "Ensure that the Docker socket is not mounted inside any containers"),
         kPssHostPath});
    add(all, "WARD-MOUNT-003", "Mount propagation is shared", medium,
        "Use private, slave or unbindable propagation (rootfsPropagation and mount options).",
        {cis("5.20", "Ensure mount propagation mode is not set to shared")});
    add(all, "WARD-MOUNT-004", "A filesystem type the policy does not allow is mounted", medium,
        "Mount only the filesystem types containers need (bind, proc, sysfs, tmpfs, devpts, "
        "mqueue, cgroup2).");
    add(all, "WARD-MOUNT-005", "A host path is bind-mounted", info,
        "For reference: each host directory or file the container sees; check it is meant to "
        "be shared.",
        {kPssHostPath});
}

// Identity, limits, kernel settings, hooks and where the rootfs came from.
void add_config_rules_process(std::vector<Rule>& all) {
    using enum Severity;
    add(all, "WARD-USER-001", "The process runs as root", medium,
        "Set process.user.uid to a non-root user, or add a user namespace so root in the "
        "container is not root on the host.",
        {pss("restricted: Running as Non-root"), pss("restricted: Running as Non-root user")});
    add(all, "WARD-RES-001", "No PIDs limit", medium,
        "Set linux.resources.pids.limit so a fork bomb stays in the container.",
        {cis("5.29", "Ensure that the PIDs cgroup limit is used")});
    add(all, "WARD-RES-002", "No memory limit", medium,
        "Set linux.resources.memory.limit so the container cannot exhaust the host's memory.",
        {cis("5.11", "Ensure that the memory usage for containers is limited")});
    add(all, "WARD-RES-003", "A limit this host cannot enforce", medium,
        "The host's cgroup2 hierarchy has no controller for the limit: enable it, or accept "
        "that the limit is not applied (the policy's unavailableLimits rule).");
    add(all, "WARD-SYSCTL-001", "A kernel parameter is set", low,
        "Set only namespaced sysctls the workload needs; those outside the Pod Security "
        "Standards' safe set reach further than the container.",
        {pss("baseline: Sysctls")});
    add(all, "WARD-HOOK-001", "A hook runs on the host as root", medium,
        "Each hook path is a host program ward runs as root before or after the container: "
        "keep only hooks you trust, and list them in the policy's hooks rule.");
    add(all, "WARD-UNIT-001", "An annotation sets a systemd unit property", low,
        "An org.systemd.property.NAME annotation sets NAME on the container's systemd scope "
        "(with --systemd-cgroup), after ward's own properties: keep those that only describe, "
        "order or stop the scope; one that allows devices, network access or BPF programs or "
        "changes delegation (high severity) can undo the confinement, and a dependency or an "
        "action (medium) starts or stops other units or the host (the policy's "
        "systemdProperties rule).");
    add(all, "WARD-RLIMIT-001", "A resource limit (ulimit) is set", info,
        "Set process.rlimits only where the workload needs other values than the defaults; "
        "an unlimited hard limit lets the container raise its soft limit without bound.",
        {cis("5.19", "Ensure that the default ulimit is overwritten at runtime if needed")});
    add(all, "WARD-MAC-001", "No AppArmor profile", info,
        "Set process.apparmorProfile where the host runs AppArmor.",
        {cis("5.2", "Ensure that, if applicable, an AppArmor Profile is enabled"),
         pss("baseline: AppArmor")});
    add(all, "WARD-MAC-002", "No SELinux label", info,
        "Set process.selinuxLabel where the host runs SELinux.",
        {cis("5.3", "Ensure that, if applicable, SELinux security options are set"),
         pss("baseline: SELinux")});
    add(all, "WARD-MAC-003", "No Landlock ruleset", low,
        "Set process.landlock, or use a policy whose landlock rule fills one (hardened): "
        "Landlock refuses writes and executions outside the ruleset even to root with every "
        "capability.");
    add(all, "WARD-MAC-004", "The Landlock ruleset applied", info,
        "What process.landlock lets the container do; a right the kernel's ABI lacks is "
        "dropped at start (or refused with disableBestEffort).");
    add(all, "WARD-TRUST-001", "Where the root filesystem comes from", info,
        "Run images imported into ward's store (checked against the policy's trust section) "
        "or bundles signed with `ward sign`.");
    add(all, "WARD-POLICY-001", "Another rule of the policy is broken", medium,
        "See the policy finding; ward-policy(5) describes the rule.");
}

// Live rules: what the kernel enforces on a running process (any process,
// from /proc and ptrace), then declared-vs-enforced differences for a ward
// container. Titles say what was found; help says what to change.
void add_live_rules(std::vector<Rule>& all) {
    auto add = [&](std::string id, std::string title, Severity sev, std::string help,
                   std::vector<Reference> refs = {}) {
        all.push_back(Rule{std::move(id), std::move(title), sev, std::move(help), std::move(refs)});
    };
    add("WARD-LIVE-001", "The process holds capabilities", Severity::medium,
        "Drop every capability the workload does not need (process.capabilities); the bounding "
        "set is what any program it executes can regain.",
        {kCisCaps, pss("restricted: Capabilities")});
    add("WARD-LIVE-002", "no_new_privs is off", Severity::medium,
        "Set process.noNewPrivileges: setuid and file-capability programs can then raise "
        "privileges.",
        {cis("5.26",
             "Ensure that the container is restricted from acquiring additional privileges"),
         pss("restricted: Privilege Escalation")});
    add("WARD-LIVE-003", "No seccomp filter", Severity::high,
        "Run it under a seccomp filter (linux.seccomp, or a policy that fills one).",
        {cis("5.22", "Ensure the default seccomp profile is not Disabled"),
         pss("restricted: Seccomp")});
    add("WARD-LIVE-004", "The enforced seccomp filter allows dangerous system calls",
        Severity::medium, "Deny the listed calls in the profile unless the workload needs them.");
    add("WARD-LIVE-005", "A namespace is shared with the host", Severity::high,
        "Give the process a namespace of its own of this type (linux.namespaces without a path).",
        {pss("baseline: Host Namespaces")});
    add("WARD-LIVE-006", "The root filesystem is writable", Severity::low,
        "Mount the root read-only (root.readonly) and write to volumes.",
        {cis("5.13", "Ensure that the container's root filesystem is mounted as read only")});
    add("WARD-LIVE-007", "A kernel path is not masked", Severity::medium,
        "Mask it (linux.maskedPaths): a bind of /dev/null over a file, an empty read-only tmpfs "
        "over a directory.",
        {pss("baseline: /proc Mount Type")});
    add("WARD-LIVE-008", "A kernel path is writable", Severity::medium,
        "Mount it read-only (linux.readonlyPaths).", {pss("baseline: /proc Mount Type")});
    add("WARD-LIVE-009", "The root mount shares propagation", Severity::medium,
        "Use private or slave propagation (linux.rootfsPropagation): a shared root lets mounts "
        "cross between the container and the host.",
        {cis("5.20", "Ensure mount propagation mode is not set to shared")});
    add("WARD-LIVE-010", "Runs as root without a user namespace", Severity::medium,
        "Run as a non-root user (process.user) or in a user namespace (linux.uidMappings).",
        {pss("restricted: Running as Non-root")});
    add("WARD-LIVE-011", "No limit enforced", Severity::low,
        "Set the limit (linux.resources.pids.limit, linux.resources.memory.limit).",
        {cis("5.29", "Ensure that the PIDs cgroup limit is used"),
         cis("5.11", "Ensure that the memory usage for containers is limited")});
    add("WARD-LIVE-012", "Could not be read back", Severity::info,
        "Nothing is assumed about what could not be read; the finding says why (a controller "
        "missing from cgroup2, a filter the kernel would not export).");
    // Declared (the config as run, with the policy's fill) against enforced.
    add("WARD-LIVE-101", "A capability set differs from the declared one", Severity::high,
        "Declare the sets the kernel will really give: execve keeps only what the bounding "
        "and inheritable sets allow, and gives uid 0 its bounding set.");
    add("WARD-LIVE-102", "no_new_privs differs from the declared value", Severity::high,
        "Check what else sets or clears it (a wrapper, the runtime).");
    add("WARD-LIVE-103", "The enforced seccomp filter differs from the declared profile",
        Severity::high,
        "The process runs under another filter than its config says: look for filters stacked "
        "by the workload or a wrapper, or a profile changed after create.");
    add("WARD-LIVE-104", "The root filesystem's read-only state differs from the declared one",
        Severity::high, "Check for a remount after create.");
    add("WARD-LIVE-105", "A masked or read-only path is not as declared", Severity::high,
        "Check the path exists in the rootfs as expected and was not remounted.");
    add("WARD-LIVE-106", "A namespace is not as declared", Severity::high,
        "A namespace declared new is the host's, or one declared joined is another.");
    add("WARD-LIVE-107", "The process's user or groups differ from the declared ones",
        Severity::high, "Check for a setuid program or a changed config.");
    add("WARD-LIVE-108", "A declared limit is not enforced", Severity::high,
        "Set the limit where the host has the controller, or choose a host that has it.");
    add("WARD-LIVE-109", "The policy filled it: enforced, but not in the bundle's config",
        Severity::info, "Nothing to change: write it into the config to make it explicit.");
}

std::vector<Rule> make_rules() {
    std::vector<Rule> all;
    // -- config rules (what a config, as create would run it, allows) --
    add_config_rules(all);
    add_config_rules_host(all);
    add_config_rules_process(all);
    // -- live rules (what the kernel enforces on a running process, and
    //    where that differs from what was declared) --
    add_live_rules(all);
    return all;
}

} // namespace

const std::vector<Rule>& rules() {
    static const std::vector<Rule> all = make_rules();
    return all;
}

const Rule& rule(std::string_view id) {
    for (const auto& r : rules())
        if (r.id == id)
            return r;
    throw Error("audit: no rule " + quote(id));
}

Finding finding(std::string_view rule_id, std::string path, json::Value value,
                std::string message) {
    Finding f;
    f.rule_id = std::string(rule_id);
    f.severity = rule(rule_id).severity;
    f.path = std::move(path);
    f.value = std::move(value);
    f.message = std::move(message);
    return f;
}

} // namespace ward::audit
