// The systemd driver: the container's cgroup is a transient scope
// (systemd_scope.cpp) whose limits are unit properties, so that systemd
// keeps them (a daemon-reload rewrites a unit's cgroup from its
// properties), and also written into the delegated cgroup, for what
// systemd has no property for.
#include "ward/base/error.hpp"
#include "ward/base/log.hpp"
#include "ward/base/user_dirs.hpp"
#include "ward/cgroups/apply.hpp"
#include "ward/cgroups/systemd.hpp"
#include "ward/dbus/systemd_manager.hpp"

#include <optional>

namespace ward::cgroups {

namespace {

class SystemdDriver final : public Manager {
  public:
    SystemdDriver(Placement p, SystemdUnit unit, std::string description)
        : Manager(std::move(p)), unit_(std::move(unit)), description_(std::move(description)) {}

    void create(const LimitsToApply& limits) override {
        // The limits as unit properties and, at create, what the config's
        // annotations add (the policy's systemdProperties rule judged them).
        std::vector<dbus::Property> props = limits.spec
                                                ? unit_properties(*limits.spec, limits.plan.writes)
                                                : resource_properties(limits.plan.writes);
        auto manager = dbus::SystemdManager::connect();
        try {
            scope_.emplace(SystemdScope::start(manager, unit_, description_, props));
        } catch (const Error& e) {
            throw Error(std::string(e.what()) + outside_delegation_hint());
        }
        // Where systemd put it: a user manager's scopes are under its own
        // user@UID.service.
        placement_.cgroup = scope_->cgroup_path();
        try {
            if (std::string procs = move_refused(placement_.cgroup); !procs.empty())
                fail("ward runs in cgroup " + self_cgroup() + ", and cannot move the init into " +
                     placement_.systemd_unit + "'s cgroup " + placement_.cgroup + ": " + procs +
                     " is not writable by it" + outside_delegation_hint());
            write_limits(cgroup(), limits.plan, limits.controllers);
        } catch (...) {
            destroy();
            throw;
        }
    }

    void init_placed() override {
        if (scope_)
            scope_->release_holder(); // the init keeps the scope alive now
    }

    void update(const LimitsToApply& limits) override {
        // The cgroup first: memory.checkBeforeUpdate compares with the
        // usage before anything lowers the limit. Then systemd, so that
        // the unit's properties say what the cgroup holds.
        write_limits(cgroup(), limits.plan, limits.controllers);
        auto props = resource_properties(limits.plan.writes);
        if (!props.empty())
            dbus::SystemdManager::connect().set_unit_properties(placement_.systemd_unit, props);
    }

    void destroy() override {
        scope_.reset(); // the holder, if the init never came
        cgroup().destroy();
        // Its processes are gone: the stop only removes the unit.
        try {
            stop_scope(placement_.systemd_unit);
        } catch (const Error& e) {
            log::warn(e.what());
        }
    }

  private:
    // For an unprivileged ward whose own cgroup is not delegated to it (a
    // login session's scope, a system service): what to do instead. The
    // user manager cannot move the holder out of there either, unless the
    // system manager does it for it over the system bus.
    static std::string outside_delegation_hint() {
        if (host_euid() == 0)
            return "";
        if (move_refused(self_cgroup()).empty())
            return "";
        return "; an unprivileged ward must run in a cgroup of its user's manager, "
               "e.g. `systemd-run --user --scope ward ...`";
    }

    SystemdUnit unit_;
    std::string description_;
    std::optional<SystemdScope> scope_;
};

} // namespace

std::unique_ptr<Manager> systemd_manager(Placement placement, SystemdUnit unit,
                                         std::string description) {
    return std::make_unique<SystemdDriver>(std::move(placement), std::move(unit),
                                           std::move(description));
}

} // namespace ward::cgroups
