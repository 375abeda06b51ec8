// The last steps of a container process, one order for the container init
// (init.cpp) and for a process `exec` starts (exec.cpp): console → rlimits
// → process attributes → LSM labels → cwd (verified) → executable lookup
// → fds close-on-exec → Landlock → user and capabilities → (seccomp, without
// no_new_privs) → no_new_privs → (a NOTIFY filter) → the caller's waiting
// point → signal mask → seccomp → execve. Why each step sits where it does
// is said in finalize.cpp; docs/architecture.md lists the syscalls ward
// still makes once a config's filter is loaded.
#pragma once

#include "ward/base/fd.hpp"
#include "ward/spec/config.hpp"

#include <functional>
#include <optional>
#include <signal.h>
#include <vector>

namespace ward::seccomp {
class Filter;
}

namespace ward::container {

struct FinalizeContext {
    const spec::Process* process = nullptr;
    std::optional<spec::Personality> personality; // linux.personality
    const seccomp::Filter* filter = nullptr;      // the config's, built already; null: none
    // process.landlock rulesets, applied in order (each one a Landlock
    // layer that can only narrow): the container's own, and for exec a
    // --process file's own on top of it. Null entries are skipped.
    std::vector<const spec::Landlock*> landlock;
    // Whether ward runs unprivileged (rootless): only then may the user
    // namespace's gid_map have been written with setgroups denied, and
    // only then is /proc/self/setgroups read (a start as root skips it).
    bool unprivileged = false;
    int console_fd = -1;   // where the pty master goes, or -1
    int preserve_fds = 0;  // --preserve-fds
    int parent_pidfd = -1; // ward's pidfd (open_own_pidfd), or -1
    sigset_t exec_mask{};  // the signal mask the container process starts with
    // "create" or "exec": names this process's fault points (base/fault.hpp),
    // e.g. "exec:ids-changed", and the socket fault_step asks ward to die on.
    const char* verb = "create";
    int sync_fd = -1;

    // The caller's own parts. A NOTIFY filter's listener fd, which only the
    // init has somewhere to send (ward refuses such a filter for exec).
    std::function<void(int listener_fd)> send_listener_fd;
    // After no_new_privs, before the filter is loaded: the init's "ready",
    // exec fifo and startContainer hooks. Empty for exec.
    std::function<void()> wait_for_start;
};

// Runs the steps and execs the process; throws ward::Error on failure
// (the caller reports it and exits). Never returns otherwise.
[[noreturn]] void finalize_process(const FinalizeContext& ctx);

// A pidfd of the calling process, opened by ward before it clones: the
// child checks through it that ward is still alive once PR_SET_PDEATHSIG
// is set (a parent that died before that would never send the signal).
// Empty, with a debug line, where pidfd_open is missing or refused; the
// check is then skipped.
UniqueFd open_own_pidfd();

// Whether the process behind `pidfd` has exited (false for -1).
bool parent_exited(int pidfd);

// PR_SET_PDEATHSIG(SIGKILL), then the check above: throws when ward is
// already gone. Called at the start of the intermediate, the init and the
// exec process, and again after every change of uid or gid (which clears
// the setting).
void die_with_parent(int parent_pidfd);

// A fault point (base/fault.hpp) reached in a child of ward: when WARD_FAULT
// names it, the child kills ward, or, in the container's pid namespace
// (where it cannot signal ward), sends the point over the sync socket
// (sync_receive kills ward on it); then it waits until ward is gone, so its
// next step runs exactly as it would had ward been killed at that moment.
// Inert otherwise.
void fault_step(std::string_view name, int sync_fd, int parent_pidfd);

} // namespace ward::container
