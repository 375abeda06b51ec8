// The privileged process attributes the container init applies to itself
// before exec. Each function is one step; the init calls them in the order
// documented in container/init.cpp.
#pragma once

#include "ward/spec/config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ward::linux {

// process.rlimits; a hard limit above the current one fails with EPERM
// without CAP_SYS_RESOURCE ("setrlimit RLIMIT_NOFILE: operation not permitted").
void apply_rlimits(const std::vector<spec::Rlimit>& rlimits);

// oomScoreAdj (through the process's own procfs handle), scheduler, ioPriority,
// personality, execCPUAffinity.initial. Clear errors naming the field.
void apply_process_attributes(const spec::Process& process,
                              const std::optional<spec::Personality>& personality);

// apparmorProfile / selinuxLabel: a clear error when asked for and the host
// lacks that LSM; otherwise arranges the label for exec.
void apply_security_labels(const spec::Process& process);

// The capability sets a process ends with, as capset(2) takes them.
struct CapabilitySets {
    uint64_t effective = 0;
    uint64_t permitted = 0;
    uint64_t inheritable = 0;
};

// setgroups (additionalGids), setresgid, bounding set (drop), ambient
// cleared, setresuid keeping capabilities, then capset of
// permitted/effective/inheritable (exactly as the process says; no filter
// is loaded yet, so not read back), ambient (raise). The sets are not judged here: the policy
// gate (policy/gate.hpp) refused, before anything was started, inheritable
// capabilities ambient does not need and ambient ones outside permitted ∩
// inheritable (CVE-2022-29162) under hardened and baseline. An ambient
// capability a policy let through although the kernel cannot raise it
// (outside permitted ∩ inheritable) is skipped with a warning, as runc
// does; effective ⊄ permitted is an error. A name ward knows but the
// running kernel does not is skipped (logged at debug); one ward does not
// know is an error (the config parser refuses it first).
// Absent capabilities keep nothing. Also sets the umask (process.user.umask,
// default 0022). Returns the config's sets.
//
// With keep_sys_admin, CAP_SYS_ADMIN stays effective and permitted on top
// of them, for a seccomp filter that is still to be loaded without
// no_new_privs; set_capabilities(returned sets) then drops it.
CapabilitySets apply_user_and_capabilities(const spec::Process& process, bool setgroups_allowed,
                                           bool keep_sys_admin = false);

// capset to exactly `sets`, then capget to check that the kernel holds
// them: under a seccomp filter that answers capset with errno 0 without
// running it, this fails rather than leave capabilities behind.
void set_capabilities(const CapabilitySets& sets);

// prctl(PR_SET_NO_NEW_PRIVS).
void set_no_new_privileges();

// Runs process.terminal setup in the init, after pivot: opens a pty in the
// container's /dev/pts, sends the master over `console_socket_fd` with
// SCM_RIGHTS (as runc does, so containerd/podman receive it), makes the
// slave the controlling terminal and stdio.
void setup_console(int console_socket_fd, const std::optional<spec::ConsoleSize>& size);

// Marks every fd >= 3 + preserve_fds close-on-exec (close_range with
// CLOSE_RANGE_CLOEXEC; fcntl on each open fd where close_range is missing
// or refused). (CVE-2024-21626)
void close_fds_on_exec(int preserve_fds);

// Looks up args[0] in the container (after pivot) using PATH from `env`;
// returns the path to exec. Throws "exec: \"name\": executable file not
// found in $PATH" as runc does (podman maps it to exit 127).
std::string find_executable(const std::string& name, const std::vector<std::string>& env);

// chdir(cwd) and verify that the resulting cwd is inside the root: getcwd
// must return a path (not "(unreachable)"). (CVE-2024-21626)
void change_directory(const std::string& cwd);

} // namespace ward::linux
