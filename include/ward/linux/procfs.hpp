// ward's own reads and writes under /proc (sysctls, oom_score_adj, LSM
// labels, uid/gid maps, time namespace offsets, the fd list of the close-on-
// exec fallback) go through a procfs handle of the calling process, never
// through a /proc the container can shape. (CVE-2019-16884, CVE-2025-52881)
//
// A handle is, most private first:
//   1. a procfs instance of its own: fsopen("proc") + fsmount, attached
//      nowhere, so nothing can ever be mounted over a file of it;
//   2. where the kernel refuses that (fsmount is EPERM in a user namespace
//      whose mount namespace has no fully visible procfs), a detached clone
//      of /proc (open_tree OPEN_TREE_CLONE, its submounts left out), checked
//      to be the root of a procfs mount;
//   3. last, /proc itself, checked the same way.
// Files are opened beneath it by the one in-root resolver (base/in_root)
// with symlinks refused and no mount crossed: openat2(RESOLVE_BENEATH|
// RESOLVE_NO_XDEV|RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS), or its
// O_NOFOLLOW walk comparing each step's mount id where openat2 is missing:
// a file bind-mounted over another (procfs or not) in 2 or 3 is refused,
// never written through. "self" and "thread-self" are symlinks that
// resolution refuses: they are read as links and spliced in by hand.
//
// One handle per process: a procfs instance belongs to the pid namespace of
// the process that made it, and /proc/sys/net, /proc/sys/kernel/shm* and
// hostname resolve in the namespaces of the process that opens them. The
// handle is cached keyed by getpid() and the handle's mount id: a child
// (the container init, an exec process, a helper) gets a handle of its own
// on first use, and never closes the number it inherited, which the init's
// close of inherited fds may already have handed to another file.
#pragma once

#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"

#include <string>
#include <string_view>

namespace ward::linux {

enum class ProcfsSource {
    private_instance, // fsopen/fsmount
    cloned_mount,     // open_tree(OPEN_TREE_CLONE) of /proc
    proc_directory,   // /proc as it is
};

// "private procfs", "clone of /proc", "/proc": for messages.
std::string describe(ProcfsSource source, const std::string& proc = "/proc");

struct ProcfsHandle {
    UniqueFd root;
    ProcfsSource source = ProcfsSource::private_instance;
    std::string proc = "/proc"; // where the fallbacks looked
    // Whether the handle numbers processes as the caller's pid namespace
    // does ("self" reads as getpid()): a path naming a pid needs it.
    bool own_pid_namespace = false;
};

// A failed open under procfs; `err` is the errno behind it (ENOENT for a
// file this kernel lacks, EXDEV for a mount in the way).
class ProcfsError : public Error {
  public:
    ProcfsError(const std::string& msg, int err) : Error(msg), err(err) {}
    int err;
};

// A new handle from the first source that works, trying `first` and the
// ones after it; `proc` is where sources 2 and 3 look (tests point it at a
// procfs of their own). Throws naming why each source failed.
ProcfsHandle make_procfs_handle(ProcfsSource first = ProcfsSource::private_instance,
                                const std::string& proc = "/proc");

// Opens `path` ("/proc/..." as a process would name it) beneath `handle`
// with open(2) `flags` (O_CLOEXEC added) and checks the file is on procfs.
// A first component "self" or "thread-self" is replaced by what the handle
// says it is; a path naming another pid needs own_pid_namespace. Throws
// ProcfsError naming the file and why.
UniqueFd open_in_procfs(const ProcfsHandle& handle, const std::string& path, int flags);

// The calling process's handle: made on first use (or after a fork),
// then reused.
const ProcfsHandle& procfs_handle();

// Makes the calling process's handle now if it has none. The init calls
// this before pivot_root, while its mount namespace still has the host's
// /proc: in a user namespace the kernel allows a new procfs only where one
// is fully visible already, which the container's /proc may not be (or
// not be procfs at all). false (and no throw) when no source worked: the
// first use will then retry and say why.
bool prepare_procfs();

// Closes the calling process's handle (a number it inherited is left
// alone). Closing a private instance or a clone unmounts it, and the kernel
// waits for an RCU grace period (50-60 us here); at execve, which closes
// it otherwise, that wait would delay the container's first instruction.
// finalize_process calls this once ward's last procfs access is behind it,
// before the init waits for `start`. A later use makes a new handle.
void release_procfs_handle();

// open_in_procfs / a whole write through the calling process's handle.
UniqueFd open_procfs(const std::string& path, int flags);
void write_procfs(const std::string& path, std::string_view data);

// Whether `path` exists in the calling process's procfs (false for
// ENOENT; other failures throw).
bool procfs_exists(const std::string& path);

// For code that may run under a seccomp filter (the close-on-exec
// fallback): the handle this process has, else /proc itself (source 3);
// never fsopen/fsmount/open_tree, which a filter may refuse or kill on.
UniqueFd open_procfs_no_mount(const std::string& path, int flags);

// A namespace file ("/proc/PID/ns/user", "/proc/self/ns/time_for_children"):
// the directory is opened through the handle, the magic link followed from
// there, and the result checked to be on nsfs.
UniqueFd open_procfs_namespace(const std::string& path);

// Reads /proc/PID/stat field 22 (start time in clock ticks since boot);
// 0 when the process is gone. The CLI's view of the host's /proc (state,
// kill, exec), read by path: only reads, and in ward's own mount namespace,
// which no container can shape.
unsigned long long process_start_time(int pid);

// 'R', 'S', 'Z', ... from /proc/PID/stat; 0 when gone.
char process_state(int pid);

// pidfd_open(pid, 0): a handle that keeps naming this process however its
// number is reused (close-on-exec, as every pidfd). Invalid, errno set,
// when it fails (ESRCH: gone). syscall(): glibc 2.36's <sys/pidfd.h> lacks
// C linkage for C++.
UniqueFd open_pidfd(int pid);

} // namespace ward::linux
