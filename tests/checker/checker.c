// checker: runs inside a container and reports what the container really is.
//
// Static, no dependencies beyond libc, so it runs in a busybox rootfs. Every
// subcommand prints "key: value" lines on stdout; integration tests parse them.
// Failures of the checker itself go to stderr and exit 125, so a test never
// mistakes a broken checker for a container property.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

extern char** environ;

static int usage(void) {
    fprintf(stderr, "usage: checker status|rlimits|env|fds|mounts|tty|wait-signal\n"
                    "       checker ls DIR|read PATH|write PATH|exit N|kill-self SIG|sleep S\n"
                    "       checker syscall NR [ARG...]|notify MESSAGE\n"
                    "       checker abstract-listen NAME|abstract-connect NAME\n"
                    "       checker open PATH r|w|rw|mknod PATH c|b MAJOR MINOR\n");
    return 125;
}

// Symbolic errno names: tests match on them, and strerror text varies by libc.
static const char* errno_name(int err) {
    switch (err) {
    case ENOENT:
        return "ENOENT";
    case EACCES:
        return "EACCES";
    case EAFNOSUPPORT:
        return "EAFNOSUPPORT";
    case EPERM:
        return "EPERM";
    case EROFS:
        return "EROFS";
    case EISDIR:
        return "EISDIR";
    case ENOTDIR:
        return "ENOTDIR";
    case EINVAL:
        return "EINVAL";
    case EIO:
        return "EIO";
    case ENXIO:
        return "ENXIO";
    case ENODEV:
        return "ENODEV";
    case EBUSY:
        return "EBUSY";
    case ELOOP:
        return "ELOOP";
    case ENOSPC:
        return "ENOSPC";
    case EEXIST:
        return "EEXIST";
    case EBADF:
        return "EBADF";
    case ENOSYS:
        return "ENOSYS";
    default:
        return NULL;
    }
}

static void print_errno(const char* prefix, int err) {
    const char* name = errno_name(err);
    if (name)
        printf("%s: error %s\n", prefix, name);
    else
        printf("%s: error E%d\n", prefix, err);
}

struct named {
    const char* name;
    int value;
};

static const struct named signals[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"BUS", SIGBUS},     {"FPE", SIGFPE},
    {"KILL", SIGKILL},     {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},     {"ALRM", SIGALRM}, {"TERM", SIGTERM},   {"CHLD", SIGCHLD},
    {"CONT", SIGCONT},     {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU},     {"URG", SIGURG},   {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},
    {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
    {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

static int parse_signal(const char* s) {
    if (strncmp(s, "SIG", 3) == 0)
        s += 3;
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        if (strcmp(signals[i].name, s) == 0)
            return signals[i].value;
    char* end = NULL;
    long n = strtol(s, &end, 10);
    if (*s && end && *end == '\0' && n > 0 && n < NSIG)
        return (int)n;
    return -1;
}

static const char* signal_name(int sig) {
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        if (signals[i].value == sig)
            return signals[i].name;
    return NULL;
}

// Copies the lines of /proc/self/status whose key is in keys.
static void print_status_fields(const char* const* keys) {
    FILE* f = fopen("/proc/self/status", "re");
    if (!f) {
        print_errno("proc_status", errno);
        return;
    }
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char* colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        for (const char* const* k = keys; *k; k++) {
            if (strcmp(line, *k) != 0)
                continue;
            char* value = colon + 1;
            while (*value == ' ' || *value == '\t')
                value++;
            printf("%s: %s", line, value); // value keeps its newline
        }
    }
    fclose(f);
}

static int cmd_status(void) {
    char buf[PATH_MAX];
    if (gethostname(buf, sizeof buf) == 0)
        printf("hostname: %s\n", buf);
    if (getdomainname(buf, sizeof buf) == 0)
        printf("domainname: %s\n", buf);
    printf("pid: %d\nppid: %d\n", (int)getpid(), (int)getppid());
    printf("uid: %u\neuid: %u\ngid: %u\negid: %u\n", getuid(), geteuid(), getgid(), getegid());
    gid_t groups[NGROUPS_MAX];
    int n = getgroups(NGROUPS_MAX, groups);
    printf("groups:");
    for (int i = 0; i < n; i++)
        printf(" %u", groups[i]);
    printf("\n");
    static const char* const keys[] = {"CapInh",     "CapPrm",  "CapEff", "CapBnd", "CapAmb",
                                       "NoNewPrivs", "Seccomp", "SigBlk", NULL};
    print_status_fields(keys);
    mode_t mask = umask(0);
    umask(mask);
    printf("umask: %04o\n", (unsigned)mask);
    if (getcwd(buf, sizeof buf))
        printf("cwd: %s\n", buf);
    else
        print_errno("cwd", errno);
    struct statvfs sv;
    if (statvfs("/", &sv) == 0)
        printf("root_readonly: %d\n", (sv.f_flag & ST_RDONLY) ? 1 : 0);
    else
        print_errno("root_readonly", errno);
    return 0;
}

static void print_limit(rlim_t v) {
    if (v == RLIM_INFINITY)
        printf("unlimited");
    else
        printf("%llu", (unsigned long long)v);
}

static int cmd_rlimits(void) {
    static const struct named limits[] = {
        {"RLIMIT_CPU", RLIMIT_CPU},           {"RLIMIT_FSIZE", RLIMIT_FSIZE},
        {"RLIMIT_DATA", RLIMIT_DATA},         {"RLIMIT_STACK", RLIMIT_STACK},
        {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_RSS", RLIMIT_RSS},
        {"RLIMIT_NPROC", RLIMIT_NPROC},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
        {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},   {"RLIMIT_AS", RLIMIT_AS},
        {"RLIMIT_LOCKS", RLIMIT_LOCKS},       {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
        {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
        {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},     {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    };
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        struct rlimit rl;
        if (getrlimit(limits[i].value, &rl) != 0) {
            print_errno(limits[i].name, errno);
            continue;
        }
        printf("%s: ", limits[i].name);
        print_limit(rl.rlim_cur);
        printf(" ");
        print_limit(rl.rlim_max);
        printf("\n");
    }
    return 0;
}

static int cmd_env(void) {
    for (char** e = environ; *e; e++)
        printf("env: %s\n", *e);
    return 0;
}

static int cmd_fds(void) {
    DIR* d = opendir("/proc/self/fd");
    if (!d) {
        fprintf(stderr, "checker: opendir /proc/self/fd: %s\n", strerror(errno));
        return 125;
    }
    int own = dirfd(d);
    struct dirent* de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        int fd = atoi(de->d_name);
        if (fd == own)
            continue;
        char path[64], target[PATH_MAX];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        ssize_t len = readlink(path, target, sizeof target - 1);
        if (len < 0)
            len = 0;
        target[len] = '\0';
        printf("fd %d: %s\n", fd, target);
    }
    closedir(d);
    return 0;
}

// mountinfo fields: id parent major:minor root mountpoint options [optional...] - fstype src super
static int cmd_mounts(void) {
    FILE* f = fopen("/proc/self/mountinfo", "re");
    if (!f) {
        fprintf(stderr, "checker: open mountinfo: %s\n", strerror(errno));
        return 125;
    }
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        char* fields[64];
        int n = 0;
        for (char* tok = strtok(line, " \n"); tok && n < 64; tok = strtok(NULL, " \n"))
            fields[n++] = tok;
        int sep = -1;
        for (int i = 6; i < n; i++)
            if (strcmp(fields[i], "-") == 0) {
                sep = i;
                break;
            }
        if (n < 6 || sep < 0 || sep + 1 >= n)
            continue;
        printf("mount: %s %s %s\n", fields[4], fields[5], fields[sep + 1]);
    }
    fclose(f);
    return 0;
}

static const char* type_of(mode_t mode) {
    if (S_ISREG(mode))
        return "file";
    if (S_ISDIR(mode))
        return "dir";
    if (S_ISLNK(mode))
        return "link";
    if (S_ISCHR(mode))
        return "char";
    if (S_ISBLK(mode))
        return "block";
    if (S_ISFIFO(mode))
        return "fifo";
    if (S_ISSOCK(mode))
        return "socket";
    return "other";
}

static int cmd_ls(const char* dir) {
    DIR* d = opendir(dir);
    if (!d) {
        char prefix[PATH_MAX + 8];
        snprintf(prefix, sizeof prefix, "ls %s", dir);
        print_errno(prefix, errno);
        return 1;
    }
    struct dirent* de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            printf("entry: %s unknown\n", de->d_name);
            continue;
        }
        if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
            printf("entry: %s %s %u:%u\n", de->d_name, type_of(st.st_mode), major(st.st_rdev),
                   minor(st.st_rdev));
        else
            printf("entry: %s %s\n", de->d_name, type_of(st.st_mode));
    }
    closedir(d);
    return 0;
}

static int cmd_read(const char* path) {
    char prefix[PATH_MAX + 8];
    snprintf(prefix, sizeof prefix, "read %s", path);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        print_errno(prefix, errno);
        return 1;
    }
    char buf[8192];
    unsigned long long total = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            print_errno(prefix, errno);
            close(fd);
            return 1;
        }
        if (n == 0)
            break;
        total += (unsigned long long)n;
    }
    close(fd);
    printf("%s: ok %llu bytes\n", prefix, total);
    return 0;
}

// Opens for writing (creating when missing) without truncating, so probing a
// /proc/sys file never changes it.
static int cmd_write(const char* path) {
    char prefix[PATH_MAX + 8];
    snprintf(prefix, sizeof prefix, "write %s", path);
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0) {
        print_errno(prefix, errno);
        return 1;
    }
    close(fd);
    printf("%s: ok\n", prefix);
    return 0;
}

// Opens a path (r, w or rw) without reading or writing: device tests ask
// whether the open itself is allowed. Prints "open PATH MODE: ok|error E...".
static int cmd_open(const char* path, const char* mode) {
    int flags = strcmp(mode, "r") == 0    ? O_RDONLY
                : strcmp(mode, "w") == 0  ? O_WRONLY
                : strcmp(mode, "rw") == 0 ? O_RDWR
                                          : -1;
    if (flags < 0)
        return usage();
    char prefix[PATH_MAX + 16];
    snprintf(prefix, sizeof prefix, "open %s %s", path, mode);
    int fd = open(path, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        print_errno(prefix, errno);
        return 1;
    }
    close(fd);
    printf("%s: ok\n", prefix);
    return 0;
}

// Creates a device node. Prints "mknod PATH: ok|error E...".
static int cmd_mknod(const char* path, const char* type, const char* major_s, const char* minor_s) {
    mode_t kind = strcmp(type, "c") == 0 ? S_IFCHR : strcmp(type, "b") == 0 ? S_IFBLK : 0;
    if (!kind)
        return usage();
    dev_t dev = makedev((unsigned)strtoul(major_s, NULL, 10), (unsigned)strtoul(minor_s, NULL, 10));
    char prefix[PATH_MAX + 8];
    snprintf(prefix, sizeof prefix, "mknod %s", path);
    if (mknod(path, kind | 0600, dev) != 0) {
        print_errno(prefix, errno);
        return 1;
    }
    printf("%s: ok\n", prefix);
    return 0;
}

static int cmd_kill_self(const char* name) {
    int sig = parse_signal(name);
    if (sig < 0) {
        fprintf(stderr, "checker: unknown signal %s\n", name);
        return 125;
    }
    fflush(stdout);
    signal(sig, SIG_DFL);
    kill(getpid(), sig);
    // Still alive: pid 1 of a pid namespace ignores default-action signals
    // sent from inside the namespace.
    printf("kill-self: survived\n");
    return 124;
}

static int cmd_sleep(const char* seconds) {
    unsigned n = (unsigned)strtoul(seconds, NULL, 10);
    printf("sleep: %u\n", n);
    fflush(stdout);
    while (n > 0)
        n = sleep(n);
    return 0;
}

static int cmd_tty(void) {
    for (int fd = 0; fd <= 2; fd++) {
        printf("isatty %d: %d\n", fd, isatty(fd) ? 1 : 0);
        char name[PATH_MAX];
        if (ttyname_r(fd, name, sizeof name) == 0)
            printf("ttyname %d: %s\n", fd, name);
    }
    return 0;
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig) {
    got_signal = sig;
}

// Catches every catchable signal and reports the first one; "ready" tells the
// test the handlers are in place, so a signal sent after it is not lost.
static int cmd_wait_signal(void) {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask);
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD)
            sigaction(sig, &sa, NULL);
    printf("wait-signal: ready\n");
    fflush(stdout);
    sigset_t none;
    sigemptyset(&none);
    while (!got_signal)
        sigsuspend(&none);
    const char* name = signal_name(got_signal);
    if (name)
        printf("signal: SIG%s\n", name);
    else
        printf("signal: %d\n", (int)got_signal);
    return 0;
}

// Makes raw syscall NR with up to 6 integer arguments (strtoul, base 0) and
// prints "syscall NR: ok RET" or "syscall NR: error ENAME": seccomp tests ask
// for calls a libc wrapper might route elsewhere or refuse to make.
static int cmd_syscall(int argc, char** argv) {
    long nr = strtol(argv[0], NULL, 0);
    unsigned long a[6] = {0};
    for (int i = 1; i < argc && i <= 6; i++)
        a[i - 1] = strtoul(argv[i], NULL, 0);
    errno = 0;
    long rc = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "syscall %ld", nr);
    if (rc == -1)
        print_errno(prefix, errno);
    else
        printf("%s: ok %ld\n", prefix, rc);
    return 0;
}

// Sends MESSAGE as one datagram to $NOTIFY_SOCKET, as sd_notify(3) does
// (busybox has no unix datagram client): "notify: sent" or the errno.
static int cmd_notify(const char* message) {
    const char* path = getenv("NOTIFY_SOCKET");
    if (!path || !*path || strlen(path) >= sizeof(((struct sockaddr_un*)0)->sun_path)) {
        printf("notify: no usable NOTIFY_SOCKET\n");
        return 1;
    }
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        print_errno("notify", errno);
        return 1;
    }
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path);
    if (sendto(fd, message, strlen(message), 0, (struct sockaddr*)&addr, sizeof addr) < 0) {
        print_errno("notify", errno);
        close(fd);
        return 1;
    }
    close(fd);
    printf("notify: sent\n");
    return 0;
}

// An abstract unix socket address for NAME (no leading NUL in NAME).
static socklen_t abstract_address(struct sockaddr_un* addr, const char* name) {
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    size_t len = strlen(name);
    if (len > sizeof addr->sun_path - 1)
        len = sizeof addr->sun_path - 1;
    memcpy(addr->sun_path + 1, name, len);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

// Listens on the abstract socket NAME ("abstract-listen: ready"), then
// accepts and closes connections until killed: the outside end that Landlock
// scoping tests try to reach.
static int cmd_abstract_listen(const char* name) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr;
    socklen_t len = abstract_address(&addr, name);
    if (fd < 0 || bind(fd, (struct sockaddr*)&addr, len) < 0 || listen(fd, 8) < 0) {
        print_errno("abstract-listen", errno);
        return 1;
    }
    printf("abstract-listen: ready\n");
    fflush(stdout);
    for (;;) {
        int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        if (c >= 0)
            close(c);
    }
}

// "abstract-connect NAME: ok" or the errno (EPERM: Landlock's scope).
static int cmd_abstract_connect(const char* name) {
    char prefix[160];
    snprintf(prefix, sizeof prefix, "abstract-connect %s", name);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr;
    socklen_t len = abstract_address(&addr, name);
    if (fd < 0 || connect(fd, (struct sockaddr*)&addr, len) < 0) {
        print_errno(prefix, errno);
        return 1;
    }
    close(fd);
    printf("%s: ok\n", prefix);
    return 0;
}

int main(int argc, char** argv) {
    if (argc < 2)
        return usage();
    const char* cmd = argv[1];
    int rc;
    if (strcmp(cmd, "status") == 0)
        rc = cmd_status();
    else if (strcmp(cmd, "rlimits") == 0)
        rc = cmd_rlimits();
    else if (strcmp(cmd, "env") == 0)
        rc = cmd_env();
    else if (strcmp(cmd, "fds") == 0)
        rc = cmd_fds();
    else if (strcmp(cmd, "mounts") == 0)
        rc = cmd_mounts();
    else if (strcmp(cmd, "tty") == 0)
        rc = cmd_tty();
    else if (strcmp(cmd, "wait-signal") == 0)
        rc = cmd_wait_signal();
    else if (argc < 3)
        return usage();
    else if (strcmp(cmd, "ls") == 0)
        rc = cmd_ls(argv[2]);
    else if (strcmp(cmd, "read") == 0)
        rc = cmd_read(argv[2]);
    else if (strcmp(cmd, "write") == 0)
        rc = cmd_write(argv[2]);
    else if (strcmp(cmd, "exit") == 0) {
        fflush(stdout);
        return atoi(argv[2]);
    } else if (strcmp(cmd, "kill-self") == 0)
        rc = cmd_kill_self(argv[2]);
    else if (strcmp(cmd, "sleep") == 0)
        rc = cmd_sleep(argv[2]);
    else if (strcmp(cmd, "notify") == 0)
        rc = cmd_notify(argv[2]);
    else if (strcmp(cmd, "abstract-listen") == 0)
        rc = cmd_abstract_listen(argv[2]);
    else if (strcmp(cmd, "abstract-connect") == 0)
        rc = cmd_abstract_connect(argv[2]);
    else if (strcmp(cmd, "syscall") == 0)
        rc = cmd_syscall(argc - 2, argv + 2);
    else if (strcmp(cmd, "open") == 0 && argc == 4)
        rc = cmd_open(argv[2], argv[3]);
    else if (strcmp(cmd, "mknod") == 0 && argc == 6)
        rc = cmd_mknod(argv[2], argv[3], argv[4], argv[5]);
    else
        return usage();
    fflush(stdout);
    return rc;
}
