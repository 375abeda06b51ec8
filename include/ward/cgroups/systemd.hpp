// The systemd cgroup driver: a container's cgroup is a transient scope unit
// that systemd creates over D-Bus (ward's own client, dbus/), delegated to
// ward (Delegate=yes), in the slice linux.cgroupsPath names.
#pragma once

#include "ward/cgroups/cgroup.hpp"
#include "ward/cgroups/manager.hpp"
#include "ward/dbus/marshal.hpp"
#include "ward/dbus/systemd_manager.hpp"
#include "ward/spec/config.hpp"

#include <cstdint>
#include <functional>
#include <optional>
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

// linux.resources → the unit properties systemd has for them, so a
// `systemctl daemon-reload` (which rewrites a unit's cgroup files from its
// properties) keeps them. Derived from the cgroupfs driver's plan
// (resources.hpp), file by file, with its conversions:
//   memory.max/high/low/min/swap.max → MemoryMax/High/Low/Min/SwapMax
//   pids.max      → TasksMax (0 → 1: systemd refuses 0)
//   cpu.weight    → CPUWeight
//   cpu.max       → CPUQuotaPerSecUSec (rounded up to systemd's 10 ms
//                   steps) and CPUQuotaPeriodUSec
//   cpuset.cpus/mems → AllowedCPUs/AllowedMemoryNodes (bitmasks)
//   io.weight, io.bfq.weight → IOWeight / IODeviceWeight (blkio's range
//                   converted as the cgroupfs driver's io.weight fallback)
//   io.max        → IOReadBandwidthMax, IOWriteBandwidthMax, IOReadIOPSMax,
//                   IOWriteIOPSMax
// from the typed fields and the unified map alike; "max" and -1 are
// systemd's infinity; a later write of a file overrides an earlier one (a
// unified key a typed field), as the writes do. systemd names a device by
// path: `path_of` finds one for MAJ:MIN, and a limit on a device without
// one (or a value ward cannot read) stays a cgroup write only, with a
// warning that a daemon-reload can reset it. Everything else (hugetlb,
// rdma, cpu.idle, ...) is written to the delegated cgroup only.
using BlockDevicePath =
    std::function<std::optional<std::string>(std::uint32_t major, std::uint32_t minor)>;
struct PlannedProperties {
    std::vector<dbus::Property> properties;
    std::vector<std::string> warnings; // one per limit left to the cgroup write
};
// `writes`: the plan the cgroup gets (container/limits.hpp's, the writes
// the hierarchy has controllers for), so systemd is asked for nothing the
// cgroup would not hold.
PlannedProperties plan_resource_properties(const std::vector<Write>& writes,
                                           const BlockDevicePath& path_of);
// The host's path for a block device: /dev/block/MAJ:MIN when it is that
// device, else a block node directly in /dev with that number (`dev`:
// another directory, for tests).
std::optional<std::string> host_block_device_path(std::uint32_t major, std::uint32_t minor,
                                                  const std::string& dev = "/dev");
// plan_resource_properties with the host's device paths; the warnings are
// logged.
std::vector<dbus::Property> resource_properties(const std::vector<Write>& writes);

// One property per name, the last one given winning, as systemd applies
// them in order; the per-device lists (a(st)) merge device by device.
std::vector<dbus::Property> merge_properties(std::vector<dbus::Property> props);

// org.systemd.property.NAME annotations as unit properties, as runc passes
// them: the value is GVariant text (dbus/variant_text.hpp); a NAME ending
// in a lowercase letter and "Sec" is the ...USec property, its value (a
// number of seconds) in microseconds. Refuses, naming the annotation, a
// NAME runc would refuse (not three or more ASCII letters), a value ward
// cannot read, and Slice, PIDs and Delegate* whatever the policy says:
// ward sets those itself and relies on them. Which names a config may set
// is the policy's systemdProperties rule (judged before create gets here).
std::vector<dbus::Property> annotation_properties(const spec::Spec& spec);

// Every property create adds to the scope's own (systemd_scope.cpp): the
// annotations' then linux.resources', merged. As in runc, which sets the
// resources after the annotations, a property the config's resources set
// wins over an annotation naming it (with a warning). The scope's own
// properties come first in StartTransientUnit, so an annotation the
// policy allows overrides them (Description, DefaultDependencies), as
// runc's do.
PlannedProperties plan_unit_properties(const spec::Spec& spec, const std::vector<Write>& writes,
                                       const BlockDevicePath& path_of);
// plan_unit_properties with the host's device paths; the warnings are
// logged. What create passes to SystemdScope::start.
std::vector<dbus::Property> unit_properties(const spec::Spec& spec,
                                            const std::vector<Write>& writes);

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
