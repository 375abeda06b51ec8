// start, kill, delete, state and list: the verbs that act on an existing
// container through its state dir.
#include "create.hpp"
#include "notify_socket.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fault.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/cgroups/cgroup.hpp"
#include "ward/cgroups/freezer.hpp"
#include "ward/container/hooks.hpp"
#include "ward/container/lifecycle.hpp"
#include "ward/linux/procfs.hpp"
#include "ward/spec/parse.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ward::container {
namespace {

void signal_pidfd(int pidfd, int signal, const std::string& what) {
    if (::syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0) < 0 && errno != ESRCH)
        fail_errno("kill " + what);
}

// Waits up to `ms` for the process behind a pidfd to exit.
bool wait_exit(int pidfd, int ms) {
    pollfd p{pidfd, POLLIN, 0};
    return ::poll(&p, 1, ms) == 1;
}

// A read end on the exec fifo that reports POLLHUP once the init's own
// fifo fd (close-on-exec) is gone, i.e. after its startContainer hooks,
// at execve or at its death. Linux reports the hang-up only to a reader
// opened before the last writer opened, so this is opened before `start`
// opens its writing end. It never reads: the byte is for the init.
UniqueFd open_exec_watch(const std::string& fifo_path) {
    UniqueFd fd(::open(fifo_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd)
        fail_errno("open " + fifo_path);
    return fd;
}

// Waits for the hang-up; events=0 so the unread byte does not wake us.
void wait_for_exec(int watch_fd) {
    pollfd p{watch_fd, 0, 0};
    while (::poll(&p, 1, -1) < 0) {
        if (errno != EINTR)
            fail_errno("wait for the container process to start");
    }
}

// SIGKILL ends frozen tasks on cgroup v2, but the cgroup would stay frozen:
// processes left in it (no pid namespace) would stay stopped, and the init
// of a pid namespace waits for its children to go. As runc does, a SIGKILL
// to a paused container thaws it; a failure to thaw is only logged, the
// kill itself succeeded.
void thaw_after_kill(const State& state) {
    if (state.cgroup.empty())
        return;
    try {
        cgroups::thaw(cgroups::Cgroup::attach(state.cgroup));
    } catch (const Error& e) {
        log::debug("thaw after SIGKILL: " + std::string(e.what()));
    }
}

} // namespace

void start_container(const Globals& g, const std::string& id, const StartOptions& options) {
    std::optional<std::string> notify_host = host_notify_socket();
    UniqueFd notify;
    State state;
    {
        StateDir dir(g.root, id);
        dir.open_locked();
        state = dir.load();
        switch (current_status(dir, state)) {
        case Status::created:
            break;
        case Status::stopped:
            fail("cannot start a container that has stopped");
        case Status::running:
            fail("cannot start an already running container");
        case Status::creating:
            fail("cannot start a container that is still being created");
        case Status::paused:
            fail("cannot start a container in the paused state");
        }
        UniqueFd probe(::open(dir.fifo_path().c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
        if (!probe) {
            if (errno == ENXIO)
                fail("cannot start container " + id + ": its init is not waiting");
            fail_errno("open " + dir.fifo_path());
        }
        // Bound before the init is released: it may send READY=1 at once.
        if (notify_host)
            notify = bind_notify_socket(dir);
        UniqueFd exec_done = open_exec_watch(dir.fifo_path());
        UniqueFd fifo(::open(dir.fifo_path().c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
        if (!fifo)
            fail_errno("open " + dir.fifo_path());
        probe.reset();
        // Unlinked before the write: from the moment the init can run,
        // `state` must not report "created".
        ::unlink(dir.fifo_path().c_str());
        fault_point("start:fifo-unlinked");
        write_all(fifo.get(), "0", "start container " + id);
        fifo.reset();
        wait_for_exec(exec_done.get());

        run_saved_hooks(dir, state, true);
    }
    // With the state dir unlocked: `kill` or `delete` of a container that
    // never gets ready must not wait for this. runc's `start` too returns
    // only at READY=1 or the init's exit.
    if (!notify)
        return;
    try {
        forward_ready(notify.get(), *notify_host, state,
                      options.main_pid > 0 ? options.main_pid : state.pid);
    } catch (const Error& e) {
        // `start` reports it, as runc's does; `run` has a running container
        // to look after, which a failed notification must not take down.
        if (!options.from_run)
            throw;
        log::degraded(e.what());
    }
}

void start(const Globals& g, const std::string& id) {
    start_container(g, id, {});
}

json::Value state(const Globals& g, const std::string& id) {
    StateDir dir(g.root, id);
    if (!dir.exists())
        fail("container does not exist");
    State s = dir.load();
    return oci_state(s, current_status(dir, s), true);
}

json::Value recorded_policy(const Globals& g, const std::string& id) {
    StateDir dir(g.root, id);
    if (!dir.exists())
        fail("container does not exist");
    std::string path = dir.path() + "/policy.json";
    return json::parse(read_document(path));
}

std::vector<json::Value> list(const Globals& g) {
    std::vector<json::Value> out;
    for (const auto& id : list_ids(g.root)) {
        try {
            out.push_back(state(g, id));
        } catch (const Error& e) {
            log::debug("list: skipping " + id + ": " + e.what());
        }
    }
    return out;
}

void kill(const Globals& g, const std::string& id, int signal, bool all) {
    StateDir dir(g.root, id);
    if (!dir.exists())
        fail("container does not exist");
    State s = dir.load();
    Status status = current_status(dir, s);
    if (status == Status::stopped || status == Status::creating)
        fail("container not running");
    UniqueFd init = open_init(s);
    if (!init)
        fail("container not running");
    if (all && !s.cgroup.empty()) {
        for (int pid : cgroups::Cgroup::attach(s.cgroup).processes())
            if (pid != s.pid)
                ::kill(pid, signal);
    }
    signal_pidfd(init.get(), signal, "container " + id);
    if (status == Status::paused && signal == SIGKILL) {
        fault_point("kill:signalled"); // the cgroup is still frozen
        thaw_after_kill(s);
    }
}

void remove(const Globals& g, const std::string& id, bool force) {
    StateDir dir(g.root, id);
    if (!dir.exists()) {
        // A create that died before writing state can leave an empty dir.
        if (force) {
            dir.remove();
            return;
        }
        fail("container does not exist");
    }
    dir.open_locked();
    State s = dir.load();
    Status status = current_status(dir, s);
    if ((status == Status::running || status == Status::paused) && !force)
        fail("cannot delete container " + id + " that is not stopped: " + status_name(status));
    if (status != Status::stopped) {
        UniqueFd init = open_init(s);
        if (init) {
            signal_pidfd(init.get(), SIGKILL, "container " + id);
            if (status == Status::paused)
                thaw_after_kill(s);
            if (!wait_exit(init.get(), 10000))
                fail("delete " + id + ": init (pid " + std::to_string(s.pid) +
                     ") did not exit after SIGKILL");
        }
    }
    fault_point("delete:init-gone");
    destroy_container(dir, s);
}

} // namespace ward::container
