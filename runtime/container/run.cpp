// run: create + start + wait, forwarding signals to the init, returning its
// exit status (128+signal when it was killed), then deleting the container.
#include "create.hpp"
#include "foreground.hpp"
#include "terminal_proxy.hpp"
#include "ward/base/error.hpp"
#include "ward/base/log.hpp"
#include "ward/container/lifecycle.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ward::container {

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
        // In the foreground ward is what the service manager should watch.
        start_container(g, options.id, {detach ? 0 : static_cast<int>(::getpid()), true});
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
