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

// `runc spec --rootless`, but with the network namespace kept: a new one
// (only loopback, nothing changed on the host) is what the hardened policy
// requires, and since the user namespace owns it the container may mount
// sysfs, so /sys stays sysfs where runc binds the host's. The caller's uid
// and gid are root in the container (a one-id mapping needs no helper);
// uid=/gid= mount options would name ids that do not exist there, and with
// no cgroup delegated to an unprivileged caller there are no limits or
// device rules to ask for.
void make_rootless(Spec& s) {
    Linux& l = *s.linux;
    std::erase_if(l.namespaces, [](const Namespace& ns) { return ns.type == "user"; });
    l.namespaces.push_back(Namespace{"user", ""});
    l.uid_mappings = {IdMapping{0, static_cast<uint32_t>(::geteuid()), 1}};
    l.gid_mappings = {IdMapping{0, static_cast<uint32_t>(::getegid()), 1}};
    for (auto& m : s.mounts)
        std::erase_if(m.options, [](const std::string& o) {
            return o.starts_with("uid=") || o.starts_with("gid=");
        });
    l.resources.reset();
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
