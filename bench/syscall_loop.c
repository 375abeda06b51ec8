/* Per-syscall cost inside a container: N raw getpid and N 1-byte reads of
 * /dev/zero, each timed with CLOCK_MONOTONIC; prints ns per call. Static,
 * so it runs in a busybox rootfs. Raw syscall() so that libc caching can't
 * skip the kernel entry the seccomp filter sits on. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char** argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    char byte;
    int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        perror("open /dev/zero");
        return 1;
    }
    double start = now_ns();
    for (long i = 0; i < n; i++)
        syscall(SYS_getpid);
    double getpid_ns = (now_ns() - start) / n;
    start = now_ns();
    for (long i = 0; i < n; i++)
        if (syscall(SYS_read, fd, &byte, 1) != 1)
            return 1;
    double read_ns = (now_ns() - start) / n;
    printf("getpid_ns=%.1f read_ns=%.1f\n", getpid_ns, read_ns);
    return 0;
}
