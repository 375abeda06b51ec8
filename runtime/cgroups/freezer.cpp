#include "ward/cgroups/freezer.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fault.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/strings.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace ward::cgroups {
namespace {

using Clock = std::chrono::steady_clock;

// The value of the "frozen" line of an open cgroup.events; nullopt when the
// file cannot be read (cgroup removed) or has no such line (kernel < 5.2).
std::optional<bool> read_frozen(int events_fd) {
    char buf[256];
    ssize_t n = ::pread(events_fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return std::nullopt;
    for (auto& line : split(std::string_view(buf, static_cast<size_t>(n)), '\n'))
        if (line.starts_with("frozen "))
            return line.substr(7) == "1";
    return std::nullopt;
}

UniqueFd open_events(const Cgroup& cgroup) {
    std::string path = cgroup.full_path() + "/cgroup.events";
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        fail_errno("open " + path);
    return fd;
}

void write_freeze(const Cgroup& cgroup, bool frozen) {
    std::string path = cgroup.full_path() + "/cgroup.freeze";
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT)
            fail("freezer not supported: " + path +
                 " does not exist (cgroup v2 freezer needs "
                 "Linux 5.2)");
        fail_errno("open " + path);
    }
    if (::write(fd.get(), frozen ? "1" : "0", 1) != 1)
        fail_errno("write " + std::string(frozen ? "1" : "0") + " to " + path);
}

// Waits until cgroup.events says "frozen <want>". The kernel flags
// cgroup.events with POLLPRI when it changes (kernfs notify), relative to
// this fd's last read, so a change between the read and the poll is not
// lost; the poll is still capped at 100 ms as a second line of defence.
bool wait_frozen(int events_fd, bool want, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (true) {
        auto frozen = read_frozen(events_fd);
        if (frozen && *frozen == want)
            return true;
        if (!frozen)
            fail("read cgroup.events: no \"frozen\" state (cgroup removed?)");
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            return false;
        pollfd p{events_fd, POLLPRI, 0};
        int wait_ms = static_cast<int>(std::min<long long>(left.count(), 100));
        if (::poll(&p, 1, wait_ms) < 0 && errno != EINTR)
            fail_errno("poll cgroup.events");
    }
}

std::string seconds(std::chrono::milliseconds ms) {
    auto s = ms.count() / 1000;
    auto frac = ms.count() % 1000;
    return std::to_string(s) + (frac ? "." + std::to_string(frac + 1000).substr(1) : "") + "s";
}

} // namespace

bool is_frozen(const Cgroup& cgroup) {
    if (cgroup.path().empty())
        return false;
    UniqueFd fd(::open((cgroup.full_path() + "/cgroup.events").c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return false;
    return read_frozen(fd.get()).value_or(false);
}

void freeze(const Cgroup& cgroup, std::chrono::milliseconds timeout) {
    UniqueFd events = open_events(cgroup);
    write_freeze(cgroup, true);
    fault_point("pause:freeze-written");
    // A half-frozen cgroup would stop some tasks and not others: any
    // failure to see "frozen 1" thaws it again.
    auto undo = [&] {
        try {
            write_freeze(cgroup, false);
        } catch (const Error&) {
        }
    };
    bool done = false;
    try {
        done = wait_frozen(events.get(), true, timeout);
    } catch (const Error&) {
        undo();
        throw;
    }
    if (!done) {
        undo();
        fail("freeze cgroup " + cgroup.path() + ": timeout of " + seconds(timeout) +
             " reached waiting for cgroup.events to say \"frozen 1\"; thawed again");
    }
}

void thaw(const Cgroup& cgroup, std::chrono::milliseconds timeout) {
    UniqueFd events = open_events(cgroup);
    write_freeze(cgroup, false);
    fault_point("resume:thaw-written");
    if (!wait_frozen(events.get(), false, timeout))
        fail("thaw cgroup " + cgroup.path() + ": timeout of " + seconds(timeout) +
             " reached waiting for cgroup.events to say \"frozen 0\" (is a parent cgroup "
             "frozen?)");
}

} // namespace ward::cgroups
