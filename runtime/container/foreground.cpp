#include "foreground.hpp"

#include "terminal_proxy.hpp"
#include "ward/base/error.hpp"

#include <cerrno>
#include <sys/wait.h>

namespace ward::container {

sigset_t forwarded_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP,
                    SIGTTIN, SIGTTOU, SIGALRM, SIGPIPE, SIGCHLD})
        sigaddset(&set, sig);
    return set;
}

int wait_forwarding(int pid) {
    sigset_t set = forwarded_signals();
    while (true) {
        int status = 0;
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid)
            return exit_status_of(status);
        if (done < 0 && errno != EINTR)
            fail_errno("wait for container process");
        siginfo_t info{};
        int sig = ::sigwaitinfo(&set, &info);
        if (sig < 0 || sig == SIGCHLD)
            continue;
        ::kill(pid, sig);
    }
}

} // namespace ward::container
