// run: create + start + wait, forwarding signals to the init, returning its
// exit status (128+signal when it was killed), then deleting the container.
#include "create.hpp"
#include "terminal_proxy.hpp"
#include "ward/base/error.hpp"
#include "ward/base/log.hpp"
#include "ward/container/lifecycle.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ward::container {
namespace {

// Signals an operator or a supervisor sends to `ward run` that belong to the
// container. SIGCHLD tells us the init is done.
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
            fail_errno("wait for container init");
        siginfo_t info{};
        int sig = ::sigwaitinfo(&set, &info);
        if (sig < 0 || sig == SIGCHLD)
            continue;
        ::kill(pid, sig);
    }
}

} // namespace

int run(const Globals& g, const CreateOptions& options, bool detach, bool keep) {
    // Blocked before the init exists would leak the mask into it; blocked
    // after create, a signal that arrives meanwhile is queued, not lost.
    UniqueFd terminal_peer;
    State state = create_container(g, options, detach ? nullptr : &terminal_peer);
    UniqueFd master;
    if (terminal_peer) {
        try {
            master = receive_pty_master(terminal_peer.get());
        } catch (...) {
            remove(g, options.id, true);
            throw;
        }
    }
    sigset_t set = forwarded_signals(), old;
    if (!detach)
        ::sigprocmask(SIG_BLOCK, &set, &old);
    try {
        start(g, options.id);
    } catch (...) {
        try {
            remove(g, options.id, true);
        } catch (const Error& e) {
            log::warn("cleanup after failed start: " + std::string(e.what()));
        }
        throw;
    }
    if (detach)
        return 0;
    int status = master ? proxy_terminal_until_exit(master.get(), state.pid, set)
                        : wait_forwarding(state.pid);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    if (!keep) {
        try {
            remove(g, options.id, true);
        } catch (const Error& e) {
            log::warn("delete " + options.id + ": " + e.what());
        }
    }
    return status;
}

} // namespace ward::container
