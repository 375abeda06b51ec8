// Which systemd manager the driver talks to, and how: root's system
// manager, or an unprivileged caller's own user manager (its session bus
// or its private socket), found as runc, crun and systemctl --user find
// it; the bus's match rule; the ControlGroup property read back. The vm
// lane's systemd guest runs both paths for real (cases/30-rootless.sh).
#include "error_text.hpp"
#include "fake_env.hpp"
#include "ward/base/error.hpp"
#include "ward/base/user_dirs.hpp"
#include "ward/cgroups/manager.hpp"
#include "ward/cgroups/systemd.hpp"
#include "ward/dbus/marshal.hpp"
#include "ward/dbus/message.hpp"
#include "ward/dbus/systemd_manager.hpp"

#include <boost/test/unit_test.hpp>
#include <map>
#include <set>

using namespace ward;
using namespace ward::dbus;
using ward::test::env_of;
using ward::test::error_of;

namespace {

// is_socket for a set of paths.
std::function<bool(const std::string&)> sockets(std::set<std::string> paths) {
    return [paths](const std::string& p) { return paths.count(p) > 0; };
}

} // namespace

BOOST_AUTO_TEST_SUITE(dbus_user_manager)

// /proc/self/uid_map as read inside a user namespace maps its ids to the
// parent's; outside any, it is the identity.
BOOST_AUTO_TEST_CASE(outer_id_reads_the_map_from_inside) {
    BOOST_TEST(outer_id("         0       1000          1\n", 0).value() == 1000u);
    BOOST_TEST(!outer_id("         0       1000          1\n", 1).has_value());
    BOOST_TEST(outer_id("         0          0 4294967295\n", 1000).value() == 1000u);
    // A range from newuidmap: the caller at 0, the subordinate ids after.
    std::string ranges = "0 1000 1\n1 100000 65536\n";
    BOOST_TEST(outer_id(ranges, 0).value() == 1000u);
    BOOST_TEST(outer_id(ranges, 1).value() == 100000u);
    BOOST_TEST(outer_id(ranges, 65536).value() == 165535u);
    BOOST_TEST(!outer_id(ranges, 65537).has_value());
    BOOST_TEST(!outer_id("", 0).has_value());
    BOOST_TEST(!outer_id("garbage\n", 0).has_value());
}

BOOST_AUTO_TEST_CASE(root_talks_to_the_system_managers_private_socket) {
    auto e = manager_endpoint(0, env_of({{"DBUS_SESSION_BUS_ADDRESS", "unix:path=/x"}}),
                              sockets({"/run/user/0/bus"}));
    BOOST_TEST(e.socket == "/run/systemd/private");
    BOOST_TEST(!e.on_bus);
    BOOST_TEST(e.uid == 0u);
}

// A user: the session bus named in the environment first (runc, crun),
// else the manager's own socket (systemctl --user), else the session bus
// in XDG_RUNTIME_DIR, which defaults to /run/user/UID.
BOOST_AUTO_TEST_CASE(a_user_talks_to_their_own_manager) {
    auto all = sockets({"/run/user/1000/systemd/private", "/run/user/1000/bus"});
    auto env = env_of({{"DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus,guid=abc"},
                       {"XDG_RUNTIME_DIR", "/run/user/1000"}});
    auto bus = manager_endpoint(1000, env, all);
    BOOST_TEST(bus.socket == "/run/user/1000/bus");
    BOOST_TEST(bus.on_bus);
    BOOST_TEST(bus.uid == 1000u);
    BOOST_TEST(bus.what.find("DBUS_SESSION_BUS_ADDRESS") != std::string::npos, bus.what);

    auto xdg = env_of({{"XDG_RUNTIME_DIR", "/run/user/1000"}});
    auto priv = manager_endpoint(1000, xdg, all);
    BOOST_TEST(priv.socket == "/run/user/1000/systemd/private");
    BOOST_TEST(!priv.on_bus);
    BOOST_TEST(priv.what == "uid 1000's user manager");

    auto only_bus = manager_endpoint(1000, xdg, sockets({"/run/user/1000/bus"}));
    BOOST_TEST(only_bus.socket == "/run/user/1000/bus");
    BOOST_TEST(only_bus.on_bus);

    // No XDG_RUNTIME_DIR (sudo -u): logind's place for it.
    auto bare = manager_endpoint(1000, env_of({}), all);
    BOOST_TEST(bare.socket == "/run/user/1000/systemd/private");
    auto relative = manager_endpoint(1000, env_of({{"XDG_RUNTIME_DIR", "run"}}), all);
    BOOST_TEST(relative.socket == "/run/user/1000/systemd/private");
}

BOOST_AUTO_TEST_CASE(a_user_without_a_manager_is_told_what_to_start) {
    auto e = error_of([] {
        manager_endpoint(1000, env_of({{"XDG_RUNTIME_DIR", "/tmp/r"}}), sockets({}));
    });
    BOOST_TEST(e.find("ward runs as uid 1000 (rootless) and needs that user's own systemd "
                      "manager") != std::string::npos,
               e);
    BOOST_TEST(e.find("neither /tmp/r/systemd/private nor /tmp/r/bus exists") != std::string::npos,
               e);
    BOOST_TEST(e.find("loginctl enable-linger USER") != std::string::npos, e);
    BOOST_TEST(e.find("leave out --systemd-cgroup") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(session_bus_addresses) {
    BOOST_TEST(unix_path_of_address("unix:path=/run/user/1000/bus") == "/run/user/1000/bus");
    BOOST_TEST(unix_path_of_address("unix:path=/tmp/a%20b,guid=0123") == "/tmp/a b");
    BOOST_TEST(unix_path_of_address("tcp:host=x,port=1;unix:path=/b") == "/b");
    auto e = error_of([] { unix_path_of_address("unix:abstract=/tmp/dbus-x"); });
    BOOST_TEST(e.find("D-Bus address \"unix:abstract=/tmp/dbus-x\" has no unix:path=") !=
                   std::string::npos,
               e);
    e = error_of([] { unix_path_of_address("unix:path=/a%2"); });
    BOOST_TEST(e.find("a bad %-escape") != std::string::npos, e);
    e = error_of([] { unix_path_of_address("unix:path=/a%zz"); });
    BOOST_TEST(e.find("a bad %-escape") != std::string::npos, e);
}

// What a bus needs before it routes JobRemoved to ward.
BOOST_AUTO_TEST_CASE(job_removed_match_rule) {
    std::string rule = kJobRemovedMatch;
    for (const char* part :
         {"type='signal'", "sender='org.freedesktop.systemd1'", "path='/org/freedesktop/systemd1'",
          "interface='org.freedesktop.systemd1.Manager'", "member='JobRemoved'"})
        BOOST_TEST(rule.find(part) != std::string::npos, part);
}

// Properties.Get("org.freedesktop.systemd1.Scope", "ControlGroup") and its
// answer, a variant: the signature "s" (g: length byte, "s", NUL), padding
// to 4, then the string.
BOOST_AUTO_TEST_CASE(control_group_property) {
    Writer want;
    want.string("org.freedesktop.systemd1.Scope");
    want.string("ControlGroup");
    BOOST_TEST(properties_get_body("org.freedesktop.systemd1.Scope", "ControlGroup") ==
               want.bytes());

    std::string cg = "/user.slice/user-1000.slice/user@1000.service/user.slice/ward-a.scope";
    Message reply;
    reply.signature = "v";
    reply.body = std::string("\x01s\0", 3) + std::string(1, '\0') +
                 std::string(1, static_cast<char>(cg.size())) + std::string(3, '\0') + cg +
                 std::string(1, '\0');
    BOOST_TEST(string_property(reply, "ControlGroup") == cg);

    Message number;
    number.signature = "v";
    number.body = std::string("\x01t\0", 3) + std::string(5, '\0') + std::string(8, '\0');
    auto e = error_of([&] { string_property(number, "ControlGroup"); });
    BOOST_TEST(e.find("ControlGroup: a value of type \"t\"") != std::string::npos, e);
    Message other;
    other.signature = "s";
    e = error_of([&] { string_property(other, "ControlGroup"); });
    BOOST_TEST(e.find("answered \"s\"") != std::string::npos, e);
}

// A user's scope goes to user.slice of their manager (runc rootless's
// default), under user@UID.service until systemd says otherwise.
BOOST_AUTO_TEST_CASE(a_users_scope_is_placed_in_their_manager) {
    auto u = cgroups::systemd_unit_for("", "web", 1000);
    BOOST_TEST(u.slice == "user.slice");
    BOOST_TEST(u.unit == "ward-web.scope");
    BOOST_TEST(u.cgroup_path() ==
               "/user.slice/user-1000.slice/user@1000.service/user.slice/ward-web.scope");
    auto named = cgroups::systemd_unit_for("app-x.slice:p:n", "id", 1000);
    BOOST_TEST(named.cgroup_path() ==
               "/user.slice/user-1000.slice/user@1000.service/app.slice/app-x.slice/p-n.scope");
    auto m = cgroups::new_manager(cgroups::Driver::systemd, "", "c1", "d", 1000);
    BOOST_TEST(m->placement().systemd_unit == "ward-c1.scope");
    BOOST_TEST(m->placement().cgroup ==
               "/user.slice/user-1000.slice/user@1000.service/user.slice/ward-c1.scope");
    // Root's stays in system.slice of the system manager.
    BOOST_TEST(cgroups::systemd_unit_for("", "web", 0).cgroup_path() ==
               "/system.slice/ward-web.scope");
}

BOOST_AUTO_TEST_SUITE_END()
