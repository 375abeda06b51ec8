// The systemd driver: the container's cgroup is a transient scope
// (systemd_scope.cpp) whose limits are unit properties, so that systemd
// keeps them (a daemon-reload rewrites a unit's cgroup from its
// properties), and also written into the delegated cgroup, for what
// systemd has no property for.
#include "ward/base/error.hpp"
#include "ward/base/log.hpp"
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
        std::vector<dbus::Property> props;
        if (limits.resources)
            props = resource_properties(*limits.resources);
        scope_.emplace(SystemdScope::start(unit_, description_, props));
        try {
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
        if (!limits.resources)
            return;
        auto props = resource_properties(*limits.resources);
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
