// The config `ward spec` writes: runc's example, hardened (no capabilities,
// read-only root, noNewPrivileges), and `--rootless` adjusted the way
// `runc spec --rootless` does.
#include "ward/spec/parse.hpp"

#include <unistd.h>

namespace ward::spec {
namespace {

Mount mount(std::string destination, std::string type, std::string source,
            std::vector<std::string> options) {
    Mount m;
    m.destination = std::move(destination);
    m.type = std::move(type);
    m.source = std::move(source);
    m.options = std::move(options);
    return m;
}

// Without its own network namespace a container may not mount sysfs, and
// without privileges it cannot mount cgroupfs: bind the host's read-only.
// uid=/gid= options name ids that do not exist in a one-id user namespace.
void make_rootless(Spec& s) {
    Linux& l = *s.linux;
    std::vector<Namespace> kept;
    for (auto& ns : l.namespaces)
        if (ns.type != "network" && ns.type != "user")
            kept.push_back(ns);
    kept.push_back(Namespace{"user", ""});
    l.namespaces = kept;
    l.uid_mappings = {IdMapping{0, static_cast<uint32_t>(::getuid()), 1}};
    l.gid_mappings = {IdMapping{0, static_cast<uint32_t>(::getgid()), 1}};
    for (auto& m : s.mounts) {
        if (m.destination == "/sys")
            m = mount("/sys", "bind", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"});
        else if (m.destination == "/sys/fs/cgroup")
            m = mount("/sys/fs/cgroup", "bind", "/sys/fs/cgroup",
                      {"rbind", "nosuid", "noexec", "nodev", "relatime", "ro"});
        std::erase_if(m.options, [](const std::string& o) {
            return o.starts_with("uid=") || o.starts_with("gid=");
        });
    }
    l.resources.reset(); // an unprivileged caller cannot manage device cgroups
}

} // namespace

Spec default_spec(bool rootless) {
    Spec s;
    s.oci_version = kOciVersion;

    Process p;
    p.terminal = false;
    p.args = {"sh"};
    p.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
    p.cwd = "/";
    p.capabilities = Capabilities{std::vector<std::string>{}, std::vector<std::string>{},
                                  std::vector<std::string>{}, std::vector<std::string>{},
                                  std::vector<std::string>{}};
    p.rlimits = {Rlimit{"RLIMIT_NOFILE", 1024, 1024}};
    p.no_new_privileges = true;
    s.process = p;

    s.root = Root{"rootfs", true};
    s.hostname = "ward";
    s.mounts = {
        mount("/proc", "proc", "proc", {}),
        mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
        mount("/dev/pts", "devpts", "devpts",
              {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
        mount("/dev/shm", "tmpfs", "shm",
              {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
        mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
        mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
        mount("/sys/fs/cgroup", "cgroup", "cgroup",
              {"nosuid", "noexec", "nodev", "relatime", "ro"}),
    };

    Linux l;
    Resources r;
    r.devices = {DeviceRule{false, "", std::nullopt, std::nullopt, "rwm"}};
    l.resources = r;
    for (const char* type : {"pid", "network", "ipc", "uts", "mount", "cgroup"})
        l.namespaces.push_back(Namespace{type, ""});
    l.masked_paths = std::vector<std::string>{"/proc/acpi",
                                              "/proc/asound",
                                              "/proc/kcore",
                                              "/proc/keys",
                                              "/proc/latency_stats",
                                              "/proc/timer_list",
                                              "/proc/timer_stats",
                                              "/proc/sched_debug",
                                              "/proc/scsi",
                                              "/sys/firmware",
                                              "/sys/devices/virtual/powercap"};
    l.readonly_paths = std::vector<std::string>{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                                "/proc/sysrq-trigger"};
    s.linux = l;

    if (rootless)
        make_rootless(s);
    return s;
}

} // namespace ward::spec
