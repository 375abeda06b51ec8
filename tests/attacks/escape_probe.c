// escape-probe: tries, for real, each way out of a container that a
// process inside one could take, and prints one line per attempt:
//
//   attempt mount-tmpfs: refused: EPERM: mount tmpfs on /tmp
//   attempt mknod-host-disk: refused: open:EPERM: mknod ... worked, open refused
//   attempt socket-vsock: allowed: socket(AF_VSOCK) gave fd 3
//   attempt read-host-memory: could not run: no --host-addr given
//
// "allowed" means the call did what an attacker needs (or reached the
// kernel's real work: a wrong guess answered by the kernel, not a refusal).
// Every attempt is harmless even where it is allowed, so the same probe is
// the control run on the host (as root, in fresh mount/net/ipc/uts
// namespaces): nothing is written to a kernel file that was opened for
// writing, modules are "loaded" from an empty file, kexec gets invalid
// flags, keys live in the process keyring, a traced process is released at
// once, reboot is never called.
//
// Each attempt runs in a child of its own (an unshare or a personality
// stays there; a seccomp kill ends only that child, and is reported as
// refused: SIGSYS). A child that hangs is killed after 10 s and reported as
// "could not run". The last line is "attempts: N".
//
// Options: --host-pid PID (a process outside every namespace, started by
// the test; its comm must be "sleep"), --host-addr HEX (an address mapped
// in it), --host-disk MAJ:MIN (the block device under the bundle),
// --marker PATH (a host path that exists only outside the container's
// root), --scratch DIR (where device nodes may be made; else /dev, /dev/shm,
// /tmp), --only NAME (run one attempt).
//
// Static, like the checker: it runs in a busybox rootfs.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/userfaultfd.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef NETLINK_AUDIT
#define NETLINK_AUDIT 9
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x80
#endif

static struct {
    long host_pid;
    unsigned long host_addr;
    int have_disk;
    dev_t host_disk;
    const char* marker;
    const char* scratch;
} opt;

enum verdict { REFUSED, ALLOWED, CANNOT_RUN };

struct outcome {
    enum verdict verdict;
    int err;          // refused: the errno (0 with a detail saying why)
    const char* step; // refused: which step of several, printed as STEP:ERRNO
    char detail[400];
};

static struct outcome make(enum verdict verdict, int err, const char* fmt, va_list ap) {
    struct outcome o = {verdict, err, NULL, ""};
    vsnprintf(o.detail, sizeof o.detail, fmt, ap);
    return o;
}

__attribute__((format(printf, 1, 2))) static struct outcome allowed(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    struct outcome o = make(ALLOWED, 0, fmt, ap);
    va_end(ap);
    return o;
}

__attribute__((format(printf, 2, 3))) static struct outcome refused(int err, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    struct outcome o = make(REFUSED, err, fmt, ap);
    va_end(ap);
    return o;
}

// The attempt's own preconditions did not hold: it proves nothing.
__attribute__((format(printf, 1, 2))) static struct outcome cannot_run(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    struct outcome o = make(CANNOT_RUN, 0, fmt, ap);
    va_end(ap);
    return o;
}

// One whole line with one write(2): attempts run in forked children, and a
// stdio buffer copied by fork would print twice.
__attribute__((format(printf, 1, 2))) static void say(const char* fmt, ...) {
    char line[600];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof line - 2)
        n = sizeof line - 2;
    line[n++] = '\n';
    if (write(1, line, (size_t)n) < 0)
        _exit(125);
}

// One row of the table at the end: a function of its own, or a shared one
// given arguments (a namespace flag, a socket's family/type/protocol, a
// personality value, a path).
struct attempt {
    const char* name;
    struct outcome (*run)(void);
    struct outcome (*run_with)(const struct attempt*);
    long arg[3];
    const char* what;
    int needs_host_pid;
    int i386; // int 0x80: faults (SIGSEGV) in a kernel without the 32-bit entry
};

static const char* errname(int err) {
    const char* name = err ? strerrorname_np(err) : NULL;
    return name ? name : "E?";
}

// A call that made an fd: allowed (the fd is closed), else refused.
static struct outcome fd_result(long fd, const char* what) {
    if (fd >= 0) {
        close((int)fd);
        return allowed("%s gave fd %ld", what, fd);
    }
    return refused(errno, "%s", what);
}

// ---- mounts and namespaces ----

static struct outcome mount_tmpfs(void) {
    if (mount("none", "/tmp", "tmpfs", 0, "size=64k") < 0)
        return refused(errno, "mount tmpfs on /tmp");
    umount2("/tmp", MNT_DETACH);
    return allowed("mounted a tmpfs on /tmp");
}

static struct outcome mount_bind_root(void) {
    if (mount("/", "/tmp", NULL, MS_BIND | MS_REC, NULL) < 0)
        return refused(errno, "bind / onto /tmp");
    umount2("/tmp", MNT_DETACH);
    return allowed("bound / onto /tmp");
}

// A fresh procfs has none of the masks and read-only binds of /proc.
static struct outcome mount_proc(void) {
    if (mount("proc", "/tmp", "proc", 0, NULL) < 0)
        return refused(errno, "mount a fresh proc on /tmp");
    umount2("/tmp", MNT_DETACH);
    return allowed("mounted a fresh proc on /tmp");
}

static struct outcome mount_new_api(void) {
    return fd_result(syscall(SYS_fsopen, "tmpfs", 1 /* FSOPEN_CLOEXEC */), "fsopen(tmpfs)");
}

static struct outcome unshare_ns(const struct attempt* at) {
    if (unshare((int)at->arg[0]) < 0)
        return refused(errno, "unshare(%s)", at->what);
    return allowed("unshare(%s) succeeded", at->what);
}

static struct outcome reaped(long pid, const char* what) {
    if (pid < 0)
        return refused(errno, "%s", what);
    if (pid == 0)
        _exit(0); // the new child: it only had to exist
    waitpid((pid_t)pid, NULL, __WALL);
    return allowed("%s made child %ld", what, pid);
}

static struct outcome clone_newuser(void) {
    return reaped(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0), "clone(CLONE_NEWUSER)");
}

static struct outcome clone3_newuser(void) {
    uint64_t args[11] = {0};
    args[0] = CLONE_NEWUSER; // flags
    args[4] = SIGCHLD;       // exit_signal
    return reaped(syscall(SYS_clone3, args, sizeof args), "clone3(CLONE_NEWUSER)");
}

static struct outcome setns_path(const char* path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return refused(errno, "open %s", path);
    long rc = syscall(SYS_setns, fd, 0);
    int err = errno;
    close(fd);
    if (rc < 0)
        return refused(err, "setns to %s", path);
    return allowed("joined the namespace of %s", path);
}

// setns itself, into the namespace this process is already in.
static struct outcome setns_self(void) {
    return setns_path("/proc/self/ns/mnt");
}

static struct outcome setns_host_process(void) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/ns/mnt", opt.host_pid);
    return setns_path(path);
}

// ---- the host's processes ----

// Whether the host process is visible here, and what else is: in a pid
// namespace of its own the container sees only its own processes.
static struct outcome host_process_visible(void) {
    char path[64], comm[64] = "";
    snprintf(path, sizeof path, "/proc/%ld/comm", opt.host_pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int err = errno;
    if (fd >= 0) {
        ssize_t n = read(fd, comm, sizeof comm - 1);
        comm[n > 0 ? n : 0] = '\0';
        close(fd);
    }
    // What the scan of /proc reaches: how many, and the first few by name.
    int count = 0;
    char seen[160] = "";
    DIR* d = opendir("/proc");
    for (struct dirent* e; d && (e = readdir(d));) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        if (++count <= 4) {
            char p[300], name[32] = "?";
            snprintf(p, sizeof p, "/proc/%s/comm", e->d_name);
            int c = open(p, O_RDONLY | O_CLOEXEC);
            ssize_t n = c >= 0 ? read(c, name, sizeof name - 1) : -1;
            if (c >= 0)
                close(c);
            name[n > 0 ? n - 1 : 1] = '\0';
            size_t used = strlen(seen);
            snprintf(seen + used, sizeof seen - used, "%s%.12s %.31s", used ? ", " : "", e->d_name,
                     name);
        }
    }
    if (d)
        closedir(d);
    if (fd >= 0 && strcmp(comm, "sleep\n") == 0)
        return allowed("host pid %ld (sleep) is in /proc; %d processes visible (%s...)",
                       opt.host_pid, count, seen);
    return refused(fd >= 0 ? 0 : err, "host pid %ld not in /proc (%s); %d processes visible: %s",
                   opt.host_pid, fd >= 0 ? "another process has that number" : "absent", count,
                   seen);
}

static struct outcome signal_host_process(void) {
    if (kill((pid_t)opt.host_pid, 0) < 0)
        return refused(errno, "kill(host pid %ld, 0)", opt.host_pid);
    return allowed("kill(host pid %ld, 0) reached it", opt.host_pid);
}

static struct outcome pidfd_host_process(void) {
    return fd_result(syscall(SYS_pidfd_open, opt.host_pid, 0), "pidfd_open(host pid)");
}

static struct outcome ptrace_host_process(void) {
    if (ptrace(PTRACE_ATTACH, (pid_t)opt.host_pid, 0, 0) < 0)
        return refused(errno, "PTRACE_ATTACH host pid %ld", opt.host_pid);
    waitpid((pid_t)opt.host_pid, NULL, __WALL);
    ptrace(PTRACE_DETACH, (pid_t)opt.host_pid, 0, 0);
    return allowed("attached to host pid %ld (and detached)", opt.host_pid);
}

static struct outcome read_host_memory(void) {
    if (!opt.host_addr)
        return cannot_run("no --host-addr given");
    char buf[8];
    struct iovec local = {buf, sizeof buf};
    struct iovec remote = {(void*)opt.host_addr, sizeof buf};
    ssize_t n = process_vm_readv((pid_t)opt.host_pid, &local, 1, &remote, 1, 0);
    if (n >= 0)
        return allowed("process_vm_readv read %zd bytes of host pid %ld", n, opt.host_pid);
    if (errno == EFAULT) // the process was reached; only the address was wrong
        return allowed("process_vm_readv reached host pid %ld (EFAULT)", opt.host_pid);
    return refused(errno, "process_vm_readv of host pid %ld", opt.host_pid);
}

// ---- file handles (the "shocker" attack) ----

struct handle {
    unsigned int bytes;
    int type;
    unsigned char data[128];
};

static struct outcome name_to_handle(void) {
    struct handle h = {sizeof h.data, 0, {0}};
    int mount_id;
    if (syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &h, &mount_id, 0) < 0)
        return refused(errno, "name_to_handle_at(/)");
    return allowed("name_to_handle_at(/) gave a %u-byte handle of type %d", h.bytes, h.type);
}

// The root directory of the filesystem under "/" guessed as ext4 makes it:
// inode 2, generation 0 (FILEID_INO32_GEN). Opened, it is the host's tree
// around the container's root.
static struct outcome open_by_handle(void) {
    struct handle h = {8, 1 /* FILEID_INO32_GEN */, {0}};
    uint32_t ino_gen[2] = {2, 0};
    memcpy(h.data, ino_gen, sizeof ino_gen);
    int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return refused(errno, "open /");
    long fd = syscall(SYS_open_by_handle_at, root, &h, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int err = errno;
    close(root);
    if (fd >= 0) {
        close((int)fd);
        return allowed("open_by_handle_at opened inode 2 of the filesystem under /");
    }
    if (err == ESTALE) // the call was let through; a wrong guess is only a matter of time
        return allowed("open_by_handle_at ran (ESTALE: no inode 2 there)");
    return refused(err, "open_by_handle_at(inode 2)");
}

// ---- kernel files (opened for writing, never written) ----

static struct outcome open_for_write(const char* path) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return refused(errno, "open %s for writing", path);
    close(fd); // nothing written: opening is all the attack needs to show
    return allowed("opened %s for writing (nothing written)", path);
}

static struct outcome write_path(const struct attempt* at) {
    return open_for_write(at->what);
}

// A writable kernel setting under /sys/kernel: the first this kernel has.
static struct outcome write_sys_kernel(void) {
    static const char* const paths[] = {"/sys/kernel/uevent_helper", "/sys/kernel/profiling",
                                        "/sys/kernel/rcu_expedited"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; ++i)
        if (access(paths[i], F_OK) == 0)
            return open_for_write(paths[i]);
    return refused(ENOENT, "none of /sys/kernel/{uevent_helper,profiling,rcu_expedited}");
}

// cgroup v1's release_agent runs a program of the writer's choice on the host.
static struct outcome write_release_agent(void) {
    DIR* d = opendir("/sys/fs/cgroup");
    if (!d)
        return refused(errno, "open /sys/fs/cgroup");
    char path[300] = "/sys/fs/cgroup/release_agent";
    for (struct dirent* e; access(path, F_OK) != 0 && (e = readdir(d));)
        snprintf(path, sizeof path, "/sys/fs/cgroup/%s/release_agent", e->d_name);
    closedir(d);
    if (access(path, F_OK) != 0)
        return refused(ENOENT, "no release_agent under /sys/fs/cgroup");
    return open_for_write(path);
}

static struct outcome read_file_start(const char* path) {
    char buf[64];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return refused(errno, "open %s", path);
    ssize_t n = read(fd, buf, sizeof buf);
    int err = errno;
    close(fd);
    if (n > 0)
        return allowed("read %zd bytes of %s", n, path);
    return refused(n < 0 ? err : 0, "%s read %s", path, n < 0 ? "failed" : "0 bytes (masked)");
}

static struct outcome read_path(const struct attempt* at) {
    return read_file_start(at->what);
}

static struct outcome read_kernel_log(void) {
    char buf[64];
    long n = syscall(SYS_syslog, 3 /* SYSLOG_ACTION_READ_ALL */, buf, (long)sizeof buf);
    if (n < 0)
        return refused(errno, "syslog(READ_ALL)");
    return allowed("syslog(READ_ALL) read %ld bytes of the kernel log", n);
}

// ---- device nodes ----

// Makes a node in the first directory that takes one (--scratch only,
// when given: on the host, /dev is the host's own), opens it, reads 512
// bytes, and removes it. A refusal names the first directory's errno that
// is not a read-only or missing directory.
static struct outcome node_readable(mode_t type, dev_t dev, const char* what) {
    const char* dirs[] = {"/dev", "/dev/shm", "/tmp"};
    size_t count = sizeof dirs / sizeof *dirs;
    if (opt.scratch) {
        dirs[0] = opt.scratch;
        count = 1;
    }
    char path[300] = "";
    int made = -1, err = 0;
    for (size_t i = 0; i < count && made < 0; ++i) {
        snprintf(path, sizeof path, "%s/ward-escape-probe-node", dirs[i]);
        made = mknod(path, type | 0600, dev);
        if (made < 0 && (err == 0 || err == EROFS || err == ENOENT))
            err = errno;
    }
    struct outcome o;
    if (made < 0) {
        o = refused(err, "mknod %s %u:%u", what, major(dev), minor(dev));
        o.step = "mknod";
        return o;
    }
    char buf[512];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int open_err = errno;
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
    int read_err = errno;
    if (fd >= 0)
        close(fd);
    unlink(path);
    if (fd < 0) {
        o = refused(open_err, "mknod %s at %s worked, open refused", what, path);
        o.step = "open";
    } else if (n <= 0) {
        o = refused(n < 0 ? read_err : 0, "mknod and open of %s worked, read refused", what);
        o.step = "read";
    } else {
        o = allowed("read %zd bytes of %s through a node made at %s", n, what, path);
    }
    return o;
}

static struct outcome mknod_host_disk(void) {
    if (!opt.have_disk)
        return cannot_run("no --host-disk given");
    return node_readable(S_IFBLK, opt.host_disk, "the host's disk");
}

static struct outcome mknod_dev_mem(void) {
    return node_readable(S_IFCHR, makedev(1, 1), "/dev/mem (c 1:1)");
}

// ---- kernel code: modules, kexec, bpf, io_uring, perf, userfaultfd ----

// Answers of a kernel that processed the call and found the input bad.
static struct outcome ran_unless(long rc, int refusal1, int refusal2, const char* what) {
    int err = errno;
    if (rc >= 0 || (err != refusal1 && err != refusal2))
        return allowed("%s reached the kernel (%s)", what, rc >= 0 ? "ok" : errname(err));
    return refused(err, "%s", what);
}

static struct outcome init_module_call(void) {
    return ran_unless(syscall(SYS_init_module, "", 0UL, ""), EPERM, ENOSYS,
                      "init_module(empty image)");
}

static struct outcome finit_module_call(void) {
    int fd = memfd_create("ward-escape-probe-module", MFD_CLOEXEC);
    if (fd < 0)
        return refused(errno, "memfd_create for an empty module file");
    long rc = syscall(SYS_finit_module, fd, "", 0);
    int err = errno;
    close(fd);
    errno = err;
    return ran_unless(rc, EPERM, ENOSYS, "finit_module(empty file)");
}

static struct outcome delete_module_call(void) {
    return ran_unless(syscall(SYS_delete_module, "ward_escape_probe_absent", O_NONBLOCK), EPERM,
                      ENOSYS, "delete_module(absent module)");
}

// 17 segments (over KEXEC_SEGMENT_MAX) and an undefined flag: EINVAL from a
// kernel that lets the call in, before anything is loaded or unloaded.
static struct outcome kexec_load_call(void) {
    return ran_unless(syscall(SYS_kexec_load, 0UL, 17UL, NULL, 0x8000UL), EPERM, ENOSYS,
                      "kexec_load(invalid)");
}

static struct outcome bpf_prog_load(void) {
    struct bpf_insn insns[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
        {.code = BPF_JMP | BPF_EXIT},
    };
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
    attr.insns = (uint64_t)(uintptr_t)insns;
    attr.insn_cnt = 2;
    attr.license = (uint64_t)(uintptr_t) "GPL";
    return fd_result(syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr), "bpf(BPF_PROG_LOAD)");
}

static struct outcome bpf_map_create(void) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.map_type = BPF_MAP_TYPE_ARRAY;
    attr.key_size = 4;
    attr.value_size = 4;
    attr.max_entries = 1;
    return fd_result(syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr), "bpf(BPF_MAP_CREATE)");
}

static struct outcome io_uring(void) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    return fd_result(syscall(SYS_io_uring_setup, 1, &p), "io_uring_setup");
}

static struct outcome perf_event(void) {
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.type = PERF_TYPE_SOFTWARE;
    attr.size = sizeof attr;
    attr.config = PERF_COUNT_SW_DUMMY;
    attr.disabled = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    return fd_result(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0), "perf_event_open");
}

static struct outcome userfaultfd_call(void) {
    return fd_result(syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY), "userfaultfd");
}

static struct outcome iopl_call(void) {
    if (syscall(SYS_iopl, 3) < 0)
        return refused(errno, "iopl(3)");
    syscall(SYS_iopl, 0);
    return allowed("iopl(3) granted I/O port access (dropped again)");
}

// ---- keyrings (process keyring only: it ends with the process) ----

static struct outcome keyctl_call(void) {
    long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, 1);
    if (id < 0)
        return refused(errno, "keyctl(GET_KEYRING_ID, process keyring)");
    return allowed("keyctl made process keyring %ld", id);
}

static struct outcome add_key_call(void) {
    long id =
        syscall(SYS_add_key, "user", "ward-escape-probe", "x", 1UL, (long)KEY_SPEC_PROCESS_KEYRING);
    if (id < 0)
        return refused(errno, "add_key(user, process keyring)");
    return allowed("add_key made key %ld", id);
}

// No callout: a kernel that runs the call answers ENOKEY, no upcall.
static struct outcome request_key_call(void) {
    long id = syscall(SYS_request_key, "user", "ward-escape-probe-absent", NULL,
                      (long)KEY_SPEC_PROCESS_KEYRING);
    if (id >= 0 || errno == ENOKEY)
        return allowed("request_key ran (%s)", id >= 0 ? "found" : "ENOKEY");
    return refused(errno, "request_key(user)");
}

// ---- sockets ----

// Bits 32-63 of an int argument are ignored by the kernel: the rows with
// 1<<32 set would pass a filter that compares all 64.
static struct outcome socket_with(const struct attempt* at) {
    return fd_result(syscall(SYS_socket, at->arg[0], at->arg[1], at->arg[2]), at->what);
}

static struct outcome socket_vsock_x32(void) {
    return fd_result(syscall(0x40000000 | SYS_socket, AF_VSOCK, SOCK_STREAM, 0),
                     "x32 socket(AF_VSOCK)");
}

// A 32-bit x86 system call from this 64-bit process, as an i386 binary
// makes it. Returns -errno on failure.
static long i386_syscall(long nr, long a, long b, long c) {
    long ret;
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(nr), "b"(a), "c"(b), "d"(c)
                     : "memory", "r8", "r9", "r10", "r11");
    return ret;
}

static struct outcome i386_result(long rc, const char* what) {
    if (rc >= 0) {
        close((int)rc);
        return allowed("%s gave fd %ld", what, rc);
    }
    return refused((int)-rc, "%s", what);
}

// socketcall(SYS_SOCKET, args): socket's arguments in memory, out of a
// filter's sight. The argument block must sit below 4 GiB.
static struct outcome socket_vsock_i386_socketcall(void) {
    unsigned* args =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (args == MAP_FAILED)
        return cannot_run("no memory below 4 GiB for socketcall's arguments");
    args[0] = AF_VSOCK;
    args[1] = SOCK_STREAM;
    args[2] = 0;
    return i386_result(i386_syscall(102 /* socketcall */, 1 /* SYS_SOCKET */, (long)args, 0),
                       "i386 socketcall(SYS_SOCKET, AF_VSOCK)");
}

static struct outcome socket_vsock_i386(void) {
    return i386_result(i386_syscall(359 /* socket */, AF_VSOCK, SOCK_STREAM, 0),
                       "i386 socket(AF_VSOCK)");
}

// ---- personality ----

static struct outcome personality_set(const struct attempt* at) {
    unsigned long value = (unsigned long)at->arg[0];
    if (syscall(SYS_personality, value) < 0)
        return refused(errno, "personality(%s)", at->what);
    long now = syscall(SYS_personality, 0xffffffffUL);
    if (now < 0 || ((unsigned long)now & value) != value)
        return refused(0, "personality(%s) returned but did not take (now 0x%lx)", at->what, now);
    return allowed("personality(%s) took (0x%lx)", at->what, now);
}

// ---- chroot ----

// The classic way out of a chroot: chroot into a subdirectory while the
// working directory stays outside it, walk up with "..", chroot there.
// Out of a chroot this reaches the real root; after pivot_root, ".." stops
// at the container's root. --marker names a host path outside that root.
static struct outcome chroot_escape(void) {
    if (!opt.marker)
        return cannot_run("no --marker given");
    if (access(opt.marker, F_OK) == 0)
        return allowed("the host path %s is visible without any escape", opt.marker);
    if (chroot("/etc") < 0)
        return refused(errno, "chroot(/etc)");
    for (int i = 0; i < 64; ++i)
        if (chdir("..") < 0)
            break;
    if (chroot(".") < 0)
        return refused(errno, "chroot allowed; chroot(.) after walking up");
    if (access(opt.marker, F_OK) == 0)
        return allowed("chroot out reached the host path %s", opt.marker);
    return refused(0, "chroot allowed, but walking up stops at the container's root");
}

// ---- the table ----

#define ONE(NAME, FN)                                                                              \
    { .name = NAME, .run = FN }
#define HOST(NAME, FN)                                                                             \
    { .name = NAME, .run = FN, .needs_host_pid = 1 }
#define UNSHARE(NAME, FLAG)                                                                        \
    { .name = NAME, .run_with = unshare_ns, .arg = {FLAG}, .what = #FLAG }
#define WRITE(NAME, PATH)                                                                          \
    { .name = NAME, .run_with = write_path, .what = PATH }
#define READ(NAME, PATH)                                                                           \
    { .name = NAME, .run_with = read_path, .what = PATH }
#define SOCKET(NAME, F, T, P, WHAT)                                                                \
    { .name = NAME, .run_with = socket_with, .arg = {F, T, P}, .what = WHAT }
#define PERSONALITY(NAME, V)                                                                       \
    { .name = NAME, .run_with = personality_set, .arg = {V}, .what = #V }

static const struct attempt attempts[] = {
    ONE("mount-tmpfs", mount_tmpfs),
    ONE("mount-bind-root", mount_bind_root),
    ONE("mount-proc", mount_proc),
    ONE("mount-new-api", mount_new_api),
    UNSHARE("unshare-user", CLONE_NEWUSER),
    ONE("clone-newuser", clone_newuser),
    ONE("clone3-newuser", clone3_newuser),
    UNSHARE("unshare-mnt", CLONE_NEWNS),
    UNSHARE("unshare-net", CLONE_NEWNET),
    UNSHARE("unshare-pid", CLONE_NEWPID),
    UNSHARE("unshare-ipc", CLONE_NEWIPC),
    UNSHARE("unshare-uts", CLONE_NEWUTS),
    UNSHARE("unshare-cgroup", CLONE_NEWCGROUP),
    UNSHARE("unshare-time", CLONE_NEWTIME),
    ONE("setns-self", setns_self),
    HOST("setns-host-process", setns_host_process),
    HOST("host-process-visible", host_process_visible),
    HOST("signal-host-process", signal_host_process),
    HOST("pidfd-host-process", pidfd_host_process),
    HOST("ptrace-host-process", ptrace_host_process),
    HOST("read-host-memory", read_host_memory),
    ONE("name-to-handle-at", name_to_handle),
    ONE("open-by-handle-at", open_by_handle),
    WRITE("write-sysrq-trigger", "/proc/sysrq-trigger"),
    WRITE("write-core-pattern", "/proc/sys/kernel/core_pattern"),
    ONE("write-sys-kernel", write_sys_kernel),
    ONE("write-release-agent", write_release_agent),
    READ("read-kcore", "/proc/kcore"),
    READ("read-dev-mem", "/dev/mem"),
    ONE("read-kernel-log", read_kernel_log),
    ONE("mknod-host-disk", mknod_host_disk),
    ONE("mknod-dev-mem", mknod_dev_mem),
    ONE("init-module", init_module_call),
    ONE("finit-module", finit_module_call),
    ONE("delete-module", delete_module_call),
    ONE("kexec-load", kexec_load_call),
    ONE("bpf-prog-load", bpf_prog_load),
    ONE("bpf-map-create", bpf_map_create),
    ONE("io-uring-setup", io_uring),
    ONE("perf-event-open", perf_event),
    ONE("userfaultfd", userfaultfd_call),
    ONE("iopl", iopl_call),
    ONE("keyctl", keyctl_call),
    ONE("add-key", add_key_call),
    ONE("request-key", request_key_call),
    SOCKET("socket-packet", AF_PACKET, SOCK_RAW, 0x0300 /* htons(ETH_P_ALL) */,
           "socket(AF_PACKET, SOCK_RAW)"),
    SOCKET("socket-raw-inet", AF_INET, SOCK_RAW, IPPROTO_ICMP, "socket(AF_INET, SOCK_RAW)"),
    SOCKET("socket-netlink-audit", AF_NETLINK, SOCK_RAW, NETLINK_AUDIT,
           "socket(AF_NETLINK, NETLINK_AUDIT)"),
    SOCKET("socket-netlink-audit-high-bits", AF_NETLINK, SOCK_RAW, (1L << 32) | NETLINK_AUDIT,
           "socket(AF_NETLINK, 1<<32 | NETLINK_AUDIT)"),
    SOCKET("socket-vsock", AF_VSOCK, SOCK_STREAM, 0, "socket(AF_VSOCK)"),
    SOCKET("socket-vsock-high-bits", (1L << 32) | AF_VSOCK, SOCK_STREAM, 0,
           "socket(1<<32 | AF_VSOCK)"),
    ONE("socket-vsock-x32", socket_vsock_x32),
    {.name = "socket-vsock-i386", .run = socket_vsock_i386, .i386 = 1},
    {.name = "socket-vsock-i386-socketcall", .run = socket_vsock_i386_socketcall, .i386 = 1},
    PERSONALITY("personality-read-implies-exec", READ_IMPLIES_EXEC),
    PERSONALITY("personality-addr-no-randomize", ADDR_NO_RANDOMIZE),
    PERSONALITY("personality-linux32-addr-no-randomize", PER_LINUX32 | ADDR_NO_RANDOMIZE),
    ONE("chroot-escape", chroot_escape),
};

static void run_attempt(const struct attempt* a) {
    if (a->needs_host_pid && opt.host_pid <= 0) {
        say("attempt %s: could not run: no --host-pid given", a->name);
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        say("attempt %s: could not run: fork: %s", a->name, errname(errno));
        return;
    }
    if (pid == 0) {
        alarm(10);
        struct outcome o = a->run ? a->run() : a->run_with(a);
        if (o.verdict == ALLOWED)
            say("attempt %s: allowed: %s", a->name, o.detail);
        else if (o.verdict == CANNOT_RUN)
            say("attempt %s: could not run: %s", a->name, o.detail);
        else
            say("attempt %s: refused: %s%s%s: %s", a->name, o.step ? o.step : "", o.step ? ":" : "",
                o.err ? errname(o.err) : "-", o.detail);
        _exit(0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
        say("attempt %s: refused: SIGSYS: killed by the seccomp filter", a->name);
    else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV && a->i386)
        say("attempt %s: refused: SIGSEGV: int 0x80 faulted: no 32-bit x86 entry here", a->name);
    else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        say("attempt %s: could not run: no answer within 10 s", a->name);
    else if (WIFSIGNALED(status))
        say("attempt %s: could not run: killed by signal %d", a->name, WTERMSIG(status));
    else
        say("attempt %s: could not run: exit %d", a->name, WEXITSTATUS(status));
}

static int usage(void) {
    fprintf(stderr, "usage: escape-probe [--host-pid PID] [--host-addr HEX] [--host-disk MAJ:MIN]\n"
                    "                    [--marker PATH] [--scratch DIR] [--only NAME] [--list]\n");
    return 125;
}

int main(int argc, char** argv) {
    const char* only = NULL;
    for (int i = 1; i < argc; ++i) {
        const char* arg = argv[i];
        if (strcmp(arg, "--list") == 0) {
            for (size_t j = 0; j < sizeof attempts / sizeof *attempts; ++j)
                say("%s", attempts[j].name);
            return 0;
        }
        if (i + 1 >= argc)
            return usage();
        const char* value = argv[++i];
        unsigned maj, min;
        if (strcmp(arg, "--host-pid") == 0)
            opt.host_pid = strtol(value, NULL, 10);
        else if (strcmp(arg, "--host-addr") == 0)
            opt.host_addr = strtoul(value, NULL, 16);
        else if (strcmp(arg, "--host-disk") == 0 && sscanf(value, "%u:%u", &maj, &min) == 2) {
            opt.host_disk = makedev(maj, min);
            opt.have_disk = 1;
        } else if (strcmp(arg, "--marker") == 0)
            opt.marker = value;
        else if (strcmp(arg, "--scratch") == 0)
            opt.scratch = value;
        else if (strcmp(arg, "--only") == 0)
            only = value;
        else
            return usage();
    }
    int ran = 0;
    for (size_t i = 0; i < sizeof attempts / sizeof *attempts; ++i) {
        if (only && strcmp(only, attempts[i].name) != 0)
            continue;
        run_attempt(&attempts[i]);
        ++ran;
    }
    say("attempts: %d", ran);
    return ran > 0 ? 0 : 125;
}
