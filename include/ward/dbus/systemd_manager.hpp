// systemd's manager object over D-Bus (org.freedesktop.systemd1.Manager at
// /org/freedesktop/systemd1): the calls the systemd cgroup driver makes,
// each waiting for its job to finish (the JobRemoved signal).
#pragma once

#include "ward/dbus/connection.hpp"
#include "ward/dbus/marshal.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace ward::dbus {

// How long ward waits for systemd, per call and for a job: a systemd that
// never answers must not hang create or delete.
inline constexpr std::chrono::seconds kSystemdTimeout{10};
// For connecting, authenticating and the first call (retried, see connect).
inline constexpr std::chrono::milliseconds kConnectTimeout{4000};

class SystemdManager {
  public:
    // Connects as runc does: /run/systemd/private when root (no bus daemon
    // needed), else the system bus socket, and subscribes to its signals.
    static SystemdManager connect();
    explicit SystemdManager(Connection c);

    // StartTransientUnit(name, "fail", props, []) and waits for the job;
    // throws naming the unit and systemd's answer (a refused property
    // included) or the job's result when it is not "done".
    void start_transient_unit(const std::string& name, const std::vector<Property>& props);
    // StopUnit(name, "replace") and waits; a unit systemd does not know
    // (NoSuchUnit) counts as stopped.
    void stop_unit(const std::string& name);
    void reset_failed_unit(const std::string& name);
    // SetUnitProperties(name, runtime=true, props): a live unit's limits
    // changed (`ward update`); systemd writes them to the cgroup and keeps
    // them until the unit goes. Throws naming the unit and a refused
    // property.
    void set_unit_properties(const std::string& name, const std::vector<Property>& props);
    // GetUnit: the unit's object path, or "" when systemd has no such unit.
    std::string get_unit(const std::string& name);

  private:
    Message call(const std::string& member, const std::string& signature, std::string body,
                 Clock::time_point deadline = Clock::now() + kSystemdTimeout,
                 Clock::duration nudge_after = {});
    void wait_job(const std::string& job, const std::string& unit, const char* doing);
    Connection conn_;
};

// The body of SetUnitProperties: sba(sv).
std::string set_unit_properties_body(const std::string& name, const std::vector<Property>& props);

// The body of StartTransientUnit: ssa(sv)a(sa(sv)) with no auxiliary units.
std::string start_transient_unit_body(const std::string& name, const std::string& mode,
                                      const std::vector<Property>& props);

} // namespace ward::dbus
