// A small "service" exercising what typical programs do: threads, heap,
// files, pipes, sockets on loopback, epoll, timers, signals, fork+exec.
// Built three ways by measure.sh (glibc dynamic, glibc static, musl static)
// and run under strace to measure the syscalls libc and a program need.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void* worker(void* arg) {
    char* buf = malloc(1 << 20); // large: mmap'ed by the allocator
    memset(buf, 1, 1 << 20);
    free(buf);
    *(int*)arg += 1;
    return NULL;
}

static volatile sig_atomic_t got;
static void on_signal(int sig) {
    got = sig;
}

int main(void) {
    pthread_t t[4];
    int counters[4] = {0};
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, &counters[i]);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);

    char path[] = "/tmp/ward-measure-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, "hello\n", 6) != 6)
        return 1;
    struct stat st;
    fstat(fd, &st);
    lseek(fd, 0, SEEK_SET);
    char line[16];
    if (pread(fd, line, sizeof line, 0) < 0)
        return 1;
    fsync(fd);
    close(fd);
    unlink(path);

    int p[2];
    if (pipe(p) < 0)
        return 1;
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGUSR1, &sa, NULL);
    kill(getpid(), SIGUSR1);

    int srv = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    if (bind(srv, (struct sockaddr*)&addr, sizeof addr) < 0 || listen(srv, 4) < 0)
        return 1;
    getsockname(srv, (struct sockaddr*)&addr, &len);
    int cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect(cli, (struct sockaddr*)&addr, sizeof addr) < 0)
        return 1;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = srv};
    epoll_ctl(ep, EPOLL_CTL_ADD, srv, &ev);
    epoll_wait(ep, &ev, 1, 1000);
    int conn = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
    send(cli, "ping", 4, 0);
    char buf[8];
    recv(conn, buf, sizeof buf, 0);
    struct pollfd pfd = {.fd = conn, .events = POLLOUT};
    poll(&pfd, 1, 100);
    shutdown(cli, SHUT_RDWR);
    close(conn);
    close(cli);
    close(srv);
    close(ep);

    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    void* m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(m, 4096, PROT_READ);
    munmap(m, 4096);

    pid_t child = fork();
    if (child == 0) {
        execl("/bin/true", "true", (char*)NULL);
        _exit(127);
    }
    int status;
    waitpid(child, &status, 0);
    printf("ok %d %d\n", counters[0] + counters[1] + counters[2] + counters[3], (int)got);
    return 0;
}
