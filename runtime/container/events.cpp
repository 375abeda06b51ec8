// events: runc's stats and oom event stream of one container. One thread,
// one poll loop over a timerfd (the stats interval) and an inotify fd
// watching the cgroup's memory.events (oom_kill grows) and cgroup.events
// (populated 0, or the file's removal, ends the stream).
#include "stats_json.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/cgroups/stats.hpp"
#include "ward/container/lifecycle.hpp"
#include "ward/container/state.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace ward::container {
namespace {

// False once the cgroup has no process left (or is gone).
bool populated(const std::string& dir) {
    try {
        for (auto& line : split(read_file(dir + "/cgroup.events"), '\n'))
            if (line.starts_with("populated "))
                return line.substr(10) != "0";
    } catch (const Error&) {
    }
    return false;
}

UniqueFd interval_timer(std::chrono::nanoseconds interval) {
    UniqueFd fd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
    if (!fd)
        fail_errno("timerfd_create");
    itimerspec spec{};
    auto ns = interval.count();
    spec.it_interval.tv_sec = static_cast<time_t>(ns / 1000000000);
    spec.it_interval.tv_nsec = static_cast<long>(ns % 1000000000);
    spec.it_value = spec.it_interval; // like Go's time.Tick: first after one interval
    check_syscall(::timerfd_settime(fd.get(), 0, &spec, nullptr), "timerfd_settime");
    return fd;
}

class OomWatch {
  public:
    explicit OomWatch(std::string dir)
        : dir_(std::move(dir)), seen_(cgroups::oom_kill_count(dir_).value_or(0)) {}
    // True when oom_kill grew since the last look (several kills between two
    // looks are one event, as the kernel coalesces the notifications).
    bool grew() {
        uint64_t now = 0;
        try {
            now = cgroups::oom_kill_count(dir_).value_or(0);
        } catch (const Error& e) {
            log::debug("events: " + std::string(e.what()));
            return false;
        }
        bool more = now > seen_;
        seen_ = std::max(seen_, now);
        return more;
    }

  private:
    std::string dir_;
    uint64_t seen_;
};

} // namespace

void events(const Globals& g, const std::string& id, const EventsOptions& options,
            const std::function<void(const json::Value&)>& emit) {
    if (options.interval.count() <= 0)
        fail("duration interval must be greater than 0");
    StateDir dir(g.root, id);
    if (!dir.exists())
        fail("container does not exist");
    State s = dir.load();
    if (current_status(dir, s) == Status::stopped)
        fail("container with id " + id + " is not running");
    if (s.cgroup.empty())
        fail("container " + id + " has no cgroup recorded in its state");
    std::string cgdir = cgroups::Cgroup::attach(s.cgroup).full_path();

    if (options.stats_once) {
        emit(stats_event(id, cgroups::read_stats(cgdir)));
        return;
    }

    UniqueFd inotify(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (!inotify)
        fail_errno("inotify_init1");
    int cgroup_wd = ::inotify_add_watch(inotify.get(), (cgdir + "/cgroup.events").c_str(),
                                        IN_MODIFY | IN_DELETE_SELF);
    if (cgroup_wd < 0)
        return; // the cgroup went away: the container stopped meanwhile
    // Without the memory controller there is no memory.events: no oom event
    // can be seen, and none is invented.
    int memory_wd =
        ::inotify_add_watch(inotify.get(), (cgdir + "/memory.events").c_str(), IN_MODIFY);
    OomWatch oom(cgdir);
    UniqueFd timer = interval_timer(options.interval);

    bool done = !populated(cgdir); // checked after the watches: no exit is missed
    while (!done) {
        pollfd fds[2] = {{inotify.get(), POLLIN, 0}, {timer.get(), POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            fail_errno("poll");
        }
        if (fds[1].revents & POLLIN) {
            uint64_t ticks = 0;
            if (::read(timer.get(), &ticks, sizeof ticks) == sizeof ticks) {
                try {
                    emit(stats_event(id, cgroups::read_stats(cgdir)));
                } catch (const Error& e) {
                    if (!populated(cgdir))
                        break;
                    throw;
                }
            }
        }
        if (fds[0].revents & POLLIN) {
            alignas(inotify_event) char buf[4096];
            ssize_t n = ::read(inotify.get(), buf, sizeof buf);
            for (ssize_t off = 0; n > 0 && off < n;) {
                auto* ev = reinterpret_cast<inotify_event*>(buf + off);
                off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
                // A queue overflow (wd -1) lost events: look at both files.
                bool overflow = ev->mask & IN_Q_OVERFLOW;
                if ((overflow || ev->wd == memory_wd) && oom.grew())
                    emit(oom_event(id));
                if ((overflow || ev->wd == cgroup_wd) &&
                    ((ev->mask & (IN_IGNORED | IN_DELETE_SELF)) || !populated(cgdir)))
                    done = true;
            }
        }
    }
    // The kill that emptied the cgroup may be the OOM killer's: its
    // memory.events change can come in the same batch as the exit, or after.
    if (oom.grew())
        emit(oom_event(id));
}

} // namespace ward::container
