// systemd's manager object over D-Bus (org.freedesktop.systemd1.Manager at
// /org/freedesktop/systemd1): the calls the systemd cgroup driver makes,
// each waiting for its job to finish (the JobRemoved signal).
#pragma once

#include "ward/base/user_dirs.hpp"
#include "ward/dbus/connection.hpp"
#include "ward/dbus/marshal.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace ward::dbus {

// How long ward waits for systemd, per call and for a job: a systemd that
// never answers must not hang create or delete.
inline constexpr std::chrono::seconds kSystemdTimeout{10};
// For connecting, authenticating and the first call (retried, see connect).
inline constexpr std::chrono::milliseconds kConnectTimeout{4000};

// Where the systemd manager that owns a caller's containers listens.
struct ManagerEndpoint {
    std::string socket; // a unix socket's path
    bool on_bus;        // a message bus (Hello, AddMatch), not systemd's own socket
    uid_t uid;          // who ward authenticates as: the host's view of its euid
    std::string what;   // for messages: "the system manager", "uid 1000's user manager"
};

// The endpoint for a caller whose euid the host sees as host_uid. Root:
// the system manager's /run/systemd/private (no bus daemon needed).
// Anyone else: their own user manager (user@UID.service), which delegates
// its scopes to them, reached as runc, crun and podman reach it through
// $DBUS_SESSION_BUS_ADDRESS when set (its unix:path), and otherwise as
// systemctl --user does, at $XDG_RUNTIME_DIR/systemd/private, then
// through the session bus at $XDG_RUNTIME_DIR/bus (XDG_RUNTIME_DIR
// defaults to /run/user/UID). is_socket says whether a path is a socket.
// Throws, saying what to start, when the user has no manager.
ManagerEndpoint manager_endpoint(uid_t host_uid, const EnvLookup& env,
                                 const std::function<bool(const std::string&)>& is_socket);

// The socket path of a D-Bus server address ("unix:path=/run/user/1000/bus",
// ";"-separated alternatives, %-escapes): the first unix:path. Throws
// naming the address when it has none (ward connects to no other kind).
std::string unix_path_of_address(const std::string& address);

// AddMatch's rule for the JobRemoved signals a bus routes to ward (a bus
// daemon sends a signal only to connections that asked for it).
inline constexpr const char* kJobRemovedMatch =
    "type='signal',sender='org.freedesktop.systemd1',path='/org/freedesktop/systemd1',"
    "interface='org.freedesktop.systemd1.Manager',member='JobRemoved'";

class SystemdManager {
  public:
    // Connects to manager_endpoint(host_euid(), the environment), on a bus
    // asks for JobRemoved (AddMatch), and subscribes to systemd's signals.
    static SystemdManager connect();
    SystemdManager(Connection c, std::string peer);

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
    // The scope's ControlGroup property: its cgroup as systemd placed it
    // ("/user.slice/user-1000.slice/user@1000.service/user.slice/x.scope"
    // for a user manager's scope). Throws when the unit or its cgroup is
    // unknown.
    std::string scope_control_group(const std::string& name);
    // Who this connection talks to ("the system manager", ...), for messages.
    const std::string& peer() const { return peer_; }

  private:
    Message call(const std::string& member, const std::string& signature, std::string body,
                 Clock::time_point deadline = Clock::now() + kSystemdTimeout,
                 Clock::duration nudge_after = {});
    // A method of another object or interface (the bus, a unit's
    // Properties); call() is this on the manager object.
    Message call_on(const std::string& destination, const std::string& path,
                    const std::string& interface, const std::string& member,
                    const std::string& signature, std::string body,
                    Clock::time_point deadline = Clock::now() + kSystemdTimeout,
                    Clock::duration nudge_after = {});
    void wait_job(const std::string& job, const std::string& unit, const char* doing);
    Connection conn_;
    std::string peer_;
};

// The body of Properties.Get(interface, property): ss.
std::string properties_get_body(const std::string& interface, const std::string& property);
// The string a Properties.Get reply holds (a variant of type s); throws
// naming the property when the variant is of another type.
std::string string_property(const Message& reply, const std::string& property);

// The body of SetUnitProperties: sba(sv).
std::string set_unit_properties_body(const std::string& name, const std::vector<Property>& props);

// The body of StartTransientUnit: ssa(sv)a(sa(sv)) with no auxiliary units.
std::string start_transient_unit_body(const std::string& name, const std::string& mode,
                                      const std::vector<Property>& props);

} // namespace ward::dbus
