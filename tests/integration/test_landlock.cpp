// process.landlock with real containers: the kernel refuses what the
// ruleset does not allow, to root with every capability too (Landlock is
// not bypassed by CAP_DAC_OVERRIDE or CAP_SYS_ADMIN); the hardened fill
// keeps declared writable mounts writable and makes a tmpfs non-executable;
// on ABI 6+ a signal or an abstract socket connect to a second container
// sharing the namespaces is refused; `exec` processes are confined too;
// disableBestEffort refuses a right the kernel lacks. ward_only: runc has
// no Landlock support.
#include "integration/harness.hpp"
#include "ward/linux/landlock.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

using namespace ward_it;
namespace utf = boost::unit_test;
namespace fs = std::filesystem;

namespace {

Result with_policy(Bundle& b, const std::string& policy, const std::vector<std::string>& verb_args,
                   const std::string& id) {
    b.write_config();
    std::vector<std::string> args = {"--policy", shipped_policy(policy)};
    args.insert(args.end(), verb_args.begin(), verb_args.end());
    args.insert(args.end(), {"--bundle", b.bundle_dir, id});
    return b.runtime(args);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Every capability that bypasses file permissions, and CAP_SYS_ADMIN.
const std::vector<std::string> kEveryCapability = {
    "CAP_CHOWN",     "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",  "CAP_FSETID",
    "CAP_KILL",      "CAP_SETGID",       "CAP_SETUID",          "CAP_SETPCAP", "CAP_MKNOD",
    "CAP_SYS_ADMIN", "CAP_SYS_CHROOT",   "CAP_SETFCAP"};

// A writable root under compat (every capability allowed) whose ruleset
// lets it write only beneath /tmp (the harness's tmpfs).
void write_only_tmp(Bundle& b) {
    b.config["root"]["readonly"] = false;
    for (const char* set : {"bounding", "effective", "permitted"})
        b.config["process"]["capabilities"][set] = Json::strings(kEveryCapability);
    b.config["process"]["landlock"] = Json::parse(
        R"({"ruleset":{"handledAccessFS":["write_file","make_reg","remove_file","truncate"]},
            "rules":{"pathBeneath":[{"allowedAccess":["write_file","make_reg","remove_file","truncate"],
                                     "paths":["/tmp"]}]}})");
}

// The shell line that drops a copy of the checker on the /tmp tmpfs and
// runs it from there.
const char* const kExecFromTmpfs =
    "/bin/busybox cp /checker /tmp/dropped && echo copied; /tmp/dropped status; echo rc=$?";

boost::test_tools::assertion_result has_scopes(utf::test_unit_id id) {
    auto ward = ward_only(id);
    if (!ward)
        return ward;
    boost::test_tools::assertion_result r(ward::linux::landlock_abi() >= 6);
    r.message() << "needs Landlock ABI 6 (scoped signals and abstract sockets); this kernel has "
                << ward::linux::landlock_abi();
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(landlock, *utf::label("ward_only") * utf::precondition(ward_only))

BOOST_AUTO_TEST_CASE(a_write_outside_the_ruleset_is_eacces_even_for_root_with_every_capability,
                     *utf::label("asan")) {
    Bundle b;
    write_only_tmp(b);
    b.set_args(
        {"/bin/sh", "-c",
         "/checker write /etc/landlock-probe; /checker write /tmp/allowed; /checker status"});
    Result r = with_policy(b, "compat", {"run"}, b.new_id("ll-write"));
    BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(has_line(r.out, "write /etc/landlock-probe: error EACCES"), r.out);
    BOOST_TEST(has_line(r.out, "write /tmp/allowed: ok"), r.out);
    BOOST_TEST(value_of(r.out, "CapEff") == cap_mask(kEveryCapability), r.out);
    BOOST_TEST(value_of(r.out, "uid") == "0", r.out);
    BOOST_TEST(!fs::exists(b.rootfs + "/etc/landlock-probe"));
}

BOOST_AUTO_TEST_CASE(hardened_fill_keeps_a_writable_bind_writable) {
    Bundle b;
    b.leave_to_policy();
    std::string host_dir = b.dir + "/data";
    fs::create_directories(host_dir);
    b.config["mounts"].push(mount_entry("/mnt", "bind", host_dir, {"rbind", "rw"}));
    b.set_args({"/bin/sh", "-c", "/checker write /mnt/written; /checker write /etc/not-here"});
    Result r = with_policy(b, "hardened", {"run"}, b.new_id("ll-bind"));
    BOOST_TEST(has_line(r.out, "write /mnt/written: ok"), r.out << r.err);
    BOOST_TEST(fs::exists(host_dir + "/written"));
    BOOST_TEST(contains(r.out, "write /etc/not-here: error"), r.out);
}

BOOST_AUTO_TEST_CASE(hardened_fill_refuses_exec_from_a_tmpfs) {
    Bundle b;
    b.leave_to_policy();
    b.set_args({"/bin/sh", "-c", kExecFromTmpfs});
    Result r = with_policy(b, "hardened", {"run"}, b.new_id("ll-tmpfs"));
    BOOST_TEST(has_line(r.out, "copied"), r.out << r.err);
    BOOST_TEST(value_of(r.out, "CapEff").empty(), "the dropped binary ran: " << r.out);
    BOOST_TEST(contains(r.out + r.err, "Permission denied"), r.out << r.err);
    // The same under compat (no ruleset): the copy runs, so the refusal
    // above is Landlock's, not the mount's.
    Bundle control;
    control.leave_to_policy(Bundle::Seccomp::keep);
    control.set_args({"/bin/sh", "-c", kExecFromTmpfs});
    Result c = with_policy(control, "compat", {"run"}, control.new_id("ll-tmpfs-ctl"));
    BOOST_TEST(!value_of(c.out, "CapEff").empty(), "control: " << c.out << c.err);
}

BOOST_AUTO_TEST_CASE(exec_processes_are_confined_too) {
    Bundle b;
    write_only_tmp(b);
    b.set_args({"/bin/sleep", "1000"});
    std::string id = b.new_id("ll-exec");
    Result c = with_policy(b, "compat", {"create"}, id);
    BOOST_REQUIRE_MESSAGE(c.status == 0, "create: " << c.err);
    BOOST_REQUIRE(b.runtime({"start", id}).status == 0);
    BOOST_REQUIRE(b.wait_status(id, "running"));
    Result denied = b.runtime({"exec", id, "/checker", "write", "/etc/exec-probe"});
    BOOST_TEST(has_line(denied.out, "write /etc/exec-probe: error EACCES"),
               denied.out << denied.err);
    Result allowed = b.runtime({"exec", id, "/checker", "write", "/tmp/exec-ok"});
    BOOST_TEST(has_line(allowed.out, "write /tmp/exec-ok: ok"), allowed.out << allowed.err);
    BOOST_TEST(!fs::exists(b.rootfs + "/etc/exec-probe"));
}

BOOST_AUTO_TEST_CASE(hardened_exec_is_confined_and_policy_show_says_what_was_filled) {
    Bundle b;
    b.leave_to_policy();
    b.set_args({"/bin/sleep", "1000"});
    std::string id = b.new_id("ll-hexec");
    Result c = with_policy(b, "hardened", {"create"}, id);
    BOOST_REQUIRE_MESSAGE(c.status == 0, "create: " << c.err);
    BOOST_REQUIRE(b.runtime({"start", id}).status == 0);
    BOOST_REQUIRE(b.wait_status(id, "running"));
    Result r = b.runtime({"exec", id, "/bin/sh", "-c", kExecFromTmpfs});
    BOOST_TEST(has_line(r.out, "copied"), r.out << r.err);
    BOOST_TEST(value_of(r.out, "CapEff").empty(), "the dropped binary ran in exec: " << r.out);
    Result show = b.runtime({"policy", "show", id});
    BOOST_TEST(show.status == 0, show.err);
    BOOST_TEST(contains(show.out, "process.landlock: handled 16 filesystem rights;"), show.out);
    BOOST_TEST(contains(show.out, "scoped: abstract_unix_socket, signal"), show.out);
}

BOOST_AUTO_TEST_CASE(disable_best_effort_refuses_a_right_the_kernel_lacks) {
    Bundle b;
    // Bit 30: a filesystem right no kernel has yet.
    b.config["process"]["landlock"] = Json::parse(
        R"({"ruleset":{"handledAccessFS":["read_file",1073741824]},
            "rules":{"pathBeneath":[{"allowedAccess":["read_file"],"paths":["/"]}]},
            "disableBestEffort":true})");
    std::string id = b.new_id("ll-strict");
    Result r = with_policy(b, "compat", {"run"}, id);
    BOOST_TEST(r.status != 0);
    BOOST_TEST(contains(r.err, "process.landlock: disableBestEffort is set and the kernel's "
                               "Landlock ABI is"),
               r.err);
    BOOST_TEST(contains(r.err, "handledAccessFS: 1073741824"), r.err);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
    // Best effort (the default): the right is dropped with a warning, the rest applies.
    b.config["process"]["landlock"]["disableBestEffort"] = false;
    Result ok = with_policy(b, "compat", {"run"}, b.new_id("ll-best"));
    BOOST_TEST(ok.status == 0, ok.err);
    BOOST_TEST(contains(ok.err, "dropped process.landlock.ruleset.handledAccessFS: 1073741824"),
               ok.err);
}

BOOST_AUTO_TEST_CASE(features_report_the_kernels_abi) {
    Bundle b;
    Result r = b.runtime({"features"});
    BOOST_REQUIRE(r.status == 0);
    Json doc = Json::parse(r.out);
    BOOST_TEST(doc.at("linux").at("landlock").at("abi").num() == ward::linux::landlock_abi());
    BOOST_TEST(doc.at("linux").at("landlock").at("enabled").boolean() ==
               (ward::linux::landlock_abi() > 0));
}

// Landlock cannot join a domain: an exec'd process has the container's
// filesystem rules in a domain of its own, without the container's scopes,
// so it can still signal the init (`exec ID kill -HUP 1`) while it stays
// as confined as the init (a binary dropped on a tmpfs does not run).
BOOST_AUTO_TEST_CASE(an_exec_process_can_signal_the_init_and_is_still_confined,
                     *utf::precondition(has_scopes)) {
    Bundle b;
    b.leave_to_policy();
    b.set_args({"/bin/sleep", "1000"});
    std::string id = b.new_id("ll-domain");
    Result c = with_policy(b, "hardened", {"create"}, id);
    BOOST_REQUIRE_MESSAGE(c.status == 0, "create: " << c.err);
    BOOST_REQUIRE(b.runtime({"start", id}).status == 0);
    BOOST_REQUIRE(b.wait_status(id, "running"));
    std::string kill_init = std::to_string(SYS_kill);
    Result r = b.runtime({"exec", id, "/checker", "syscall", kill_init, "1", "0"});
    BOOST_TEST(has_line(r.out, "syscall " + kill_init + ": ok 0"), r.out << r.err);
    Result confined = b.runtime({"exec", id, "/bin/sh", "-c", kExecFromTmpfs});
    BOOST_TEST(has_line(confined.out, "copied"), confined.out << confined.err);
    BOOST_TEST(value_of(confined.out, "CapEff").empty(),
               "the dropped binary ran in exec: " << confined.out);
    BOOST_TEST(b.runtime({"kill", id, "KILL"}).status == 0);
    BOOST_TEST(b.wait_status(id, "stopped"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(landlock_scopes, *utf::label("ward_only") * utf::precondition(has_scopes))

// Container "outside" (compat, no ruleset) listens on an abstract socket as
// its pid 1; a second container joins its pid and network namespaces. Under
// hardened (scoped by the fill) its kill(1, 0) and connect are refused; the
// same container under compat reaches both, so the outside is really there.
BOOST_AUTO_TEST_CASE(a_signal_and_an_abstract_connect_to_another_container_are_refused) {
    Bundle outside;
    std::string name = "ward-landlock-" + std::to_string(::getpid());
    outside.set_args({"/checker", "abstract-listen", name});
    std::string outside_id = outside.new_id("ll-outside");
    Result c = with_policy(outside, "compat", {"create"}, outside_id);
    BOOST_REQUIRE_MESSAGE(c.status == 0, "create: " << c.err);
    BOOST_REQUIRE(outside.runtime({"start", outside_id}).status == 0);
    BOOST_REQUIRE(outside.wait_status(outside_id, "running"));
    std::string pid = std::to_string(outside.state(outside_id).at("pid").num());

    Bundle inside;
    inside.leave_to_policy(Bundle::Seccomp::keep);
    Json namespaces = Json::array();
    for (const auto& ns : inside.config["linux"]["namespaces"].items()) {
        std::string type = ns.at("type").str();
        Json entry = ns;
        if (type == "pid")
            entry["path"] = "/proc/" + pid + "/ns/pid";
        if (type == "network")
            entry["path"] = "/proc/" + pid + "/ns/net";
        namespaces.push(entry);
    }
    inside.config["linux"]["namespaces"] = namespaces;
    std::string probe = "for i in 1 2 3 4 5 6 7 8 9 10; do /checker abstract-connect " + name +
                        " && break; sleep 0.2; done; /checker syscall " + std::to_string(SYS_kill) +
                        " 1 0";
    inside.set_args({"/bin/sh", "-c", probe});

    Result control = with_policy(inside, "compat", {"run"}, inside.new_id("ll-inside-ctl"));
    BOOST_TEST(has_line(control.out, "abstract-connect " + name + ": ok"),
               "control: " << control.out << control.err);
    BOOST_TEST(has_line(control.out, "syscall " + std::to_string(SYS_kill) + ": ok 0"),
               "control: " << control.out << control.err);

    inside.config["linux"].erase("seccomp");
    Result r = with_policy(inside, "hardened", {"run"}, inside.new_id("ll-inside"));
    BOOST_TEST(has_line(r.out, "abstract-connect " + name + ": error EPERM"), r.out << r.err);
    BOOST_TEST(has_line(r.out, "syscall " + std::to_string(SYS_kill) + ": error EPERM"),
               r.out << r.err);
}

BOOST_AUTO_TEST_SUITE_END()
