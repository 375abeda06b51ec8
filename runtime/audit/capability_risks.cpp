// What each Linux capability gives a container's process (capabilities(7)),
// and how close that is to root on the host: the severity WARD-CAP-001
// reports for a retained capability.
#include "config_checks.hpp"

#include <array>

namespace ward::audit {
namespace {

using enum Severity;

constexpr std::array kRisks = {
    CapabilityRisk{"CAP_SYS_ADMIN", critical,
                   "mount, namespaces, BPF maps, quotas and much else: near-root, the "
                   "capability most container escapes use"},
    CapabilityRisk{"CAP_SYS_MODULE", critical,
                   "load and unload kernel modules (code in the host kernel)"},
    CapabilityRisk{"CAP_SYS_RAWIO", critical,
                   "raw I/O ports, /dev/mem and /dev/kmem: the host's memory"},
    CapabilityRisk{"CAP_SYS_PTRACE", high,
                   "trace and inspect any process it can see, reading and changing its memory"},
    CapabilityRisk{"CAP_DAC_READ_SEARCH", high,
                   "read any file, and open_by_handle_at, which reaches host files from a bind "
                   "mount (the 'shocker' escape)"},
    CapabilityRisk{"CAP_NET_ADMIN", high,
                   "configure interfaces, routes, firewall rules and traffic of its network "
                   "namespace (the host's, when shared)"},
    CapabilityRisk{"CAP_SYS_BOOT", high, "reboot and kexec_load a new kernel"},
    CapabilityRisk{"CAP_SYS_TIME", high, "set the system clock, which is not namespaced"},
    CapabilityRisk{"CAP_BPF", high, "load BPF programs and create maps"},
    CapabilityRisk{"CAP_PERFMON", high, "perf_event_open and performance monitoring of the host"},
    CapabilityRisk{"CAP_MAC_ADMIN", high, "change the AppArmor/SELinux/Smack policy"},
    CapabilityRisk{"CAP_MAC_OVERRIDE", high, "bypass mandatory access control"},
    CapabilityRisk{"CAP_SYSLOG", high, "read and clear the kernel log, with kernel addresses"},
    CapabilityRisk{"CAP_SYS_RESOURCE", medium, "exceed resource limits and quotas"},
    CapabilityRisk{"CAP_SYS_NICE", medium,
                   "raise priorities, real-time scheduling, CPU affinity of others"},
    CapabilityRisk{"CAP_SYS_PACCT", medium, "switch process accounting on and off"},
    CapabilityRisk{"CAP_SYS_TTY_CONFIG", medium, "vhangup and configure terminals"},
    CapabilityRisk{"CAP_LINUX_IMMUTABLE", medium, "set and clear immutable and append-only flags"},
    CapabilityRisk{"CAP_IPC_LOCK", medium, "lock memory without limit (mlock, hugepages)"},
    CapabilityRisk{"CAP_IPC_OWNER", medium, "bypass permission checks on System V IPC objects"},
    CapabilityRisk{"CAP_LEASE", low, "take leases on files it does not own"},
    CapabilityRisk{"CAP_WAKE_ALARM", low, "set alarms that wake the system"},
    CapabilityRisk{"CAP_BLOCK_SUSPEND", low, "block system suspend"},
    CapabilityRisk{"CAP_AUDIT_CONTROL", high,
                   "change the kernel's audit rules and turn auditing off"},
    CapabilityRisk{"CAP_AUDIT_READ", medium, "read the kernel's audit log over netlink"},
    CapabilityRisk{"CAP_AUDIT_WRITE", low, "write records to the kernel's audit log"},
    CapabilityRisk{"CAP_CHECKPOINT_RESTORE", medium,
                   "checkpoint/restore: set PIDs, read other processes' maps"},
    CapabilityRisk{"CAP_DAC_OVERRIDE", medium,
                   "read, write and execute any file whatever its permissions"},
    CapabilityRisk{"CAP_FOWNER", medium, "act as the owner of any file (chmod, utime, ACLs)"},
    CapabilityRisk{"CAP_FSETID", low, "keep setuid/setgid bits when a file is changed"},
    CapabilityRisk{"CAP_CHOWN", medium, "change the owner of any file"},
    CapabilityRisk{"CAP_SETUID", medium, "become any user"},
    CapabilityRisk{"CAP_SETGID", medium, "become any group"},
    CapabilityRisk{"CAP_SETPCAP", medium,
                   "change its capability bounding set and others' inheritable sets"},
    CapabilityRisk{"CAP_SETFCAP", medium, "set file capabilities, which a later execve grants"},
    CapabilityRisk{"CAP_MKNOD", medium,
                   "create device nodes (the device cgroup still decides access)"},
    CapabilityRisk{"CAP_KILL", low, "signal any process it can see"},
    CapabilityRisk{"CAP_NET_RAW", medium,
                   "raw and packet sockets: spoofing and sniffing its network"},
    CapabilityRisk{"CAP_NET_BIND_SERVICE", low, "bind ports below 1024"},
    CapabilityRisk{"CAP_NET_BROADCAST", low, "broadcast and listen to multicast"},
    CapabilityRisk{"CAP_SYS_CHROOT", low, "chroot, and setns into mount namespaces it can reach"},
};

} // namespace

CapabilityRisk capability_risk(std::string_view name) {
    for (const auto& r : kRisks)
        if (r.name == name)
            return r;
    return {name, medium, "a capability ward has no description for"};
}

} // namespace ward::audit
