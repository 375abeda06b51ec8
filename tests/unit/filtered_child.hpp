// Runs a function in a forked child under a seccomp filter (no_new_privs
// set first), so the test process itself is never filtered. One copy for
// the seccomp, built-in profile and profile-record tests.
#pragma once

#include "ward/seccomp/filter.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ward::test {

// The child's wait status; it exits 100 when loading the filter failed.
template <typename Fn>
int wait_status_under(const seccomp::Filter& filter, Fn fn) {
    pid_t pid = ::fork();
    if (pid == 0) {
        ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        try {
            filter.load();
        } catch (...) {
            _exit(100);
        }
        _exit(fn());
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

// fn's exit code; 100 when loading failed, 200+signal when the child was
// killed (SIGSYS from a kill action reads 231).
template <typename Fn>
int exit_code_under(const seccomp::Filter& filter, Fn fn) {
    int status = wait_status_under(filter, fn);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 200 + WTERMSIG(status);
}

} // namespace ward::test
