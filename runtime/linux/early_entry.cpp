// The ELF entry point of the static ward binary (linked with
// -e ward_early_entry; the sanitizer build, linked dynamically, keeps
// glibc's _start). Before the C library starts, a process that may start
// container processes re-executes itself from a read-only bind of its own
// binary attached to no mount namespace: the CVE-2019-5736 step of
// linux/self_exe.hpp, taken before glibc's start-up instead of after it.
// That start-up (CPU feature and cache probes, 43 CPUID instructions, each
// a hypervisor exit in a VM; relocation; constructors; the pages they
// touch) cost the first process about 0.3 ms of every create, run and exec
// (docs/performance.md). Everything here is an optimisation: on any
// failure it falls through to _start, and main's protect_own_binary
// (linux/self_exe.cpp) decides as before, with its memfd fallback and its
// error. It never decides that a binary is protected: a process started
// from the bind it makes runs protect_own_binary's own test again.
//
// Runs with no C library: no TLS (so no stack protector), no relocations
// applied (so no pointer in data, only PC-relative code), no IFUNC
// resolved (so no call the compiler might turn into memset or memcpy). The
// Makefile compiles this file with -fno-stack-protector, -fno-builtin and
// -fno-tree-loop-distribute-patterns, and checks that its object calls
// nothing.
#include "statmount_abi.hpp"

#include <cerrno>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#if defined(__x86_64__) // the Makefile links it on x86_64 only

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif

namespace {

long sys(long nr, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0) {
    long ret;
    register long r10 asm("r10") = d;
    register long r8 asm("r8") = e;
    asm volatile("syscall"
                 : "=a"(ret)
                 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                 : "rcx", "r11", "memory");
    return ret;
}

bool same(const char* a, const char* b) {
    while (*a && *a == *b)
        ++a, ++b;
    return *a == *b;
}

// Whether any argument is one of the verbs that start container processes.
// A word that is only an option's value or a container id ("ward state
// run") costs one needless re-exec, never a missed one: the verb itself is
// always one of the arguments.
bool may_start_container_processes(char** argv) {
    for (char** arg = argv + 1; *arg; ++arg)
        if (same(*arg, "create") || same(*arg, "run") || same(*arg, "exec"))
            return true;
    return false;
}

// Read-only, and statmount finds the mount in no namespace of ours (the
// test of self_exe.cpp; without statmount, the answer is no).
bool on_detached_read_only_mount(int fd) {
    struct statfs fs;
    if (sys(SYS_fstatfs, fd, reinterpret_cast<long>(&fs)) != 0 || !(fs.f_flags & ST_RDONLY))
        return false;
    struct statx sx;
    if (sys(SYS_statx, fd, reinterpret_cast<long>(""), AT_EMPTY_PATH, STATX_MNT_ID_UNIQUE,
            reinterpret_cast<long>(&sx)) != 0 ||
        !(sx.stx_mask & STATX_MNT_ID_UNIQUE))
        return false;
    ward::linux::statmount_abi::Request request;
    request.mnt_id = sx.stx_mnt_id;
    alignas(8) char reply[ward::linux::statmount_abi::kReplySize];
    return sys(SYS_statmount, reinterpret_cast<long>(&request), reinterpret_cast<long>(reply),
               sizeof reply, 0) == -ENOENT;
}

} // namespace

// `stack` is the process's initial stack: argc, argv..., 0, envp..., 0.
extern "C" [[gnu::used]] void ward_early_reexec(long* stack) {
    if (stack[0] < 2) // no verb at all (or argc 0, where argv + 1 is envp)
        return;
    char** argv = reinterpret_cast<char**>(stack + 1);
    char** envp = argv + stack[0] + 1;
    if (!may_start_container_processes(argv))
        return;
    long self = sys(SYS_open, reinterpret_cast<long>("/proc/self/exe"), O_PATH | O_CLOEXEC);
    if (self < 0)
        return;
    if (on_detached_read_only_mount(static_cast<int>(self))) {
        sys(SYS_close, self);
        return;
    }
    long bind = sys(SYS_open_tree, self, reinterpret_cast<long>(""),
                    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    sys(SYS_close, self);
    if (bind < 0)
        return;
    struct mount_attr attr;
    attr.attr_set = MOUNT_ATTR_RDONLY;
    attr.attr_clr = 0;
    attr.propagation = 0;
    attr.userns_fd = 0;
    if (sys(SYS_mount_setattr, bind, reinterpret_cast<long>(""), AT_EMPTY_PATH,
            reinterpret_cast<long>(&attr), sizeof attr) == 0 &&
        on_detached_read_only_mount(static_cast<int>(bind)))
        sys(SYS_execveat, bind, reinterpret_cast<long>(""), reinterpret_cast<long>(argv),
            reinterpret_cast<long>(envp), AT_EMPTY_PATH);
    sys(SYS_close, bind);
}

// rdx (the kernel's atexit pointer, 0 for a static binary) and rsp are
// what _start reads; rbx and r12 survive the call.
asm(R"(
    .text
    .globl ward_early_entry
    .type ward_early_entry, @function
ward_early_entry:
    mov %rdx, %r12
    mov %rsp, %rbx
    mov %rsp, %rdi
    and $-16, %rsp
    call ward_early_reexec
    mov %rbx, %rsp
    mov %r12, %rdx
    jmp _start
    .size ward_early_entry, .-ward_early_entry
)");

#endif // __x86_64__
