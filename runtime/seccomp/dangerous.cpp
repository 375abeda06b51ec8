// The syscalls an audit names when a filter lets them through, with what
// each gives a process inside a container.
#include "ward/seccomp/analysis.hpp"

namespace ward::seccomp {

namespace {

constexpr DangerousSyscall kDangerous[] = {
    {"clone", "with CLONE_NEW* flags it creates namespaces (a user namespace grants a full "
              "capability set inside it), the usual first step of a container escape"},
    {"clone3", "like clone, it creates namespaces from its flags, and a filter cannot inspect "
               "its flags (they sit in a struct in memory), so it must be denied with ENOSYS"},
    {"unshare", "moves the caller into new namespaces; an unprivileged user namespace brings "
                "capabilities that reach kernel code otherwise closed to the container"},
    {"setns", "joins another namespace through an fd, e.g. the host's when one leaks in"},
    {"mount", "mounts filesystems or changes mount flags and propagation, which can expose host "
              "paths or remount read-only views writable"},
    {"umount2", "unmounts what the runtime mounted over sensitive paths (masked /proc files, "
                "read-only binds), revealing what was hidden"},
    {"move_mount", "the new mount API's way to attach mounts anywhere in the tree"},
    {"fsopen", "new mount API: opens a filesystem context, reaching filesystem parsers that have "
               "had privilege-escalation bugs"},
    {"fsmount", "new mount API: turns a configured filesystem context into a mount"},
    {"fsconfig", "new mount API: feeds options to a filesystem's parser, a known attack surface"},
    {"fspick", "new mount API: reopens an existing mount's superblock to reconfigure it"},
    {"open_tree", "clones mount trees (with OPEN_TREE_CLONE) that can then be attached elsewhere"},
    {"mount_setattr", "changes mount attributes such as read-only or idmapping of a whole tree"},
    {"pivot_root", "replaces the root filesystem; inside a mount namespace it can undo the "
                   "runtime's root setup"},
    {"chroot", "changes the root directory; with a held directory fd it is a classic way out of "
               "a chroot"},
    {"keyctl", "the kernel keyring is not namespaced: it can read or plant keys of other "
               "containers and the host"},
    {"add_key", "adds keys to the kernel keyring, which is shared with the host"},
    {"request_key", "asks the kernel (and its upcall helpers on the host) for keys"},
    {"bpf", "loads eBPF programs and maps: a large kernel attack surface and, with privilege, "
            "tracing of the whole host"},
    {"perf_event_open", "performance monitoring can observe other processes and the kernel and "
                        "has had many privilege-escalation bugs"},
    {"ptrace", "traces and modifies other processes, and can bypass seccomp on kernels before "
               "4.8"},
    {"process_vm_readv", "reads another process's memory directly"},
    {"process_vm_writev", "writes another process's memory directly"},
    {"io_uring_setup", "io_uring runs I/O outside the view of seccomp filters and has been a "
                       "frequent source of kernel exploits"},
    {"io_uring_enter", "submits io_uring work that seccomp never sees syscall by syscall"},
    {"io_uring_register", "registers files and buffers with an io_uring instance"},
    {"open_by_handle_at", "opens files by handle, bypassing path lookup: the 'shocker' escape "
                          "read host files this way"},
    {"name_to_handle_at", "produces file handles for open_by_handle_at and leaks inode "
                          "identities"},
    {"personality", "changes the execution domain; flags such as READ_IMPLIES_EXEC or "
                    "ADDR_NO_RANDOMIZE weaken exploit mitigations"},
    {"userfaultfd", "lets user space stall kernel page faults, a standard tool to win kernel race "
                    "conditions"},
    {"kexec_load", "loads a new kernel to boot into"},
    {"kexec_file_load", "loads a new kernel from a file to boot into"},
    {"init_module", "loads kernel modules: arbitrary code in the kernel"},
    {"finit_module", "loads kernel modules from a file: arbitrary code in the kernel"},
    {"delete_module", "unloads kernel modules, which can remove security modules"},
    {"acct", "switches process accounting on or off, writing to a file of the caller's choice"},
    {"swapon", "adds swap space, which can expose memory contents to a file"},
    {"swapoff", "removes swap space, affecting the whole host's memory"},
    {"reboot", "reboots the machine or enables Ctrl-Alt-Del handling"},
    {"settimeofday", "sets the host's clock (time is not namespaced for the realtime clock)"},
    {"clock_settime", "sets the host's realtime clock"},
    {"clock_adjtime", "adjusts the host's clock"},
    {"adjtimex", "adjusts the host's clock"},
    {"quotactl", "manipulates disk quotas of host filesystems"},
    {"lookup_dcookie", "returns paths of directory entries for profiling, leaking host paths"},
    {"vm86", "enters virtual 8086 mode, an old attack surface on 32-bit x86"},
    {"vm86old", "enters virtual 8086 mode, an old attack surface on 32-bit x86"},
    {"uselib", "loads a shared library the obsolete a.out way, an old attack surface"},
    {"iopl", "raises the I/O privilege level: direct access to hardware ports"},
    {"ioperm", "grants access to hardware I/O ports"},
    {"nfsservctl", "the old kernel NFS server interface"},
    {"syslog", "reads or clears the kernel log, which leaks kernel addresses"},
};

} // namespace

std::span<const DangerousSyscall> dangerous_syscalls() {
    return kDangerous;
}

} // namespace ward::seccomp
