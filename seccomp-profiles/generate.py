#!/usr/bin/env python3
"""Writes default-deny.json and compat.json, and the per-arch counts in
README.md, from the lists below. The lists are ours: the measured union
(measure/results/union.txt) plus the groups named here, each with why.
Needs libseccomp.so.2 (to count what each architecture knows).

    python3 seccomp-profiles/generate.py
"""
import ctypes
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
# No SCMP_ARCH_X86: on i386, socket(2) also enters through socketcall(2),
# whose arguments sit in memory where no filter can read them, so no family
# could be refused there (see socket_rules). A 32-bit call (an i386 binary,
# or int 0x80 from a 64-bit one) meets libseccomp's action for an
# architecture the filter does not name: the thread is killed. An i386
# image needs a profile of its own in config.json (containerd and podman
# always write one), with that gap.
# No SCMP_ARCH_X32 either: x32 is x86_64's syscall numbers with bit 30
# set, a second table reaching compat code of its own. Debian boots with it
# off, most distributions build kernels without it, and no service image is
# built for it. Left out, an x32 call meets the same kill as an i386 one,
# and the filter is one tree instead of two: 505 instructions instead of
# 936 (default-deny), loaded at every container start in 176 us instead of
# 269 (median of 300, the 2-core test machine).
ARCHES = ["SCMP_ARCH_X86_64"]

# Group name → (why, syscalls). The union of the measured lists is always in.
# A group completes a measured family with the variants another libc,
# libc version or 32-bit ABI uses for the same job.
DEFAULT_GROUPS = {
    "io": ("read/write family: libcs pick vectored/positional variants", """
        read write readv writev pread64 pwrite64 preadv pwritev preadv2 pwritev2
        lseek _llseek sendfile sendfile64 copy_file_range splice tee
        fadvise64 fadvise64_64 readahead fsync fdatasync sync syncfs sync_file_range
        flock fallocate ftruncate ftruncate64 truncate truncate64"""),
    "files": ("path and fd operations (the *at forms newer libcs use)", """
        open openat openat2 creat close close_range dup dup2 dup3 fcntl fcntl64
        stat lstat fstat newfstatat statx stat64 lstat64 fstat64 fstatat64
        statfs fstatfs statfs64 fstatfs64 access faccessat faccessat2
        getdents getdents64 getcwd chdir fchdir umask
        mkdir mkdirat rmdir unlink unlinkat rename renameat renameat2
        link linkat symlink symlinkat readlink readlinkat mknod mknodat
        chmod fchmod fchmodat fchmodat2 chown fchown fchownat lchown
        chown32 fchown32 lchown32 utime utimes futimesat utimensat utimensat_time64
        getxattr lgetxattr fgetxattr listxattr llistxattr flistxattr
        setxattr lsetxattr fsetxattr removexattr lremovexattr fremovexattr
        inotify_init inotify_init1 inotify_add_watch inotify_rm_watch
        pipe pipe2 eventfd eventfd2 memfd_create ioctl"""),
    "memory": ("allocators, loaders and JITs", """
        brk mmap mmap2 munmap mremap mprotect madvise msync mincore
        mlock mlock2 munlock mlockall munlockall membarrier mseal map_shadow_stack"""),
    "process": ("fork/exec/wait and identity; capabilities bound what set* can do", """
        fork vfork execve execveat wait4 waitid waitpid exit exit_group
        getpid gettid getppid getpgrp getpgid setpgid getsid setsid
        getuid geteuid getgid getegid getresuid getresgid getgroups
        getuid32 geteuid32 getgid32 getegid32 getresuid32 getresgid32 getgroups32
        setuid setgid setreuid setregid setresuid setresgid setgroups setfsuid setfsgid
        setuid32 setgid32 setreuid32 setregid32 setresuid32 setresgid32 setgroups32
        setfsuid32 setfsgid32 capget capset prctl arch_prctl
        kill tkill tgkill pidfd_open pidfd_send_signal
        getrlimit setrlimit ugetrlimit prlimit64 getrusage getpriority setpriority
        sched_yield sched_getaffinity sched_setaffinity sched_getparam sched_setparam
        sched_getscheduler sched_setscheduler sched_get_priority_max sched_get_priority_min
        sched_rr_get_interval sched_rr_get_interval_time64 sched_getattr sched_setattr
        getcpu ioprio_get uname sysinfo times getrandom restart_syscall
        seccomp landlock_create_ruleset landlock_add_rule landlock_restrict_self"""),
    "threads": ("glibc/musl startup and threading (clone is arg-filtered below)", """
        futex futex_time64 futex_waitv set_robust_list set_tid_address rseq"""),
    "signals": ("handlers, masks and waits", """
        rt_sigaction rt_sigprocmask rt_sigreturn sigreturn rt_sigsuspend rt_sigpending
        rt_sigtimedwait rt_sigtimedwait_time64 rt_sigqueueinfo rt_tgsigqueueinfo
        sigaltstack signalfd signalfd4 pause"""),
    "time": ("clocks, sleeps and timers (reading only; setting is denied)", """
        clock_gettime clock_gettime64 clock_getres clock_getres_time64
        clock_nanosleep clock_nanosleep_time64 nanosleep gettimeofday time
        alarm getitimer setitimer timer_create timer_settime timer_settime64
        timer_gettime timer_gettime64 timer_getoverrun timer_delete
        timerfd_create timerfd_settime timerfd_settime64 timerfd_gettime timerfd_gettime64"""),
    "poll": ("event loops", """
        poll ppoll ppoll_time64 select _newselect pselect6 pselect6_time64
        epoll_create epoll_create1 epoll_ctl epoll_wait epoll_pwait epoll_pwait2"""),
    "net": ("sockets (the network namespace decides what they reach; socket(2) is "
            "filtered by family below)", """
        socketpair bind listen accept accept4 connect getsockname getpeername
        sendto recvfrom sendmsg recvmsg sendmmsg recvmmsg recvmmsg_time64
        shutdown setsockopt getsockopt socketcall"""),
    "ipc": ("SysV and POSIX IPC, private to the ipc namespace (databases use shm)", """
        shmget shmat shmdt shmctl semget semop semctl semtimedop semtimedop_time64
        msgget msgsnd msgrcv msgctl ipc mq_open mq_unlink mq_timedsend
        mq_timedsend_time64 mq_timedreceive mq_timedreceive_time64 mq_notify mq_getsetattr"""),
}

# What compat adds: what general-purpose images (debuggers, old binaries,
# NUMA-aware servers, chroot-based tools) use; each is confined by
# capabilities or ptrace access checks, which the hardened default does not
# rely on alone.
COMPAT_GROUPS = {
    "debug": ("ptrace family, checked by the kernel's ptrace access mode", """
        ptrace process_vm_readv process_vm_writev kcmp get_robust_list pidfd_getfd"""),
    "numa": ("NUMA placement (moving another process's pages needs CAP_SYS_NICE)", """
        get_mempolicy set_mempolicy set_mempolicy_home_node mbind move_pages migrate_pages"""),
    "legacy": ("old entry points of the same jobs (the 32-bit-only ones count only in a "
               "profile that names SCMP_ARCH_X86)", """
        oldstat oldfstat oldlstat olduname oldolduname readdir nice sigaction signal
        sigprocmask sigpending sigsuspend sgetmask ssetmask ustat sysfs uselib
        remap_file_pages"""),
    "misc": ("tools some images run", """
        chroot ioprio_set sethostname setdomainname vhangup memfd_secret
        pkey_alloc pkey_free pkey_mprotect process_mrelease process_madvise cachestat
        statmount listmount lsm_get_self_attr lsm_list_modules"""),
}

# EPERM in both profiles: each crosses the container boundary or widens the
# kernel surface a container can reach. Listed so callers see "not permitted"
# rather than "not implemented".
DENY = {
    "modules": "init_module finit_module delete_module create_module query_module get_kernel_syms",
    "kexec": "kexec_load kexec_file_load reboot",
    "mounts": """mount umount umount2 move_mount open_tree open_tree_attr fsopen fsconfig
        fsmount fspick mount_setattr pivot_root chroot""",
    "namespaces": "unshare setns",
    "keyrings": "keyctl add_key request_key",
    "bpf_perf": "bpf perf_event_open userfaultfd lookup_dcookie",
    "io_uring": "io_uring_setup io_uring_enter io_uring_register",
    "clock": """clock_settime clock_settime64 settimeofday stime adjtimex clock_adjtime
        clock_adjtime64""",
    "handles": "open_by_handle_at name_to_handle_at",
    "ptrace": "ptrace process_vm_readv process_vm_writev kcmp pidfd_getfd",
    "host": """swapon swapoff acct quotactl quotactl_fd iopl ioperm syslog vm86 vm86old
        nfsservctl _sysctl sethostname setdomainname vhangup fanotify_init uselib""",
    "numa": "mbind set_mempolicy move_pages migrate_pages",
}

# personality(2): the values a typical runtime allows — PER_LINUX (0),
# PER_LINUX | UNAME26 (0x8)... see README. Others get the default (ENOSYS).
PERSONALITY_OK = [0x0, 0x8, 0x20000, 0x20008, 0xFFFFFFFF]

# socket(2) by address family (argument 0) and, for netlink, protocol
# (argument 2). Refused: AF_VSOCK, the guest-to-hypervisor channel that no
# network namespace isolates, and NETLINK_AUDIT, the host's audit log, which
# the kernel serves only to the initial namespaces. Families past the last
# one Linux names (AF_MCTP, 45) are refused too, like any call the profile
# does not name. Each allowed range is a MASKED_EQ on the low 32 bits: the
# kernel reads these arguments as int, so bits 32-63 of the register are
# ignored by it and must not steer the filter either (a plain EQ/NE on the
# 64-bit value would let 0x100000028 through as AF_VSOCK).
AF_NETLINK = 16
AF_VSOCK = 40
AF_MAX = 46
NETLINK_AUDIT = 9
NETLINK_MAX = 32  # MAX_LINKS: netlink protocols are 0-31
# What NETLINK_AUDIT gets: the answer of a kernel without audit, which
# libaudit users (sshd, PAM, login) take as "no audit here" and go on; with
# EPERM or ENOSYS they refuse the login. A refused family gets the default
# action (ENOSYS), like any call the profile does not name.
EPROTONOSUPPORT = 93
LOW32 = 0xFFFFFFFF

# clone(2) flags that make namespaces. CLONE_NEWTIME (0x80) is absent: in
# clone(2) that bit belongs to the exit signal.
CLONE_NS = {"CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000,
            "CLONE_NEWUTS": 0x04000000, "CLONE_NEWIPC": 0x08000000,
            "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
            "CLONE_NEWNET": 0x40000000}


def words(text):
    return text.split()


def measured():
    with open(os.path.join(HERE, "measure", "results", "union.txt")) as f:
        return set(words(f.read()))


def aligned_blocks(values):
    """Covers a set of small non-negative ints exactly with (mask, value)
    pairs: each an aligned power-of-two block that MASKED_EQ matches."""
    blocks = []
    rest = sorted(values)
    while rest:
        start, size = rest[0], 1
        while (start % (size * 2) == 0
               and all(v in values for v in range(start, start + size * 2))):
            size *= 2
        blocks.append((LOW32 & ~(size - 1), start))
        rest = [v for v in rest if v >= start + size]
    return blocks


def low32(index, mask, value):
    return {"index": index, "value": mask, "valueTwo": value, "op": "SCMP_CMP_MASKED_EQ"}


def socket_rules():
    rules = []
    families = set(range(AF_MAX)) - {AF_NETLINK, AF_VSOCK}
    for mask, value in aligned_blocks(families):
        rules.append({"names": ["socket"], "action": "SCMP_ACT_ALLOW",
                      "args": [low32(0, mask, value)]})
    protocols = set(range(NETLINK_MAX)) - {NETLINK_AUDIT}
    for mask, value in aligned_blocks(protocols):
        rules.append({"names": ["socket"], "action": "SCMP_ACT_ALLOW",
                      "args": [low32(0, LOW32, AF_NETLINK), low32(2, mask, value)]})
    rules.append({"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": EPROTONOSUPPORT,
                  "args": [low32(0, LOW32, AF_NETLINK), low32(2, LOW32, NETLINK_AUDIT)]})
    return rules


def profile(allow, deny):
    clone_mask = sum(CLONE_NS.values())
    rules = [
        {"names": sorted(deny), "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
        {"names": sorted(allow), "action": "SCMP_ACT_ALLOW"},
    ]
    rules += socket_rules()
    for value in PERSONALITY_OK:
        rules.append({"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                      "args": [{"index": 0, "value": value, "op": "SCMP_CMP_EQ"}]})
    rules.append({"names": ["clone"], "action": "SCMP_ACT_ALLOW",
                  "args": [{"index": 0, "value": clone_mask, "valueTwo": 0,
                            "op": "SCMP_CMP_MASKED_EQ"}]})
    for flag in CLONE_NS.values():
        rules.append({"names": ["clone"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
                      "args": [{"index": 0, "value": flag, "valueTwo": flag,
                                "op": "SCMP_CMP_MASKED_EQ"}]})
    # clone3 passes its flags in memory, out of a filter's sight: ENOSYS makes
    # glibc and musl fall back to clone(2), whose flags are checked above.
    rules.append({"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38})
    return {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
            "architectures": ARCHES, "syscalls": rules}


def build():
    deny = set()
    for text in DENY.values():
        deny |= set(words(text))
    base = measured()
    for _, text in DEFAULT_GROUPS.values():
        base |= set(words(text))
    special = {"personality", "clone", "clone3", "socket"}
    default_allow = base - deny - special
    compat_allow = set(default_allow)
    for _, text in COMPAT_GROUPS.values():
        compat_allow |= set(words(text))
    compat_deny = deny - compat_allow
    compat_allow -= special
    leaked = (base - special) & deny
    return {"default-deny": profile(default_allow, deny),
            "compat": profile(compat_allow, compat_deny)}, leaked


def arch_counts(doc):
    lib = ctypes.CDLL("libseccomp.so.2")
    lib.seccomp_arch_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_arch_resolve_name.restype = ctypes.c_uint32
    lib.seccomp_syscall_resolve_name_arch.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    out = {}
    for arch in doc["architectures"]:
        token = lib.seccomp_arch_resolve_name(arch[len("SCMP_ARCH_"):].lower().encode())
        counts = {"allowed": set(), "allowed_by_arg": set(), "eperm": set()}
        for rule in doc["syscalls"]:
            for name in rule["names"]:
                nr = lib.seccomp_syscall_resolve_name_arch(token, name.encode())
                if nr < 0:  # unknown here, or a pseudo number (a multiplexed call)
                    continue
                if rule["action"] == "SCMP_ACT_ALLOW":
                    counts["allowed_by_arg" if "args" in rule else "allowed"].add(name)
                elif rule.get("errnoRet") == 1 and "args" not in rule:
                    counts["eperm"].add(name)
        out[arch] = {k: len(v) for k, v in counts.items()}
    return out


def write_counts(counts):
    readme = os.path.join(HERE, "README.md")
    with open(readme) as f:
        text = f.read()
    lines = ["| profile | architecture | allowed | allowed by argument | EPERM |",
             "|---|---|---|---|---|"]
    for name, per_arch in counts.items():
        for arch, c in per_arch.items():
            lines.append(f"| {name} | {arch} | {c['allowed']} | {c['allowed_by_arg']} "
                         f"| {c['eperm']} |")
    table = "\n".join(lines)
    text = re.sub(r"(<!-- counts -->\n).*?(<!-- /counts -->)",
                  lambda m: m.group(1) + table + "\n" + m.group(2), text, flags=re.S)
    with open(readme, "w") as f:
        f.write(text)
    print(table)


def main():
    profiles, leaked = build()
    if leaked:
        print("note: measured but denied:", " ".join(sorted(leaked)))
    counts = {}
    for name, doc in profiles.items():
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        counts[name] = arch_counts(doc)
    write_counts(counts)


if __name__ == "__main__":
    main()
