// The container's transient scope: created over D-Bus around a holder
// process, stopped at delete.
#include "ward/base/error.hpp"
#include "ward/base/log.hpp"
#include "ward/cgroups/systemd.hpp"
#include "ward/dbus/systemd_manager.hpp"

#include <cerrno>
#include <csignal>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ward::cgroups {

namespace {

// A child that only waits to be killed: the scope's first pid. It dies with
// ward, so a crash leaves an empty scope, which systemd stops and forgets.
int fork_holder() {
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0)
        fail_errno("fork the systemd scope's holder");
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(0);
        // No copies of ward's fds (the state dir's lock, the bundle's
        // handles): the holder only has to exist.
        ::syscall(SYS_close_range, 3U, ~0U, 0U);
        for (;;)
            ::pause();
    }
    return pid;
}

void reap(int pid) {
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
}

std::vector<dbus::Property> scope_properties(const SystemdUnit& unit,
                                             const std::string& description, int holder,
                                             const std::vector<dbus::Property>& extra) {
    std::vector<dbus::Property> props = {
        {"Description", description},
        {"Slice", unit.slice},
        {"Delegate", true},
        {"DefaultDependencies", false},
        {"PIDs", std::vector<std::uint32_t>{static_cast<std::uint32_t>(holder)}},
        {"MemoryAccounting", true},
        {"CPUAccounting", true},
        {"TasksAccounting", true},
        {"IOAccounting", true},
    };
    props.insert(props.end(), extra.begin(), extra.end());
    return props;
}

} // namespace

SystemdScope SystemdScope::start(dbus::SystemdManager& manager, const SystemdUnit& unit,
                                 const std::string& description,
                                 const std::vector<dbus::Property>& props) {
    SystemdScope scope;
    scope.unit_ = unit;
    scope.holder_ = fork_holder();
    auto all = scope_properties(unit, description, scope.holder_, props);
    try {
        manager.start_transient_unit(unit.unit, all);
    } catch (const Error& first) {
        // A unit of that name that failed earlier blocks the name until it
        // is reset; anything else fails the same way again and is reported.
        log::debug("systemd: " + std::string(first.what()) + "; resetting " + unit.unit +
                   " and retrying");
        try {
            manager.reset_failed_unit(unit.unit);
        } catch (const Error&) {
        }
        manager.start_transient_unit(unit.unit, all);
    }
    // Asked, not computed: a user manager's tree is under its own
    // user@UID.service, wherever logind put that.
    scope.cgroup_path_ = manager.scope_control_group(unit.unit);
    if (!scope.cgroup().exists())
        fail("systemd started " + unit.unit + " but its cgroup " + scope.cgroup_path_ +
             " does not exist");
    return scope;
}

SystemdScope::SystemdScope(SystemdScope&& other) noexcept
    : unit_(std::move(other.unit_)), cgroup_path_(std::move(other.cgroup_path_)),
      holder_(std::exchange(other.holder_, -1)) {}

SystemdScope::~SystemdScope() {
    release_holder();
}

void SystemdScope::release_holder() {
    if (holder_ > 0)
        reap(std::exchange(holder_, -1));
}

void stop_scope(const std::string& unit) {
    dbus::SystemdManager::connect().stop_unit(unit);
}

} // namespace ward::cgroups
