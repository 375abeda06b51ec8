// The privileged process attributes the container init applies to itself
// before exec. Each function is one step; the init calls them in the order
// documented in container/init.cpp.
#pragma once

#include "ward/spec/config.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ward::linux {

// process.rlimits; a hard limit above the current one fails with EPERM
// without CAP_SYS_RESOURCE ("setrlimit RLIMIT_NOFILE: operation not permitted").
void apply_rlimits(const std::vector<spec::Rlimit>& rlimits);

// oomScoreAdj (through a verified procfs fd), scheduler, ioPriority,
// personality, execCPUAffinity.initial. Clear errors naming the field.
void apply_process_attributes(const spec::Process& process,
                              const std::optional<spec::Personality>& personality);

// apparmorProfile / selinuxLabel: a clear error when asked for and the host
// lacks that LSM; otherwise arranges the label for exec.
void apply_security_labels(const spec::Process& process);

// setgroups (additionalGids), setresgid, setresuid keeping capabilities,
// then capsets: bounding (drop), permitted/effective/inheritable (capset,
// exactly as the process says), ambient (raise). The sets are not judged
// here: the policy gate (policy/gate.hpp) refused, before anything was
// started, inheritable capabilities ambient does not need and ambient ones
// outside permitted ∩ inheritable (CVE-2022-29162) under hardened and
// baseline. An ambient capability a policy let through although the kernel
// cannot raise it (outside permitted ∩ inheritable) is skipped with a
// warning, as runc does; effective ⊄ permitted is an error. A name ward
// knows but the running kernel does not is skipped (logged at debug); one
// ward does not know is an error (the config parser refuses it first).
// Absent capabilities keep nothing. Also sets the umask (process.user.umask,
// default 0022).
void apply_user_and_capabilities(const spec::Process& process, bool setgroups_allowed);

// prctl(PR_SET_NO_NEW_PRIVS).
void set_no_new_privileges();

// Runs process.terminal setup in the init, after pivot: opens a pty in the
// container's /dev/pts, sends the master over `console_socket_fd` with
// SCM_RIGHTS (as runc does, so containerd/podman receive it), makes the
// slave the controlling terminal and stdio.
void setup_console(int console_socket_fd, const std::optional<spec::ConsoleSize>& size);

// Marks every fd >= 3 + preserve_fds close-on-exec (close_range with
// CLOSE_RANGE_CLOEXEC). (CVE-2024-21626)
void close_fds_on_exec(int preserve_fds);

// Looks up args[0] in the container (after pivot) using PATH from `env`;
// returns the path to exec. Throws "exec: \"name\": executable file not
// found in $PATH" as runc does (podman maps it to exit 127).
std::string find_executable(const std::string& name, const std::vector<std::string>& env);

// chdir(cwd) and verify that the resulting cwd is inside the root: getcwd
// must return a path (not "(unreachable)"). (CVE-2024-21626)
void change_directory(const std::string& cwd);

} // namespace ward::linux
