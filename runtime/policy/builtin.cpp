// The built-in `hardened` policy: compiled in so that ward is hardened even
// with no policy file on the host. It must stay byte-identical to
// contrib/policies/hardened.json (tests/unit/test_policy.cpp compares them);
// edit both together.
#include "ward/policy/policy.hpp"

namespace ward::policy {

std::string_view builtin_hardened_text() {
    static constexpr std::string_view text = R"json({
  "name": "hardened",
  "description": "ward's built-in default: default-deny seccomp, no capabilities but CAP_NET_BIND_SERVICE, no_new_privs, read-only root, masked kernel paths, private namespaces, no sensitive host mounts, only the filesystem types containers need, no hooks, no --no-pivot, a Landlock ruleset derived from the config, systemd unit properties from annotations only for the scope's description, ordering and stop; only images signed by a key the policy names, every unsigned bundle refused.",
  "rules": {
    "seccomp": {"action": "enforce", "fill": "default-deny"},
    "capabilities": {"action": "enforce", "allowed": ["CAP_NET_BIND_SERVICE"], "ambient": false, "fill": []},
    "noNewPrivileges": {"action": "enforce", "fill": true},
    "readonlyRoot": {"action": "enforce", "fill": true},
    "maskedPaths": {
      "action": "enforce",
      "required": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                   "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
                   "/sys/firmware"],
      "fill": true
    },
    "readonlyPaths": {
      "action": "enforce",
      "required": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
      "fill": true
    },
    "namespaces": {"action": "enforce", "required": ["pid", "ipc", "uts", "mount", "network"],
                   "fill": ["pid", "ipc", "uts", "mount", "network"]},
    "devices": {"action": "enforce", "allowed": []},
    "hostMounts": {
      "action": "enforce",
      "forbidden": ["/", "/proc", "/sys", "/dev", "/boot", "/etc", "/root", "/var/run/docker.sock",
                    "/run/docker.sock", "/run/containerd", "/var/run/containerd", "/run/podman",
                    "/var/run/podman", "/run/crio", "/var/run/crio"]
    },
    "mountTypes": {"action": "enforce",
                   "allowed": ["bind", "proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup2"]},
    "sysctls": {
      "action": "enforce",
      "allowed": ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
                  "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
                  "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
                  "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
                  "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]
    },
    "mountPropagation": {"action": "enforce"},
    "hooks": {"action": "enforce", "allowed": []},
    "noPivot": {"action": "enforce"},
    "unavailableLimits": {"action": "enforce"},
    "landlock": {"action": "enforce", "fill": true},
    "systemdProperties": {"action": "enforce",
                          "allowed": ["After", "CollectMode", "DefaultDependencies", "Description",
                                      "KillSignal", "TimeoutStopUSec"]}
  },
  "trust": {
    "default": [{"type": "reject"}],
    "unverified": "refuse",
    "verifyRootfs": "never",
    "unpack": {"devices": "refuse", "setid": "drop", "fileCapabilities": "drop"}
  }
}
)json";
    return text;
}

} // namespace ward::policy
