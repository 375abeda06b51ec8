// ward's own binary and process, against CVE-2019-5736.
//
// A process in a container that can open /proc/PID/exe of anything in its
// pid namespace running ward's binary (the init or an exec'd process while
// ward code runs, or ward's binary itself when a script names
// /proc/self/exe as its interpreter) gets an fd on the file ward was
// started from. The kernel refuses to open a running binary for writing
// (ETXTBSY), but once the last ward process has exited, reopening
// /proc/self/fd/N for writing overwrites the host's ward, and whoever runs
// `ward` next runs the attacker's code as root. Non-dumpable processes
// stop this only for callers without CAP_SYS_PTRACE over them, and a
// script's interpreter is an ordinary, dumpable process.
//
// So before ward starts anything in a container it re-executes itself,
// on the host, from a copy nothing can write through: a read-only bind
// mount of its binary that is attached nowhere (open_tree(OPEN_TREE_CLONE)
// + mount_setattr(MOUNT_ATTR_RDONLY), closed by the exec: a write gives
// EROFS, and no mount namespace has the mount to remount it), or, where
// making mounts is refused (a user namespace without privilege), a sealed
// memfd copy (F_SEAL_SEAL|SHRINK|GROW|WRITE: a write gives EPERM).
#pragma once

namespace ward::linux {

// How the binary this process runs from is protected, judged from the file
// itself (/proc/self/exe), never from anything a caller could set.
enum class BinaryProtection {
    none,
    detached_read_only_mount, // read-only, on a mount no mount namespace of ours lists
    sealed_memfd,             // sealed against every write, shrink and grow
};
BinaryProtection binary_protection();

// Returns at once when this process already runs from a protected copy.
// Otherwise execveat()s ward again from one, with the same argv, envp, fds,
// pid and everything else exec keeps, and does not return; throws Error
// when neither copy can be made (the caller must then refuse to go on).
// Call it before anything opens an fd that must not survive the exec.
void reexec_from_protected_copy(char** argv, char** envp);

// prctl(PR_SET_DUMPABLE, 0), checked: no process of a container, even with
// CAP_SYS_PTRACE in its own user namespace, may ptrace this one or open its
// /proc/PID/{exe,mem,fd}. Children inherit it; execve resets it.
void make_non_dumpable();

} // namespace ward::linux
