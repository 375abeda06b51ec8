// exec as `runc exec` callers (containerd's shim, podman, kubelet probes)
// see it: a new process in the namespaces and cgroup of a running
// container, under its seccomp filter and capabilities, with the exit
// status passed through, the flags applied, and runc's phrases and exit
// status 255 for what cannot be exec'd. These pass against runc too
// (WARD=/usr/sbin/runc); what only ward promises is marked ward_only.
#include "integration/harness.hpp"
#include "ward/base/fd_passing.hpp"

#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace ward_it;
namespace utf = boost::unit_test;
namespace fs = std::filesystem;

namespace {

// A running container whose init sleeps; fails the test otherwise.
struct Running : Bundle {
    std::string id;
    long pid = 0;

    explicit Running(const std::vector<std::string>& create_flags = {}) {
        config["hostname"] = "exec-test";
        set_args({"/bin/sleep", "1000"});
        id = new_id("exec");
        Result c = create(id, create_flags);
        BOOST_REQUIRE_MESSAGE(c.status == 0, "create: " << c.err);
        Result s = runtime({"start", id});
        BOOST_REQUIRE_MESSAGE(s.status == 0, "start: " << s.err);
        BOOST_REQUIRE(wait_status(id, "running"));
        pid = static_cast<long>(state(id).at("pid").num());
    }

    Result exec(const std::vector<std::string>& args) {
        std::vector<std::string> full = {"exec"};
        full.insert(full.end(), args.begin(), args.end());
        return runtime(full);
    }
};

std::string link_of(const std::string& path) {
    std::error_code ec;
    return fs::read_symlink(path, ec).string();
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(exec_verb)

BOOST_AUTO_TEST_CASE(joins_the_namespaces_and_cgroup_of_the_init) {
    Running b;
    Result r = b.exec({b.id, "/bin/sh", "-c",
                       "for n in pid mnt uts net ipc; do echo ns $n $(readlink /proc/self/ns/$n); "
                       "done; echo host $(hostname); echo cgroup $(cat /proc/self/cgroup | "
                       "grep '^0::')"});
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    std::string init = "/proc/" + std::to_string(b.pid);
    for (const char* ns : {"pid", "mnt", "uts", "net", "ipc"}) {
        std::string want = link_of(init + "/ns/" + ns);
        BOOST_TEST(!want.empty());
        BOOST_TEST(has_line(r.out, std::string("ns ") + ns + " " + want), ns << ": " << r.out);
        // and not the host's own
        BOOST_TEST(want != link_of(std::string("/proc/self/ns/") + ns));
    }
    BOOST_TEST(has_line(r.out, "host exec-test"), r.out);
    std::string cgroup_line;
    std::ifstream in(init + "/cgroup");
    for (std::string line; std::getline(in, line);)
        if (line.starts_with("0::"))
            cgroup_line = line;
    BOOST_TEST(!cgroup_line.empty());
    BOOST_TEST(has_line(r.out, "cgroup " + cgroup_line), r.out << " want " << cgroup_line);
}

BOOST_AUTO_TEST_CASE(joins_a_user_namespace_first) {
    Bundle b;
    Json user = Json::object();
    user["type"] = "user";
    b.config["linux"]["namespaces"].push(user);
    Json map = Json::object();
    map["containerID"] = 0;
    map["hostID"] = 200000;
    map["size"] = 65536;
    b.config["linux"]["uidMappings"] = Json::array({map});
    b.config["linux"]["gidMappings"] = Json::array({map});
    b.set_args({"/bin/sleep", "1000"});
    std::string id = b.new_id("exec");
    Result c = b.create(id);
    BOOST_REQUIRE_MESSAGE(c.status == 0, "create: " << c.err);
    BOOST_REQUIRE(b.runtime({"start", id}).status == 0);
    long pid = static_cast<long>(b.state(id).at("pid").num());
    Result r = b.runtime({"exec", id, "/bin/sh", "-c",
                          "echo user $(readlink /proc/self/ns/user); cat /proc/self/uid_map; "
                          "/checker status"});
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    BOOST_TEST(has_line(r.out, "user " + link_of("/proc/" + std::to_string(pid) + "/ns/user")),
               r.out);
    BOOST_TEST(r.out.find("200000") != std::string::npos, r.out);
    BOOST_TEST(value_of(r.out, "uid") == "0");
}

BOOST_AUTO_TEST_CASE(exit_status_passes_through, *utf::label("asan")) {
    Running b;
    Result r = b.exec({b.id, "/bin/sh", "-c", "exit 7"});
    BOOST_TEST(r.status == 7, r.err);
    Result killed = b.exec({b.id, "/bin/sh", "-c", "kill -9 $$"});
    BOOST_TEST(killed.status == 128 + 9, killed.err);
    Result ok = b.exec({b.id, "/bin/true"});
    BOOST_TEST(ok.status == 0, ok.err);
    // The container goes on running.
    BOOST_TEST(b.status(b.id) == "running");
}

BOOST_AUTO_TEST_CASE(env_cwd_user_and_groups_flags) {
    Running b;
    Result r = b.exec({"--env", "FOO=bar", "--env", "BAZ=qux", "--cwd", "/bin", "--user",
                       "1000:1001", "-g", "5", "-g", "6", b.id, "/checker", "status"});
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    BOOST_TEST(value_of(r.out, "uid") == "1000");
    BOOST_TEST(value_of(r.out, "gid") == "1001");
    BOOST_TEST(value_of(r.out, "groups").find("5 6") != std::string::npos, r.out);
    BOOST_TEST(value_of(r.out, "cwd") == "/bin");

    Result env = b.exec({"-e", "FOO=bar", "-e", "BAZ=qux", b.id, "/checker", "env"});
    BOOST_REQUIRE_MESSAGE(env.status == 0, env.err);
    BOOST_TEST(has_line(env.out, "env: FOO=bar"), env.out);
    BOOST_TEST(has_line(env.out, "env: BAZ=qux"), env.out);
    // The container's own environment is kept.
    BOOST_TEST(env.out.find("env: PATH=") != std::string::npos, env.out);

    // A uid alone keeps the config's gid.
    Result uid_only = b.exec({"-u", "7", b.id, "/checker", "status"});
    BOOST_REQUIRE_MESSAGE(uid_only.status == 0, uid_only.err);
    BOOST_TEST(value_of(uid_only.out, "uid") == "7");
    BOOST_TEST(value_of(uid_only.out, "gid") == "0");
}

BOOST_AUTO_TEST_CASE(process_file_as_containerd_sends) {
    Running b;
    std::string path = b.dir + "/process.json";
    {
        std::ofstream f(path);
        f << R"({"terminal":false,"user":{"uid":0,"gid":43},"args":["/checker","status"],)"
          << R"("env":["PATH=/bin","FROM=process"],"cwd":"/etc",)"
          << R"("capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"],)"
          << R"("permitted":["CAP_KILL"]},"noNewPrivileges":true})";
    }
    Result r = b.exec({"--process", path, b.id});
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    BOOST_TEST(value_of(r.out, "uid") == "0");
    BOOST_TEST(value_of(r.out, "gid") == "43");
    BOOST_TEST(value_of(r.out, "cwd") == "/etc");
    BOOST_TEST(value_of(r.out, "CapEff") == cap_mask({"CAP_KILL"}));
    BOOST_TEST(value_of(r.out, "CapBnd") == cap_mask({"CAP_KILL"}));
    BOOST_TEST(value_of(r.out, "NoNewPrivs") == "1");

    // A process without args is refused, naming the field.
    {
        std::ofstream f(path);
        f << R"({"args":[],"cwd":"/"})";
    }
    Result bad = b.exec({"-p", path, b.id});
    BOOST_TEST(bad.status != 0);
    BOOST_TEST(bad.err.find("args") != std::string::npos, bad.err);
}

BOOST_AUTO_TEST_CASE(capabilities_of_the_config_and_cap_flag) {
    Running b;
    Result r = b.exec({b.id, "/checker", "status"});
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    auto caps = b.config["process"]["capabilities"];
    std::vector<std::string> effective;
    for (const auto& c : caps["effective"].items())
        effective.push_back(c.str());
    std::vector<std::string> bounding;
    for (const auto& c : caps["bounding"].items())
        bounding.push_back(c.str());
    BOOST_TEST(value_of(r.out, "CapEff") == cap_mask(effective));
    BOOST_TEST(value_of(r.out, "CapBnd") == cap_mask(bounding));
    BOOST_TEST(value_of(r.out, "NoNewPrivs") == "1");

    Result more = b.exec({"--cap", "CAP_FSETID", b.id, "/checker", "status"});
    BOOST_REQUIRE_MESSAGE(more.status == 0, more.err);
    effective.push_back("CAP_FSETID");
    bounding.push_back("CAP_FSETID");
    BOOST_TEST(value_of(more.out, "CapEff") == cap_mask(effective));
    BOOST_TEST(value_of(more.out, "CapBnd") == cap_mask(bounding));
}

// ward blocks the signals it forwards while it starts an exec'd process
// and while it waits for it: none of them may stay blocked in the process,
// which starts with its caller's mask (the harness runs ward with nothing
// blocked), as the init does.
BOOST_AUTO_TEST_CASE(the_process_starts_with_the_callers_signal_mask,
                     *utf::precondition(ward_only)) {
    const std::string none = "0000000000000000";
    Bundle b;
    Result run = b.run(b.new_id("mask"));
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    BOOST_TEST(value_of(run.out, "SigBlk") == none, run.out);

    Running r;
    Result foreground = r.exec({r.id, "/checker", "status"});
    BOOST_REQUIRE_MESSAGE(foreground.status == 0, foreground.err);
    BOOST_TEST(value_of(foreground.out, "SigBlk") == none, foreground.out);
}

BOOST_AUTO_TEST_CASE(an_explicit_seccomp_filter_applies_to_exec) {
    Bundle b;
    Json seccomp = Json::object();
    seccomp["defaultAction"] = "SCMP_ACT_ALLOW";
    Json rule = Json::object();
    rule["names"] = Json::strings({"mkdirat", "mkdir"});
    rule["action"] = "SCMP_ACT_ERRNO";
    Json rules = Json::array();
    rules.push(rule);
    seccomp["syscalls"] = rules;
    b.config["linux"]["seccomp"] = seccomp;
    b.set_args({"/bin/sleep", "1000"});
    std::string id = b.new_id("exec");
    Result c = b.create(id);
    BOOST_REQUIRE_MESSAGE(c.status == 0, c.err);
    BOOST_REQUIRE(b.runtime({"start", id}).status == 0);
    Result r = b.runtime({"exec", id, "/checker", "status"});
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    BOOST_TEST(value_of(r.out, "Seccomp") == "2");
    Result mk = b.runtime({"exec", id, "/bin/mkdir", "/tmp/x"});
    BOOST_TEST(mk.status != 0);
}

BOOST_AUTO_TEST_CASE(a_policy_filled_profile_applies_to_exec, *utf::precondition(ward_only)) {
    Bundle b;
    b.set_args({"/bin/sleep", "1000"});
    std::string id = b.new_id("exec");
    b.write_config();
    std::string policy = shipped_policy("baseline");
    Result c = b.runtime({"--policy", policy, "create", "--bundle", b.bundle_dir, id});
    BOOST_REQUIRE_MESSAGE(c.status == 0, c.err);
    BOOST_REQUIRE(b.runtime({"start", id}).status == 0);
    // The precompiled program of the built-in profile, recorded by create.
    BOOST_TEST(slurp(b.state_dir + "/" + id + "/state.json").find("\"seccompProfile\"") !=
               std::string::npos);
    Result r = b.runtime({"exec", id, "/checker", "status"});
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    BOOST_TEST(value_of(r.out, "Seccomp") == "2");
}

BOOST_AUTO_TEST_CASE(stopped_nonexistent_and_paused_containers_are_refused) {
    Bundle b;
    Result missing = b.runtime({"exec", "no-such-container", "/bin/true"});
    BOOST_TEST(missing.status == 255);
    BOOST_TEST(missing.err.find("exec failed: container does not exist") != std::string::npos,
               missing.err);

    b.set_args({"/bin/true"});
    std::string id = b.new_id("exec");
    BOOST_REQUIRE(b.create(id).status == 0);
    BOOST_REQUIRE(b.runtime({"start", id}).status == 0);
    BOOST_REQUIRE(b.wait_status(id, "stopped"));
    Result stopped = b.runtime({"exec", id, "/bin/true"});
    BOOST_TEST(stopped.status == 255);
    BOOST_TEST(stopped.err.find("cannot exec in a stopped container") != std::string::npos,
               stopped.err);
}

// As runc: a created container's namespaces exist, so it can be exec'd
// into; its init still waits for start.
BOOST_AUTO_TEST_CASE(a_created_container_can_be_execd_into) {
    Bundle b;
    b.config["hostname"] = "created-host";
    std::string id = b.new_id("exec");
    BOOST_REQUIRE(b.create(id).status == 0);
    RunOptions quick;
    quick.timeout = std::chrono::milliseconds(10000);
    Result r = b.runtime({"exec", id, "/bin/hostname"}, quick);
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(trimmed(r.out) == "created-host");
    BOOST_TEST(b.status(id) == "created");
}

BOOST_AUTO_TEST_CASE(paused_needs_ignore_paused) {
    Running b;
    BOOST_REQUIRE(b.runtime({"pause", b.id}).status == 0);
    Result paused = b.exec({b.id, "/bin/true"});
    BOOST_TEST(paused.status == 255);
    BOOST_TEST(paused.err.find("cannot exec in a paused container") != std::string::npos,
               paused.err);
    // With --ignore-paused the process starts in the frozen cgroup: it
    // runs once the container is resumed, and a waiting exec holds nothing
    // that keeps resume out.
    Spawned ignored = b.spawn({"exec", "--ignore-paused", b.id, "/bin/sh", "-c", "exit 3"});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    RunOptions quick;
    quick.timeout = std::chrono::milliseconds(10000);
    Result resumed = b.runtime({"resume", b.id}, quick);
    BOOST_REQUIRE_MESSAGE(resumed.status == 0, resumed.err);
    Result r = ignored.wait(std::chrono::milliseconds(10000));
    BOOST_TEST(r.status == 3, r.err);
}

BOOST_AUTO_TEST_CASE(missing_command_and_bad_user) {
    Running b;
    Result none = b.exec({b.id});
    BOOST_TEST(none.status != 0);
    BOOST_TEST(none.err.find("args cannot be empty") != std::string::npos, none.err);
    Result user = b.exec({"-u", "abc", b.id, "/bin/true"});
    BOOST_TEST(user.status != 0);
    BOOST_TEST(user.err.find("abc") != std::string::npos, user.err);
    Result notfound = b.exec({b.id, "/no/such/program"});
    BOOST_TEST(notfound.status != 0);
    BOOST_TEST(notfound.err.find("no such file or directory") != std::string::npos, notfound.err);
}

BOOST_AUTO_TEST_CASE(detach_and_pid_file) {
    Running b;
    std::string pid_file = b.dir + "/exec.pid";
    Result r = b.exec({"--detach", "--pid-file", pid_file, b.id, "/bin/sleep", "1000"});
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    BOOST_TEST(r.out.empty(), r.out);
    std::string text = trimmed(slurp(pid_file));
    BOOST_REQUIRE(!text.empty());
    long pid = std::stol(text);
    BOOST_TEST(pid_alive(pid));
    BOOST_TEST(link_of("/proc/" + text + "/ns/pid") ==
               link_of("/proc/" + std::to_string(b.pid) + "/ns/pid"));
    BOOST_TEST(trimmed(slurp("/proc/" + text + "/comm")) == "sleep");
    // It is one of the container's processes: kill --all ends it.
    BOOST_REQUIRE(b.runtime({"kill", "--all", b.id, "KILL"}).status == 0);
    BOOST_TEST(wait_pid_gone(pid));
}

BOOST_AUTO_TEST_CASE(tty_with_console_socket) {
    Running b;
    std::string sock = b.dir + "/console.sock";
    ConsoleServer console(sock);
    Result r = b.exec({"--tty", "--detach", "--console-socket", sock, b.id, "/bin/sh", "-c",
                       "/checker tty; sleep 1"});
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    ward::UniqueFd master(console.receive_fd(std::chrono::milliseconds(5000)));
    BOOST_REQUIRE_MESSAGE(master.get() >= 0, "no pty master arrived");
    std::string out = read_until(master.get(), "", std::chrono::milliseconds(5000));
    for (int fd : {0, 1, 2})
        BOOST_TEST(out.find("isatty " + std::to_string(fd) + ": 1") != std::string::npos, out);
    BOOST_TEST(out.find("ttyname 0: /dev/pts/") != std::string::npos, out);

    // Detached with a terminal needs somewhere to send it.
    Result refused = b.exec({"--tty", "--detach", b.id, "/bin/true"});
    BOOST_TEST(refused.status == 255);
    BOOST_TEST(refused.err.find("cannot allocate tty if") != std::string::npos, refused.err);
}

// runc insists on a controlling terminal of its own for this; ward only
// needs one to put it in raw mode.
BOOST_AUTO_TEST_CASE(foreground_tty_is_proxied, *utf::precondition(ward_only)) {
    Running b;
    Result r = b.exec({"--tty", b.id, "/bin/sh", "-c", "echo hello; /checker tty; exit 4"});
    BOOST_TEST(r.status == 4, r.err);
    BOOST_TEST(r.out.find("hello") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("isatty 1: 1") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(no_ward_fds_or_binary_reach_the_process, *utf::precondition(ward_only)) {
    Running b;
    Result r = b.exec({b.id, "/checker", "fds"});
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    // Only stdio: no state-dir lock, sync socket, cgroup or namespace fd.
    BOOST_TEST(r.out.find("fd 3") == std::string::npos, r.out);
    BOOST_TEST(r.out.find("fd 4") == std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(preserved_fds_reach_the_process) {
    Running b;
    std::string path = b.dir + "/passed";
    {
        std::ofstream f(path);
        f << "x";
    }
    ward::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    BOOST_REQUIRE(fd.get() >= 0);
    RunOptions opts;
    opts.pass_fds = {fd.get()};
    Result r = b.runtime({"exec", "--preserve-fds", "1", b.id, "/checker", "fds"}, opts);
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    BOOST_TEST(has_line(r.out, "fd 3: " + path), r.out);
    Result none = b.runtime({"exec", b.id, "/checker", "fds"}, opts);
    BOOST_REQUIRE_MESSAGE(none.status == 0, none.err);
    BOOST_TEST(none.out.find("fd 3") == std::string::npos, none.out);
}

BOOST_AUTO_TEST_SUITE_END()
