// The racer that always wins: an LD_PRELOAD shim for ward, used by the
// mount-race attacks (tests/attacks/races.hpp). A racer process swaps names
// at random moments and wins a given race rarely; this puts the swap at the
// worst moment, every time: right after ward made a name (mkdirat, mknodat,
// openat with O_CREAT) or right after ward looked one up (fstatat, openat)
// and found its own object there. The object moves aside and a symlink to
// the "host" takes its name, exactly what an exchange by a racer at that
// instant would do. Anything ward then does by name lands on the host.
//
// Environment (read once, at load):
//   WARD_SWAP_NAMES   comma-separated names to swap ("t,null,zero")
//   WARD_SWAP_HOST    the symlinks point to WARD_SWAP_HOST/NAME
//   WARD_SWAP_WHEN    "create" or "lookup"
//   WARD_SWAP_LOG     a file of at least 4096 bytes, mapped shared: the
//                     swaps are counted and listed there (fds are closed
//                     and the root changes under ward, a mapping stays)
//
// Only ward's own calls through libc are seen; the container's process is
// exec'd and static, so none of this reaches it.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct swap_log {
    atomic_int swaps;
    atomic_int used;
    char text[4096 - 2 * sizeof(int)];
};

static char names[1024];
static char host[4096];
static int after_create;
static int after_lookup;
static struct swap_log* log_page;

__attribute__((constructor)) static void swap_shim_init(void) {
    const char* n = getenv("WARD_SWAP_NAMES");
    const char* h = getenv("WARD_SWAP_HOST");
    const char* w = getenv("WARD_SWAP_WHEN");
    const char* l = getenv("WARD_SWAP_LOG");
    if (!n || !h || !w || !l)
        return;
    snprintf(names, sizeof names, ",%s,", n);
    snprintf(host, sizeof host, "%s", h);
    after_create = strcmp(w, "create") == 0;
    after_lookup = strcmp(w, "lookup") == 0;
    int fd = open(l, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return;
    void* p = mmap(NULL, sizeof(struct swap_log), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p != MAP_FAILED)
        log_page = p;
}

static const char* base_name(const char* path) {
    const char* slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int wanted(const char* path) {
    if (!log_page || !path)
        return 0;
    char key[300];
    snprintf(key, sizeof key, ",%s,", base_name(path));
    return strstr(names, key) != NULL;
}

static void note(const char* what, const char* name) {
    char line[200];
    int n = snprintf(line, sizeof line, "swapped %s after %s\n", name, what);
    int at = atomic_fetch_add(&log_page->used, n);
    if (at + n < (int)sizeof log_page->text)
        memcpy(log_page->text + at, line, (size_t)n);
    atomic_fetch_add(&log_page->swaps, 1);
}

// Moves what is at `path` (relative to `dir`) aside and puts a symlink to
// the host in its place, unless a symlink is there already.
static void swap(int dir, const char* path, const char* what) {
    int saved = errno;
    struct stat st;
    if (fstatat(dir, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISLNK(st.st_mode)) {
        char target[4400], aside[4400];
        const char* name = base_name(path);
        snprintf(target, sizeof target, "%s/%s", host, name);
        static atomic_int serial;
        int len = (int)(name - path);
        snprintf(aside, sizeof aside, "%.*s.swapped-%s-%d-%d", len, path, name, (int)getpid(),
                 atomic_fetch_add(&serial, 1));
        if (symlinkat(target, dir, aside) == 0) {
            if (renameat2(dir, aside, dir, path, RENAME_EXCHANGE) == 0)
                note(what, name);
            else
                unlinkat(dir, aside, 0);
        }
    }
    errno = saved;
}

// The swap's own calls (fstatat above) must not swap again.
static int in_swap;

#define REAL(type, name, ...)                                                                      \
    static type (*real)(__VA_ARGS__);                                                              \
    if (!real)                                                                                     \
        real = (type(*)(__VA_ARGS__))dlsym(RTLD_NEXT, name);

static void after(int ok, int when, int dir, const char* path, const char* what) {
    if (ok && when && !in_swap && wanted(path)) {
        in_swap = 1;
        swap(dir, path, what);
        in_swap = 0;
    }
}

int mkdirat(int dir, const char* path, mode_t mode) {
    REAL(int, "mkdirat", int, const char*, mode_t);
    int rc = real(dir, path, mode);
    after(rc == 0, after_create, dir, path, "mkdirat");
    return rc;
}

int mknodat(int dir, const char* path, mode_t mode, dev_t dev) {
    REAL(int, "mknodat", int, const char*, mode_t, dev_t);
    int rc = real(dir, path, mode, dev);
    after(rc == 0, after_create, dir, path, "mknodat");
    return rc;
}

static void after_open(int fd, int dir, const char* path, int flags) {
    if (flags & O_CREAT)
        after(fd >= 0, after_create, dir, path, "openat(O_CREAT)");
    else
        after(fd >= 0, after_lookup, dir, path, "openat");
}

static mode_t mode_arg(int flags, va_list ap) {
    return (flags & (O_CREAT | __O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
}

int openat(int dir, const char* path, int flags, ...) {
    REAL(int, "openat", int, const char*, int, ...);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    int fd = real(dir, path, flags, mode);
    after_open(fd, dir, path, flags);
    return fd;
}

int openat64(int dir, const char* path, int flags, ...) {
    REAL(int, "openat64", int, const char*, int, ...);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    int fd = real(dir, path, flags, mode);
    after_open(fd, dir, path, flags);
    return fd;
}

// What _FORTIFY_SOURCE turns an openat without a mode argument into.
int __openat_2(int dir, const char* path, int flags) {
    REAL(int, "__openat_2", int, const char*, int);
    int fd = real(dir, path, flags);
    after_open(fd, dir, path, flags);
    return fd;
}

int __openat64_2(int dir, const char* path, int flags) {
    REAL(int, "__openat64_2", int, const char*, int);
    int fd = real(dir, path, flags);
    after_open(fd, dir, path, flags);
    return fd;
}

int fstatat(int dir, const char* path, struct stat* st, int flags) {
    REAL(int, "fstatat", int, const char*, struct stat*, int);
    int rc = real(dir, path, st, flags);
    after(rc == 0 && !S_ISLNK(st->st_mode), after_lookup, dir, path, "fstatat");
    return rc;
}

int fstatat64(int dir, const char* path, struct stat64* st, int flags) {
    REAL(int, "fstatat64", int, const char*, struct stat64*, int);
    int rc = real(dir, path, st, flags);
    after(rc == 0 && !S_ISLNK(st->st_mode), after_lookup, dir, path, "fstatat");
    return rc;
}
