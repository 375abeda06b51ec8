#include "ward/dbus/systemd_manager.hpp"

#include "ward/base/error.hpp"
#include "ward/base/log.hpp"

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

SystemdManager SystemdManager::connect() {
    bool root = ::geteuid() == 0;
    std::string socket = root ? "/run/systemd/private" : "/run/dbus/system_bus_socket";
    // A fresh connection whose first call goes unanswered is given up
    // after kConnectTimeout and made again (seen in the vm lane's systemd
    // guest: an occasional connection on which systemd never answered
    // Subscribe while the next one did at once), three tries at most.
    for (int attempt = 1;; ++attempt) {
        try {
            return with_context("systemd cgroup driver", [&] {
                auto conn = Connection::open(socket, !root, kConnectTimeout);
                SystemdManager m(std::move(conn));
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

SystemdManager::SystemdManager(Connection c) : conn_(std::move(c)) {}

Message SystemdManager::call(const std::string& member, const std::string& signature,
                             std::string body, Clock::time_point deadline,
                             Clock::duration nudge_after) {
    Message m;
    m.path = kPath;
    m.interface = kInterface;
    m.member = member;
    m.destination = kDestination;
    m.signature = signature;
    m.body = std::move(body);
    return conn_.call(std::move(m), deadline, nudge_after);
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
        if (std::string_view(e.what()).find("org.freedesktop.systemd1.NoSuchUnit") !=
            std::string_view::npos)
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
        if (std::string_view(e.what()).find("org.freedesktop.systemd1.NoSuchUnit") !=
            std::string_view::npos)
            return "";
        throw;
    }
}

} // namespace ward::dbus
