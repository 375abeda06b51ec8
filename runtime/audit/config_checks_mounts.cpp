// The filesystem the container sees: a writable root, /proc and /sys paths
// left unmasked, host paths bind-mounted (as create resolves them for a
// bundle), engine sockets, shared propagation, filesystem types, devices.
#include "config_checks.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>
#include <filesystem>
#include <span>
#include <string_view>

namespace ward::audit {
namespace {

// runc's and Docker's defaults (runc spec, moby's oci defaults), which
// ward's policies require too.
constexpr std::string_view kMasked[] = {
    "/proc/acpi",          "/proc/asound",     "/proc/kcore",       "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/proc/scsi",          "/sys/firmware"};
constexpr std::string_view kReadonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                          "/proc/sysrq-trigger"};

// Host directories whose bind mount hands the container the host (CIS 5.6's
// list and what lies below); "/" only itself.
constexpr std::string_view kSensitiveTrees[] = {"/boot",
                                                "/dev",
                                                "/etc",
                                                "/lib",
                                                "/lib64",
                                                "/proc",
                                                "/root",
                                                "/sys",
                                                "/usr",
                                                "/bin",
                                                "/sbin",
                                                "/var/lib/docker",
                                                "/var/lib/containerd",
                                                "/var/lib/kubelet"};
constexpr std::string_view kSensitiveExact[] = {"/", "/var", "/run", "/var/run", "/home"};
// A container engine's socket, or the directory holding it.
constexpr std::string_view kEngineSockets[] = {"docker.sock", "containerd.sock", "podman.sock",
                                               "crio.sock", "dockershim.sock"};
constexpr std::string_view kEngineDirs[] = {
    "/run/containerd", "/var/run/containerd", "/run/podman", "/var/run/podman",
    "/run/crio",       "/var/run/crio",       "/run/docker", "/var/run/docker"};

// Whether a list (a config's strings, or one of the tables above) holds s.
template <typename List>
bool contains(const List& list, std::string_view s) {
    return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

std::string normal(const std::string& path) {
    std::string p = std::filesystem::path(path).lexically_normal().string();
    while (p.size() > 1 && p.back() == '/')
        p.pop_back();
    return p;
}

bool under(std::string_view path, std::string_view dir) {
    return path == dir ||
           (starts_with(path, dir) && path.size() > dir.size() && path[dir.size()] == '/');
}

bool engine_socket(const std::string& path) {
    std::string base = std::filesystem::path(path).filename().string();
    return contains(kEngineSockets, base) || contains(kEngineDirs, path);
}

bool sensitive(const std::string& path) {
    if (contains(kSensitiveExact, path))
        return true;
    return std::any_of(std::begin(kSensitiveTrees), std::end(kSensitiveTrees),
                       [&](std::string_view d) { return under(path, d); });
}

void check_paths(ConfigChecks& c, const char* rule_id, const char* policy_rule, const char* field,
                 std::span<const std::string_view> standard,
                 const std::optional<std::vector<std::string>>& have,
                 const std::optional<policy::PathsRule>& policy) {
    std::vector<std::string> wanted(standard.begin(), standard.end());
    if (policy)
        for (const auto& p : policy->required)
            if (!contains(wanted, p))
                wanted.push_back(p);
    for (const auto& path : wanted)
        if (!have || !contains(*have, path))
            c.add(rule_id, field, json::Value(path),
                  path + " is not in " + field + (have ? "" : " (not set)"), policy_rule, field,
                  path);
}

// What create would mount for mounts[i]: the kernel's name for the opened
// source (a bundle), else the configured string.
std::string resolved_source(const ConfigChecks& c, size_t i) {
    for (const auto& s : c.facts.bind_sources)
        if (s.mount_index == i)
            return s.path;
    return c.spec.mounts[i].source;
}

void check_bind(ConfigChecks& c, size_t i) {
    const spec::Mount& m = c.spec.mounts[i];
    std::string field = "mounts[" + std::to_string(i) + "].source";
    std::string resolved = resolved_source(c, i);
    bool host_path = !resolved.empty() && resolved[0] == '/';
    std::string path = host_path ? normal(resolved) : resolved;
    std::string what = path == m.source ? m.source : m.source + " (" + path + " on this host)";
    std::string to = " at " + m.destination;
    if (host_path && engine_socket(path))
        c.add("WARD-MOUNT-002", field, json::Value(m.source),
              what + to + ": a container engine's socket", "hostMounts", field);
    else if ((host_path && sensitive(path)) || c.judged("hostMounts", field))
        c.add("WARD-MOUNT-001", field, json::Value(m.source),
              what + to + ": a host system directory", "hostMounts", field);
    else
        c.add("WARD-MOUNT-005", field, json::Value(m.source),
              what + to + (host_path ? "" : " (relative to the bundle)"));
}

constexpr std::string_view kContainerTypes[] = {"bind",   "proc",   "sysfs",  "tmpfs",
                                                "devpts", "mqueue", "cgroup", "cgroup2"};

void check_mount_options(ConfigChecks& c, size_t i) {
    const spec::Mount& m = c.spec.mounts[i];
    std::string prefix = "mounts[" + std::to_string(i) + "]";
    for (const char* opt : {"shared", "rshared"})
        if (contains(m.options, opt))
            c.add("WARD-MOUNT-003", prefix + ".options", json::Value(opt),
                  m.destination + " is mounted " + opt +
                      ": mounts made on either side appear on the other",
                  "mountPropagation", prefix + ".options", opt);
    std::string type = m.is_bind() ? "bind" : m.type;
    if (!contains(kContainerTypes, type) || c.judged("mountTypes", prefix + ".type"))
        c.add("WARD-MOUNT-004", prefix + ".type", json::Value(m.type),
              m.destination + " is a " + (m.type.empty() ? "mount without a type" : m.type) +
                  " mount",
              "mountTypes", prefix + ".type");
}

} // namespace

void check_filesystem(ConfigChecks& c) {
    const auto* root = c.spec.root ? &*c.spec.root : nullptr;
    if (!root || root->readonly != true)
        c.add("WARD-ROOTFS-001", "root.readonly",
              root && root->readonly ? json::Value(false) : json::Value(),
              "the container can write to its root filesystem", "readonlyRoot", "root.readonly");
    const std::optional<std::vector<std::string>> none;
    const auto& masked = c.spec.linux ? c.spec.linux->masked_paths : none;
    const auto& readonly = c.spec.linux ? c.spec.linux->readonly_paths : none;
    if ((!masked || masked->empty()) && (!readonly || readonly->empty()))
        c.add("WARD-PATHS-003", "linux.maskedPaths", masked ? json::Value::array() : json::Value(),
              "neither linux.maskedPaths nor linux.readonlyPaths hides anything of /proc or "
              "/sys (Kubernetes procMount: Unmasked)");
    check_paths(c, "WARD-PATHS-001", "maskedPaths", "linux.maskedPaths", kMasked, masked,
                c.policy.masked_paths);
    check_paths(c, "WARD-PATHS-002", "readonlyPaths", "linux.readonlyPaths", kReadonly, readonly,
                c.policy.readonly_paths);
}

void check_mounts(ConfigChecks& c) {
    for (size_t i = 0; i < c.spec.mounts.size(); ++i) {
        if (c.spec.mounts[i].is_bind())
            check_bind(c, i);
        check_mount_options(c, i);
    }
    if (c.spec.linux) {
        const std::string& prop = c.spec.linux->rootfs_propagation;
        if (prop == "shared" || prop == "rshared")
            c.add("WARD-MOUNT-003", "linux.rootfsPropagation", json::Value(prop),
                  "the root is mounted " + prop + ": mounts propagate between host and container",
                  "mountPropagation", "linux.rootfsPropagation");
    }
}

void check_devices(ConfigChecks& c) {
    if (!c.spec.linux)
        return;
    const auto& devices = c.spec.linux->devices;
    for (size_t i = 0; i < devices.size(); ++i) {
        const auto& d = devices[i];
        std::string field = "linux.devices[" + std::to_string(i) + "].path";
        c.add("WARD-DEV-001", field, json::Value(d.path),
              d.path + " (" + d.type + " " + std::to_string(d.major) + ":" +
                  std::to_string(d.minor) + ") is created in the container",
              "devices", field, d.path);
    }
    if (!c.spec.linux->resources)
        return;
    const auto& rules = c.spec.linux->resources->devices;
    for (size_t i = 0; i < rules.size(); ++i) {
        const auto& r = rules[i];
        bool any_type = r.type.empty() || r.type == "a";
        if (!(r.allow && any_type && !r.major && !r.minor))
            continue;
        std::string field = "linux.resources.devices[" + std::to_string(i) + "]";
        c.add("WARD-DEV-002", field, json::Value(r.access.empty() ? "rwm" : r.access),
              "allows " + (r.access.empty() ? std::string("rwm") : r.access) +
                  " on every device: any device node the container can make is usable",
              "devices", field);
    }
}

} // namespace ward::audit
