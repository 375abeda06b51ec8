// The one cgroup manager interface: where a container's cgroup is, making
// it with its limits, changing them, and removing it. Two drivers sit
// behind it: cgroupfs (ward makes the directory itself, as runc's fs2
// driver) and systemd (a transient scope that systemd makes and delegates,
// as runc's --systemd-cgroup). Everything else (exec, pause, kill, ps,
// events, stats) only needs the cgroup's directory, which both drivers
// have, and uses Cgroup::attach of the path state.json records.
#pragma once

#include "ward/cgroups/cgroup.hpp"
#include "ward/cgroups/resources.hpp"
#include "ward/spec/config.hpp"

#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

namespace ward::cgroups {

enum class Driver { cgroupfs, systemd };

// What state.json records so that later verbs find the cgroup and its
// manager again, recorded before the cgroup exists: a ward killed right
// after making it leaves a state that `delete --force` clears.
struct Placement {
    std::string cgroup;       // the path inside the hierarchy: "/system.slice/ward-x.scope"
    std::string systemd_unit; // the scope's name; empty with the cgroupfs driver
};

// The limits to put into effect: the writes the hierarchy has controllers
// for (container/limits.hpp judged the rest with the policy), which the
// systemd driver also turns into unit properties so that systemd keeps
// them (a daemon-reload rewrites what a unit's properties say). At update
// they are the changed fields' writes only.
struct LimitsToApply {
    const Plan& plan;
    const std::vector<std::string>& controllers; // those the plan needs
    // At create, the whole config, for what a driver sets beyond the limits
    // (systemd: the org.systemd.property.* annotations); null at update.
    const spec::Spec* spec = nullptr;
};

class Manager {
  public:
    virtual ~Manager() = default;
    const Placement& placement() const { return placement_; }
    Cgroup cgroup() const { return Cgroup::attach(placement_.cgroup); }

    // Makes the cgroup with the limits in effect before any process is in
    // it (the init is cloned straight into it). On failure nothing is left.
    // A driver may learn the cgroup's real path only here (systemd says
    // where it put the scope): placement() is final after create(), and
    // the caller saves it again when it changed.
    virtual void create(const LimitsToApply& limits) = 0;
    // The init is in the cgroup: what only held it open can go.
    virtual void init_placed() {}
    // New limits for a running container (`ward update`): `limits` holds
    // only the changed fields' writes.
    virtual void update(const LimitsToApply& limits) = 0;
    // Kills what is left and removes the cgroup (and the unit); the undo of
    // a failed create and the last step of delete. Best effort on the unit:
    // a systemd that cannot be reached is a warning, the cgroup still goes.
    virtual void destroy() = 0;

  protected:
    explicit Manager(Placement p) : placement_(std::move(p)) {}
    Placement placement_;
};

// The manager a new container gets: where linux.cgroupsPath puts it for
// `driver` (refusing a path the driver cannot use, naming the field). No
// side effects: nothing is made until create(). user: the host's uid of
// the caller; with the systemd driver anyone but root gets a scope of
// their own user manager (user@UID.service), which delegates it to them.
std::unique_ptr<Manager> new_manager(Driver driver, const std::string& cgroups_path,
                                     const std::string& id, const std::string& description,
                                     uid_t user = 0);

// The manager of an existing container, from what its state recorded.
std::unique_ptr<Manager> manager_of(const Placement& placement);

} // namespace ward::cgroups
