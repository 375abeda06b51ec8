#include "ward/dbus/systemd_manager.hpp"

#include "ward/base/error.hpp"
#include "ward/base/hex.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"

#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace ward::dbus {

namespace {

constexpr const char* kDestination = "org.freedesktop.systemd1";
constexpr const char* kPath = "/org/freedesktop/systemd1";
constexpr const char* kInterface = "org.freedesktop.systemd1.Manager";

std::string strings_body(std::initializer_list<std::string_view> values) {
    Writer w;
    for (auto v : values)
        w.string(v);
    return w.take();
}

// systemd's answer for a unit it does not know (anymore).
bool is_no_such_unit(const Error& e) {
    return std::string_view(e.what()).find("org.freedesktop.systemd1.NoSuchUnit") !=
           std::string_view::npos;
}

} // namespace

std::string start_transient_unit_body(const std::string& name, const std::string& mode,
                                      const std::vector<Property>& props) {
    Writer w;
    w.string(name);
    w.string(mode);
    write_properties(w, props);
    auto aux = w.begin_array(8); // a(sa(sv)): no auxiliary units
    w.end_array(aux);
    return w.take();
}

std::string set_unit_properties_body(const std::string& name, const std::vector<Property>& props) {
    Writer w;
    w.string(name);
    // Runtime: the change lasts until the unit goes, as the unit does.
    w.boolean(true);
    write_properties(w, props);
    return w.take();
}

namespace {

// A D-Bus address value's %XX escapes (the specification, "Server
// Addresses").
std::string unescape_address_value(const std::string& value, const std::string& address) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '%') {
            out += value[i];
            continue;
        }
        int high = i + 2 < value.size() ? hex_digit_value(value[i + 1]) : -1;
        int low = i + 2 < value.size() ? hex_digit_value(value[i + 2]) : -1;
        if (high < 0 || low < 0)
            fail("D-Bus address " + quote(address) + ": a bad %-escape");
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

} // namespace

std::string unix_path_of_address(const std::string& address) {
    for (const auto& one : split(address, ';')) {
        if (!one.starts_with("unix:"))
            continue;
        for (const auto& pair : split(one.substr(5), ','))
            if (pair.starts_with("path=") && pair.size() > 5)
                return unescape_address_value(pair.substr(5), address);
    }
    fail("D-Bus address " + quote(address) +
         " has no unix:path= (ward connects to a unix socket by its path only)");
}

ManagerEndpoint manager_endpoint(uid_t host_uid, const EnvLookup& env,
                                 const std::function<bool(const std::string&)>& is_socket) {
    if (host_uid == 0)
        return {"/run/systemd/private", false, 0, "the system manager"};
    std::string who = "uid " + std::to_string(host_uid) + "'s user manager";
    if (auto address = env("DBUS_SESSION_BUS_ADDRESS"); address && !address->empty())
        return {unix_path_of_address(*address), true, host_uid,
                who + " (through DBUS_SESSION_BUS_ADDRESS)"};
    std::string runtime_dir = "/run/user/" + std::to_string(host_uid);
    if (auto xdg = env("XDG_RUNTIME_DIR"); xdg && xdg->starts_with("/"))
        runtime_dir = *xdg;
    std::string private_socket = runtime_dir + "/systemd/private";
    if (is_socket(private_socket))
        return {private_socket, false, host_uid, who};
    std::string bus = runtime_dir + "/bus";
    if (is_socket(bus))
        return {bus, true, host_uid, who + " (through the session bus)"};
    fail("ward runs as uid " + std::to_string(host_uid) +
         " (rootless) and needs that user's own systemd manager, but DBUS_SESSION_BUS_ADDRESS "
         "is not set and neither " +
         private_socket + " nor " + bus +
         " exists: start one (a login through pam_systemd, or `loginctl enable-linger USER`) "
         "and set XDG_RUNTIME_DIR, or leave out --systemd-cgroup");
}

SystemdManager SystemdManager::connect() {
    auto is_socket = [](const std::string& path) {
        struct stat st {};
        return ::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
    };
    ManagerEndpoint at = with_context("systemd cgroup driver", [&] {
        return manager_endpoint(host_euid(), process_environment(), is_socket);
    });
    log::debug("systemd: connecting to " + at.what + " at " + at.socket);
    // A fresh connection whose first call goes unanswered is given up
    // after kConnectTimeout and made again (seen in the vm lane's systemd
    // guest: an occasional connection on which systemd never answered
    // Subscribe while the next one did at once), three tries at most.
    for (int attempt = 1;; ++attempt) {
        try {
            return with_context("systemd cgroup driver (" + at.what + ")", [&] {
                auto conn = Connection::open(at.socket, at.on_bus, at.uid, kConnectTimeout);
                SystemdManager m(std::move(conn), at.what);
                // A bus routes JobRemoved only to connections that match it.
                if (at.on_bus)
                    with_context("ask the bus for systemd's JobRemoved signals", [&] {
                        m.call_on("org.freedesktop.DBus", "/org/freedesktop/DBus",
                                  "org.freedesktop.DBus", "AddMatch", "s",
                                  strings_body({kJobRemovedMatch}));
                    });
                // JobRemoved is only sent to subscribers.
                with_context("subscribe to systemd's signals", [&] {
                    m.call("Subscribe", "", "", Clock::now() + kConnectTimeout,
                           std::chrono::milliseconds(300));
                });
                return m;
            });
        } catch (const Error& e) {
            if (attempt == 3)
                throw;
            log::debug(std::string(e.what()) + "; connecting again");
        }
    }
}

SystemdManager::SystemdManager(Connection c, std::string peer)
    : conn_(std::move(c)), peer_(std::move(peer)) {}

Message SystemdManager::call(const std::string& member, const std::string& signature,
                             std::string body, Clock::time_point deadline,
                             Clock::duration nudge_after) {
    return call_on(kDestination, kPath, kInterface, member, signature, std::move(body), deadline,
                   nudge_after);
}

void SystemdManager::wait_job(const std::string& job, const std::string& unit, const char* doing) {
    auto deadline = Clock::now() + kSystemdTimeout;
    for (;;) {
        Message s = with_context(std::string(doing) + " " + unit,
                                 [&] { return conn_.next_signal(deadline); });
        if (s.member != "JobRemoved" || s.interface != kInterface || s.signature != "uoss")
            continue;
        Reader r(s.body);
        r.uint32();
        auto path = r.object_path();
        auto name = r.string();
        auto result = r.string();
        if (path != job)
            continue;
        if (result != "done")
            fail(std::string(doing) + " " + unit + ": systemd's job ended \"" + result + "\"");
        return;
    }
}

void SystemdManager::start_transient_unit(const std::string& name,
                                          const std::vector<Property>& props) {
    auto reply = with_context("start " + name, [&] {
        return call("StartTransientUnit", "ssa(sv)a(sa(sv))",
                    start_transient_unit_body(name, "fail", props));
    });
    if (reply.signature != "o")
        fail("start " + name + ": StartTransientUnit answered \"" + reply.signature + "\"");
    wait_job(Reader(reply.body).object_path(), name, "start");
}

void SystemdManager::stop_unit(const std::string& name) {
    Message reply;
    try {
        reply = call("StopUnit", "ss", strings_body({name, "replace"}));
    } catch (const Error& e) {
        if (is_no_such_unit(e))
            return;
        throw Error("stop " + name + ": " + e.what());
    }
    if (reply.signature != "o")
        fail("stop " + name + ": StopUnit answered \"" + reply.signature + "\"");
    wait_job(Reader(reply.body).object_path(), name, "stop");
}

void SystemdManager::reset_failed_unit(const std::string& name) {
    with_context("reset-failed " + name,
                 [&] { call("ResetFailedUnit", "s", strings_body({name})); });
}

void SystemdManager::set_unit_properties(const std::string& name,
                                         const std::vector<Property>& props) {
    with_context("set the properties of " + name, [&] {
        call("SetUnitProperties", "sba(sv)", set_unit_properties_body(name, props));
    });
}

std::string SystemdManager::get_unit(const std::string& name) {
    try {
        auto reply = call("GetUnit", "s", strings_body({name}));
        return Reader(reply.body).object_path();
    } catch (const Error& e) {
        if (is_no_such_unit(e))
            return "";
        throw;
    }
}

Message SystemdManager::call_on(const std::string& destination, const std::string& path,
                                const std::string& interface, const std::string& member,
                                const std::string& signature, std::string body,
                                Clock::time_point deadline, Clock::duration nudge_after) {
    Message m;
    m.path = path;
    m.interface = interface;
    m.member = member;
    m.destination = destination;
    m.signature = signature;
    m.body = std::move(body);
    return conn_.call(std::move(m), deadline, nudge_after);
}

std::string properties_get_body(const std::string& interface, const std::string& property) {
    return strings_body({interface, property});
}

std::string string_property(const Message& reply, const std::string& property) {
    if (reply.signature != "v")
        fail(property + ": Properties.Get answered \"" + reply.signature + "\"");
    Reader r(reply.body);
    auto type = r.signature();
    if (type != "s")
        fail(property + ": a value of type \"" + type + "\", not a string");
    return r.string();
}

std::string SystemdManager::scope_control_group(const std::string& name) {
    return with_context("the cgroup of " + name, [&] {
        std::string path = get_unit(name);
        if (path.empty())
            fail(peer_ + " has no unit " + name);
        auto reply = call_on(kDestination, path, "org.freedesktop.DBus.Properties", "Get", "ss",
                             properties_get_body("org.freedesktop.systemd1.Scope", "ControlGroup"));
        std::string cgroup = string_property(reply, "ControlGroup");
        if (!cgroup.starts_with("/"))
            fail("systemd gives it no cgroup (ControlGroup " + quote(cgroup) + ")");
        return cgroup;
    });
}

} // namespace ward::dbus
