// Attacks where Landlock is the wall that holds, against setups weakened on
// purpose so that every other layer lets the attack through:
//
// - landlock/writable-host-bind: a host directory bind-mounted read-write
//   (the mount allows the write) with a ruleset that only reads beneath
//   "/"; the container is root and the hardened policy's other rules are in
//   force. The host directory must stay untouched, the write EACCES.
// - landlock/exec-dropped-payload: a payload written to a tmpfs mounted
//   without noexec (the mount allows the exec) and run from there, under
//   hardened's filled ruleset: the exec must be refused.
//
// Each control runs the same attack without the ruleset (compat) and must
// succeed, so the refusal is Landlock's.
#include "attacks/attack.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>

using namespace ward_attack;
using ward_it::has_line;
using ward_it::Json;
using ward_it::mount_entry;
using ward_it::value_of;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The bind of a host directory at /hostdir, writable as far as the mount goes.
std::string bind_host_dir(Bundle& b) {
    std::string host_dir = b.dir + "/host-side";
    fs::create_directories(host_dir);
    b.config["mounts"].push(mount_entry("/hostdir", "bind", host_dir, {"rbind", "rw"}));
    fs::create_directories(b.rootfs + "/hostdir");
    return host_dir;
}

const char* const kDropAndRun =
    "/bin/busybox cp /checker /tmp/payload && echo dropped; /tmp/payload status";

} // namespace

BOOST_AUTO_TEST_SUITE(landlock_wall)

BOOST_AUTO_TEST_CASE(a_writable_host_bind_stays_read_only_under_the_ruleset) {
    const char* attack = "landlock/writable-host-bind";
    Bundle b;
    b.leave_to_policy();
    std::string host_dir = bind_host_dir(b);
    b.config["process"]["landlock"] = Json::parse(
        R"({"ruleset":{"handledAccessFS":["write_file","make_reg","remove_file","truncate",
                                          "make_dir","remove_dir","make_sym","refer"]},
            "disableBestEffort":false})");
    b.set_args({"/bin/sh", "-c", "/checker write /hostdir/pwned; /checker ls /hostdir"});
    Result r = hardened(b, "run", b.new_id("ll-bind"));
    if (fs::exists(host_dir + "/pwned"))
        report(attack, Outcome::not_blocked, "the container created a file in the host directory");
    else if (has_line(r.out, "write /hostdir/pwned: error EACCES"))
        report(attack, Outcome::blocked, "write refused (EACCES) by the Landlock ruleset");
    else
        report(attack, Outcome::could_not_run, "run: " + r.err + r.out);

    Bundle ctl;
    ctl.leave_to_policy(Bundle::Seccomp::keep);
    std::string ctl_dir = bind_host_dir(ctl);
    ctl.set_args({"/checker", "write", "/hostdir/pwned"});
    Result c = with_policy(ctl, "compat", "run", ctl.new_id("ll-bind-ctl"));
    report_control(attack, fs::exists(ctl_dir + "/pwned"),
                   "without the ruleset the write lands in the host directory");
}

BOOST_AUTO_TEST_CASE(a_payload_dropped_on_a_tmpfs_does_not_run) {
    const char* attack = "landlock/exec-dropped-payload";
    Bundle b;
    b.leave_to_policy();
    b.set_args({"/bin/sh", "-c", kDropAndRun});
    Result r = hardened(b, "run", b.new_id("ll-drop"));
    if (!has_line(r.out, "dropped"))
        report(attack, Outcome::could_not_run, "could not write the payload: " + r.out + r.err);
    else if (!value_of(r.out, "CapEff").empty())
        report(attack, Outcome::not_blocked, "the payload ran from the tmpfs");
    else if (contains(r.out + r.err, "Permission denied"))
        report(attack, Outcome::blocked, "exec of /tmp/payload refused (EACCES) by Landlock");
    else
        report(attack, Outcome::could_not_run, "no exec attempt seen: " + r.out + r.err);

    Bundle ctl;
    ctl.leave_to_policy(Bundle::Seccomp::keep);
    ctl.set_args({"/bin/sh", "-c", kDropAndRun});
    Result c = with_policy(ctl, "compat", "run", ctl.new_id("ll-drop-ctl"));
    report_control(attack, !value_of(c.out, "CapEff").empty(),
                   "without the ruleset the payload runs from the tmpfs");
}

BOOST_AUTO_TEST_SUITE_END()
