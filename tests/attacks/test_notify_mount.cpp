// NOTIFY_SOCKET passthrough: ward binds <state dir>/notify at /run/notify
// in the container. A rootfs whose /run or /run/notify is a symlink to a
// host path must not get that directory created or mounted on the host:
// the target is resolved inside the root (base/in_root), as every config
// mount's is. Blocked when the host directory stays untouched (nothing
// created in it, nothing mounted on it) and the container, which lists
// /run/notify, sees the socket there.
#include "attacks/attack.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using namespace ward_attack;

namespace {

bool mounted_at(const std::string& path) {
    std::string info = ward_it::slurp("/proc/self/mountinfo");
    return info.find(" " + path + " ") != std::string::npos;
}

// Replaces rootfs/<link> with a symlink to DIR/outside (absolute; with
// `to` "CLIMB", relative and climbing past the host's /), runs a container that
// lists /run/notify with NOTIFY_SOCKET set, reports.
void attack(const std::string& name, const std::string& link, const std::string& to) {
    Bundle b;
    std::string outside = b.dir + "/outside";
    fs::create_directories(outside);
    std::string at = b.rootfs + "/" + link;
    fs::create_directories(fs::path(at).parent_path());
    fs::remove_all(at);
    std::string target = outside;
    if (to == "CLIMB") { // ../../.. past the host's / then down to outside
        target.clear();
        for (const auto& part : fs::path(at).parent_path())
            if (part != "/")
                target += "../";
        target += outside.substr(1);
    }
    fs::create_symlink(target, at);
    b.set_args({"/checker", "ls", "/run/notify"});
    std::string id = b.new_id("notify-attack");
    b.write_config();
    ward_it::RunOptions opts;
    opts.env = {"NOTIFY_SOCKET=" + b.dir + "/host.sock"};
    Result r = b.runtime({"run", "--bundle", b.bundle_dir, id}, opts);
    bool touched = !fs::is_empty(outside) || mounted_at(outside);
    const std::string attack_name = "notify-socket/" + name;
    if (touched)
        report(attack_name, Outcome::not_blocked, "the host directory " + outside + " was written");
    else if (r.status != 0 || r.out.find("notify.sock") == std::string::npos)
        report(attack_name, Outcome::could_not_run,
               "the container did not list the socket: " + r.out + r.err);
    else
        report(attack_name, Outcome::blocked, "mounted inside the root; host directory untouched");
}

} // namespace

BOOST_AUTO_TEST_SUITE(notify_mount)

BOOST_AUTO_TEST_CASE(a_run_symlink_to_a_host_path_stays_inside_the_root) {
    attack("absolute-run-link", "run", "OUTSIDE");
}

BOOST_AUTO_TEST_CASE(a_climbing_run_link_stays_inside_the_root) {
    attack("relative-run-link", "run", "CLIMB");
}

BOOST_AUTO_TEST_CASE(a_notify_symlink_to_a_host_path_stays_inside_the_root) {
    attack("absolute-notify-link", "run/notify", "OUTSIDE");
}

BOOST_AUTO_TEST_SUITE_END()
