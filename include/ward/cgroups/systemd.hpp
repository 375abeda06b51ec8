// The systemd cgroup driver: a container's cgroup is a transient scope unit
// that systemd creates over D-Bus (ward's own client, dbus/), delegated to
// ward (Delegate=yes), in the slice linux.cgroupsPath names.
#pragma once

#include "ward/cgroups/cgroup.hpp"
#include "ward/cgroups/manager.hpp"
#include "ward/dbus/marshal.hpp"
#include "ward/dbus/systemd_manager.hpp"
#include "ward/spec/config.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace ward::cgroups {

struct SystemdUnit {
    std::string slice; // "system.slice", "-.slice" for the root slice
    std::string unit;  // "ward-ID.scope"
    // Where the manager's own tree is: "" for the system manager, the
    // user@UID.service cgroup for a user's (as logind names it).
    std::string manager_root;
    // The scope's cgroup inside the hierarchy as expected before it exists:
    // the manager's root, the slice expanded, then the unit
    // ("/system.slice/ward-ID.scope"). systemd's ControlGroup property
    // says where it really is (SystemdScope::cgroup_path).
    std::string cgroup_path() const;
};

// linux.cgroupsPath in runc's "slice:prefix:name" form: an empty slice is
// system.slice (user.slice in a user's manager, as runc rootless), "-" the
// root slice; the unit is "prefix-name.scope" (just "name.scope" without a
// prefix). An empty cgroupsPath means ":ward:ID". Refuses other forms, a
// slice that is not a valid slice name, a unit name with "/", and a name
// ending in ".slice" (runc's slice units; not supported), naming the field
// and value. user: the host uid whose manager makes the scope, 0 for the
// system manager.
SystemdUnit systemd_unit_for(const std::string& cgroups_path, const std::string& id,
                             uid_t user = 0);

// "a-b.slice" → "/a.slice/a-b.slice"; "-.slice" → "" (the root). Refuses a
// name without ".slice", with "/", or with an empty dash-separated part.
std::string expand_slice(const std::string& slice);

// The unit properties for linux.resources where systemd has one:
// MemoryMax, MemoryLow, MemorySwapMax, TasksMax, CPUWeight,
// CPUQuotaPerSecUSec, AllowedCPUs, AllowedMemoryNodes. Everything else is
// written to the delegated cgroup only.
std::vector<dbus::Property> resource_properties(const spec::Resources& r);

// A cpuset list ("0-3,8") as systemd's bitmask (byte i bit j: 8i+j);
// refuses a malformed entry or an index past kMaxCpusetIndex, naming field.
inline constexpr long long kMaxCpusetIndex = 8192;
std::vector<std::uint8_t> cpuset_mask(const std::string& list, const std::string& field);

// The scope itself: created around a holder process (a scope needs a pid,
// and ward's init is cloned straight into the cgroup), so the cgroup exists
// before the init. The holder dies with ward (PR_SET_PDEATHSIG), so a
// crashed create leaves an empty scope that systemd removes by itself.
class SystemdScope {
  public:
    // StartTransientUnit with Delegate, DefaultDependencies=no, accounting
    // and props; a failed unit left by an earlier run is reset and the
    // start retried once. Then systemd is asked where the scope's cgroup
    // is (its ControlGroup property), which must exist.
    static SystemdScope start(dbus::SystemdManager& manager, const SystemdUnit& unit,
                              const std::string& description,
                              const std::vector<dbus::Property>& props);
    SystemdScope() = default;
    SystemdScope(SystemdScope&& other) noexcept;
    SystemdScope& operator=(SystemdScope&&) = delete;
    ~SystemdScope();
    // The scope's cgroup, where systemd says it is.
    const std::string& cgroup_path() const { return cgroup_path_; }
    Cgroup cgroup() const { return Cgroup::attach(cgroup_path_); }
    // Once the init is in the cgroup, the holder goes.
    void release_holder();

  private:
    SystemdUnit unit_;
    std::string cgroup_path_;
    int holder_ = -1;
};

// StopUnit of a container's scope (after its processes are killed); a
// unit systemd no longer knows counts as stopped.
void stop_scope(const std::string& unit);

// The systemd driver behind the Manager interface (manager.hpp's
// new_manager/manager_of choose it). `unit` and `description` are what a
// new container's scope is started with; a container's manager read back
// from its state needs neither.
std::unique_ptr<Manager> systemd_manager(Placement placement, SystemdUnit unit,
                                         std::string description);

} // namespace ward::cgroups
