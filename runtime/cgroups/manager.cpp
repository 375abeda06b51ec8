// The cgroupfs driver (ward makes the container's directory itself) and
// the choice of driver. The systemd driver is in systemd_driver.cpp.
#include "ward/cgroups/manager.hpp"

#include "ward/cgroups/apply.hpp"
#include "ward/cgroups/systemd.hpp"

#include <optional>

namespace ward::cgroups {

namespace {

class CgroupfsManager final : public Manager {
  public:
    explicit CgroupfsManager(Placement p) : Manager(std::move(p)) {}

    void create(const LimitsToApply& limits) override {
        made_ = Cgroup::create(placement_.cgroup);
        try {
            write_limits(*made_, limits.plan, limits.controllers);
        } catch (...) {
            destroy();
            throw;
        }
    }

    void update(const LimitsToApply& limits) override {
        write_limits(cgroup(), limits.plan, limits.controllers);
    }

    void destroy() override {
        // The undo of this process's own create also removes the parents it
        // made; a later delete leaves parents alone, as runc does (siblings
        // may be made in them meanwhile).
        if (made_)
            made_->destroy(true);
        else
            cgroup().destroy();
        made_.reset();
    }

  private:
    std::optional<Cgroup> made_;
};

} // namespace

std::unique_ptr<Manager> new_manager(Driver driver, const std::string& cgroups_path,
                                     const std::string& id, const std::string& description,
                                     uid_t user) {
    if (driver == Driver::systemd) {
        SystemdUnit unit = systemd_unit_for(cgroups_path, id, user);
        Placement p{unit.cgroup_path(), unit.unit};
        return systemd_manager(std::move(p), std::move(unit), description);
    }
    return std::make_unique<CgroupfsManager>(Placement{resolve_path(cgroups_path, id), ""});
}

std::unique_ptr<Manager> manager_of(const Placement& placement) {
    if (!placement.systemd_unit.empty())
        return systemd_manager(placement, SystemdUnit{}, "");
    return std::make_unique<CgroupfsManager>(placement);
}

} // namespace ward::cgroups
