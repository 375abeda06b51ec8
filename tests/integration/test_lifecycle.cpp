// The lifecycle as a user at a shell sees it: exit statuses of run, the
// states create → start → kill → delete walks through, pid files, list, kill.
#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <thread>

using namespace ward_it;
namespace utf = boost::unit_test;
using std::chrono::milliseconds;

namespace {

// Polls the stdout of a detached container (written to its create's file).
bool wait_for_output(const Bundle& b, int invocation, const std::string& text,
                     milliseconds timeout = milliseconds(10000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (b.output_of(invocation).find(text) != std::string::npos)
            return true;
        std::this_thread::sleep_for(milliseconds(20));
    }
    return false;
}

} // namespace

BOOST_AUTO_TEST_SUITE(lifecycle)

// A container that joins another's uts and network namespaces by path
// (linux.namespaces[].path) sees its hostname and its network namespace,
// and still gets a cgroup of its own. This is the intermediate-process
// spawn path (setns, then clone with CLONE_PARENT).
BOOST_AUTO_TEST_CASE(namespaces_joined_by_path_are_shared, *utf::label("asan")) {
    Bundle host;
    host.config["hostname"] = "alpha";
    std::string host_id = host.new_id("nshost");
    BOOST_TEST_REQUIRE(host.create(host_id).status == 0);
    std::string pid = std::to_string(host.state(host_id).at("pid").num());

    Bundle guest;
    guest.config.erase("hostname");
    Json joined = Json::array();
    for (const char* ns : {"pid", "ipc", "mount"}) {
        Json n = Json::object();
        n["type"] = ns;
        joined.push(n);
    }
    for (const auto& [type, file] : {std::pair{"uts", "uts"}, std::pair{"network", "net"}}) {
        Json n = Json::object();
        n["type"] = type;
        n["path"] = "/proc/" + pid + "/ns/" + file;
        joined.push(n);
    }
    guest.config["linux"]["namespaces"] = joined;
    guest.set_args(
        {"/bin/sh", "-c", "hostname; readlink /proc/self/ns/net; cat /proc/self/cgroup"});
    std::string guest_id = guest.new_id("nsguest");
    Result r = guest.run(guest_id);
    BOOST_TEST_REQUIRE(r.status == 0, "stderr: " << r.err);
    std::string host_net = std::filesystem::read_symlink("/proc/" + pid + "/ns/net").string();
    BOOST_TEST(r.out.find("alpha\n") == 0, r.out);
    BOOST_TEST(r.out.find(host_net) != std::string::npos, "host net " << host_net << "; " << r.out);
    BOOST_TEST(r.out.find(guest_id) != std::string::npos, "own cgroup: " << r.out);
    BOOST_TEST(host.runtime({"delete", "--force", host_id}).status == 0);
}

BOOST_AUTO_TEST_CASE(run_returns_zero_for_a_clean_exit, *utf::label("asan")) {
    Bundle b;
    b.set_args({"/checker", "exit", "0"});
    Result r = b.run(b.new_id("exit0"));
    BOOST_TEST(r.status == 0, "stderr: " << r.err);
    BOOST_TEST(!r.timed_out);
}

BOOST_AUTO_TEST_CASE(run_returns_the_exit_status_of_the_process) {
    Bundle b;
    b.set_args({"/checker", "exit", "3"});
    Result r = b.run(b.new_id("exit3"));
    BOOST_TEST(r.status == 3, "stderr: " << r.err);
}

BOOST_AUTO_TEST_CASE(run_passes_the_container_stdout_through) {
    Bundle b;
    b.set_args({"/bin/echo", "hello from inside"});
    Result r = b.run(b.new_id("echo"));
    BOOST_TEST(r.status == 0, "stderr: " << r.err);
    BOOST_TEST(r.out == "hello from inside\n");
}

BOOST_AUTO_TEST_CASE(run_returns_137_when_the_container_is_killed) {
    Bundle b;
    b.set_args({"/checker", "sleep", "60"});
    b.write_config();
    std::string id = b.new_id("kill9");
    Spawned run = b.spawn({"run", "--bundle", b.bundle_dir, id});
    BOOST_REQUIRE(b.wait_status(id, "running"));
    Result k = b.runtime({"kill", id, "KILL"});
    BOOST_TEST(k.status == 0, "kill stderr: " << k.err);
    Result r = run.wait(milliseconds(20000));
    BOOST_TEST(r.status == 137, "stderr: " << r.err);
}

// pid 1 of a pid namespace cannot die of a signal it does not catch, except
// SIGKILL from outside; without a pid namespace SIGTERM kills normally.
BOOST_AUTO_TEST_CASE(run_returns_143_when_the_process_dies_of_sigterm) {
    Bundle b;
    Json namespaces = Json::array();
    for (const Json& ns : b.config["linux"]["namespaces"].items())
        if (ns.at("type").str() != "pid")
            namespaces.push(ns);
    b.config["linux"]["namespaces"] = namespaces;
    b.set_args({"/checker", "kill-self", "TERM"});
    Result r = b.run(b.new_id("term"));
    BOOST_TEST(r.status == 143, "stdout: " << r.out << " stderr: " << r.err);
}

BOOST_AUTO_TEST_CASE(create_start_kill_delete_walks_the_states, *utf::label("asan")) {
    Bundle b;
    b.set_args({"/checker", "sleep", "60"});
    std::string id = b.new_id("walk");
    Result c = b.create(id);
    BOOST_REQUIRE_MESSAGE(c.status == 0, "create failed: " << c.err);

    Json st = b.state(id);
    BOOST_TEST(st.at("id").str() == id);
    BOOST_TEST(st.at("status").str() == "created");
    BOOST_TEST(st.at("bundle").str() == b.bundle_dir);
    long pid = st.at("pid").num();
    BOOST_TEST(pid > 0);
    BOOST_TEST(pid_alive(pid));

    Result s = b.runtime({"start", id});
    BOOST_TEST(s.status == 0, "start stderr: " << s.err);
    BOOST_TEST(b.wait_status(id, "running"));
    BOOST_TEST(b.state(id).at("pid").num() == pid);

    Result k = b.runtime({"kill", id, "KILL"});
    BOOST_TEST(k.status == 0, "kill stderr: " << k.err);
    BOOST_TEST(b.wait_status(id, "stopped"));

    Result d = b.runtime({"delete", id});
    BOOST_TEST(d.status == 0, "delete stderr: " << d.err);
    Result gone = b.runtime({"state", id});
    BOOST_TEST(gone.status == 1);
    BOOST_TEST(gone.err.find("container does not exist") != std::string::npos,
               "stderr: " << gone.err);
    BOOST_TEST(!std::filesystem::exists(b.state_dir + "/" + id));
}

BOOST_AUTO_TEST_CASE(state_of_an_unknown_id_fails) {
    Bundle b;
    Result r = b.runtime({"state", "ward-it-no-such-container"});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err.find("container does not exist") != std::string::npos, "stderr: " << r.err);
    BOOST_TEST(r.out.empty());
}

BOOST_AUTO_TEST_CASE(pid_file_holds_the_init_pid) {
    Bundle b;
    b.set_args({"/checker", "sleep", "60"});
    std::string id = b.new_id("pidfile");
    std::string pid_file = b.dir + "/init.pid";
    Result c = b.create(id, {"--pid-file", pid_file});
    BOOST_REQUIRE_MESSAGE(c.status == 0, "create failed: " << c.err);
    std::string text = slurp(pid_file);
    BOOST_TEST(!text.empty());
    BOOST_TEST(text.find_first_not_of("0123456789\n") == std::string::npos, "pid file: " << text);
    BOOST_TEST(std::stol(text) == b.state(id).at("pid").num());
}

BOOST_AUTO_TEST_CASE(create_of_an_existing_id_fails_and_keeps_the_first) {
    Bundle b;
    b.set_args({"/checker", "sleep", "60"});
    std::string id = b.new_id("dup");
    BOOST_REQUIRE(b.create(id).status == 0);
    long pid = b.state(id).at("pid").num();
    Result again = b.create(id);
    BOOST_TEST(again.status == 1);
    BOOST_TEST(again.err.find("already exists") != std::string::npos, "stderr: " << again.err);
    BOOST_TEST(b.status(id) == "created");
    BOOST_TEST(b.state(id).at("pid").num() == pid);
    BOOST_TEST(pid_alive(pid));
}

// runc 1.1.5 fails this: both creates can fail, and the loser's cleanup can
// remove the winner's state and cgroups. ward locks the id before touching
// anything, so the loser never undoes what it did not do.
BOOST_AUTO_TEST_CASE(concurrent_create_of_one_id_has_exactly_one_winner,
                     *utf::label("ward_only") * utf::precondition(ward_only)) {
    Bundle b;
    b.set_args({"/checker", "sleep", "60"});
    b.write_config();
    std::string id = b.new_id("race");
    for (int round = 0; round < 5; round++) {
        Spawned one = b.spawn({"create", "--bundle", b.bundle_dir, id});
        Spawned two = b.spawn({"create", "--bundle", b.bundle_dir, id});
        Result r1 = one.wait(milliseconds(30000));
        Result r2 = two.wait(milliseconds(30000));
        BOOST_TEST_CONTEXT("round " << round << ": first " << r1.status << " " << r1.err
                                    << "; second " << r2.status << " " << r2.err) {
            BOOST_TEST((r1.status == 0) + (r2.status == 0) == 1);
            const Result& loser = r1.status == 0 ? r2 : r1;
            BOOST_TEST(loser.status == 1);
            BOOST_TEST(loser.err.find("already exists") != std::string::npos);
            // The winner is intact: the loser's cleanup did not touch it.
            BOOST_TEST(b.status(id) == "created");
        }
        Result d = b.runtime({"delete", "--force", id});
        BOOST_TEST(d.status == 0, "delete stderr: " << d.err);
    }
}

BOOST_AUTO_TEST_CASE(list_shows_every_container_in_each_format) {
    Bundle b;
    b.set_args({"/checker", "sleep", "60"});
    std::string first = b.new_id("list-a");
    std::string second = b.new_id("list-b");
    BOOST_REQUIRE(b.create(first).status == 0);
    BOOST_REQUIRE(b.create(second).status == 0);
    BOOST_REQUIRE(b.runtime({"start", second}).status == 0);
    BOOST_REQUIRE(b.wait_status(second, "running"));

    Result table = b.runtime({"list"});
    BOOST_TEST(table.status == 0, "stderr: " << table.err);
    BOOST_TEST(table.out.rfind("ID", 0) == 0, "list: " << table.out);
    BOOST_TEST(table.out.find(first) != std::string::npos);
    BOOST_TEST(table.out.find("created") != std::string::npos);
    BOOST_TEST(table.out.find("running") != std::string::npos);

    Result quiet = b.runtime({"list", "-q"});
    BOOST_TEST(quiet.status == 0);
    bool either_order =
        quiet.out == first + "\n" + second + "\n" || quiet.out == second + "\n" + first + "\n";
    BOOST_TEST(either_order, "list -q: " << quiet.out);

    Result json = b.runtime({"list", "--format", "json"});
    BOOST_TEST(json.status == 0);
    Json all = Json::parse(json.out);
    BOOST_TEST(all.size() == 2u);
    for (const Json& c : all.items()) {
        const std::string& id = c.at("id").str();
        BOOST_TEST((id == first || id == second));
        BOOST_TEST(c.at("status").str() == (id == first ? "created" : "running"));
        BOOST_TEST(c.at("pid").num() > 0);
        BOOST_TEST(c.at("bundle").str() == b.bundle_dir);
    }
}

// Some hosts keep /etc/passwd elsewhere and link it; `list` names the
// owner from it all the same (runc follows the link too). The link is made
// in a private mount namespace (a tmpfs over /etc there), never on the host.
BOOST_AUTO_TEST_CASE(list_names_the_owner_through_a_symlinked_passwd,
                     *boost::unit_test::precondition(ward_only)) {
    Bundle b;
    const std::string id = b.new_id("owner");
    BOOST_REQUIRE(b.create(id).status == 0);
    std::string host_name;
    {
        std::ifstream passwd("/etc/passwd");
        for (std::string line; std::getline(passwd, line);)
            if (line.find(":x:0:") != std::string::npos || line.find("::0:") != std::string::npos) {
                host_name = line.substr(0, line.find(':'));
                break;
            }
    }
    BOOST_REQUIRE_MESSAGE(!host_name.empty(), "no uid 0 in the host's /etc/passwd");
    const std::string wrapper = b.dir + "/linked-passwd";
    {
        std::ofstream w(wrapper);
        w << "#!/bin/sh\n"
          << "exec unshare -m --propagation private sh -c '"
          << "cp /etc/passwd " << b.dir << "/passwd.copy && mount -t tmpfs ward-etc /etc && "
          << "cp " << b.dir << "/passwd.copy /etc/passwd.real && ln -s passwd.real /etc/passwd && "
          << "exec \"$0\" \"$@\"' " << runtime_path() << " \"$@\"\n";
    }
    std::filesystem::permissions(wrapper, std::filesystem::perms::owner_all);
    for (const std::string& runtime : {std::string(), wrapper}) {
        RunOptions opts;
        opts.runtime = runtime;
        Result json = b.runtime({"list", "--format", "json"}, opts);
        BOOST_TEST_REQUIRE(json.status == 0, "stderr: " << json.err);
        Json all = Json::parse(json.out);
        BOOST_TEST_REQUIRE(all.size() == 1u);
        BOOST_TEST(all.items().front().at("owner").str() == host_name,
                   (runtime.empty() ? "/etc/passwd" : "a symlinked /etc/passwd")
                       << ": " << json.out);
    }
}

BOOST_AUTO_TEST_CASE(list_of_an_empty_root_is_empty) {
    Bundle b;
    Result quiet = b.runtime({"list", "-q"});
    BOOST_TEST(quiet.status == 0, "stderr: " << quiet.err);
    BOOST_TEST(quiet.out.empty());
}

BOOST_AUTO_TEST_CASE(kill_delivers_signals_by_name_and_by_number) {
    Bundle b;
    b.set_args({"/checker", "wait-signal"});
    struct Case {
        std::string signal_arg;
        std::string expected;
    };
    for (const Case& c : {Case{"SIGUSR1", "SIGUSR1"}, Case{"USR2", "SIGUSR2"},
                          Case{std::to_string(SIGHUP), "SIGHUP"}}) {
        BOOST_TEST_CONTEXT("kill " << c.signal_arg) {
            std::string id = b.new_id("sig");
            Result cr = b.create(id);
            int io = b.last_invocation();
            BOOST_REQUIRE_MESSAGE(cr.status == 0, "create: " << cr.err);
            BOOST_REQUIRE(b.runtime({"start", id}).status == 0);
            BOOST_REQUIRE(wait_for_output(b, io, "wait-signal: ready"));
            Result k = b.runtime({"kill", id, c.signal_arg});
            BOOST_TEST(k.status == 0, "kill stderr: " << k.err);
            BOOST_TEST(wait_for_output(b, io, "signal: " + c.expected),
                       "output: " << b.output_of(io));
            BOOST_TEST(b.wait_status(id, "stopped"));
        }
    }
}

BOOST_AUTO_TEST_CASE(kill_of_a_stopped_container_fails) {
    Bundle b;
    b.set_args({"/checker", "exit", "0"});
    std::string id = b.new_id("killstopped");
    BOOST_REQUIRE(b.create(id).status == 0);
    BOOST_REQUIRE(b.runtime({"start", id}).status == 0);
    BOOST_REQUIRE(b.wait_status(id, "stopped"));
    Result k = b.runtime({"kill", id, "TERM"});
    BOOST_TEST(k.status == 1);
    BOOST_TEST(k.err.find("not running") != std::string::npos, "stderr: " << k.err);
}

BOOST_AUTO_TEST_CASE(delete_refuses_a_running_container_without_force) {
    Bundle b;
    b.set_args({"/checker", "sleep", "60"});
    std::string id = b.new_id("nodelete");
    BOOST_REQUIRE(b.create(id).status == 0);
    BOOST_REQUIRE(b.runtime({"start", id}).status == 0);
    Result d = b.runtime({"delete", id});
    BOOST_TEST(d.status == 1);
    BOOST_TEST(b.status(id) == "running");
}

BOOST_AUTO_TEST_CASE(delete_force_removes_a_running_container, *utf::label("asan")) {
    Bundle b;
    b.set_args({"/checker", "sleep", "60"});
    std::string id = b.new_id("force");
    BOOST_REQUIRE(b.create(id).status == 0);
    BOOST_REQUIRE(b.runtime({"start", id}).status == 0);
    BOOST_REQUIRE(b.wait_status(id, "running"));
    long pid = b.state(id).at("pid").num();

    Result d = b.runtime({"delete", "--force", id});
    BOOST_TEST(d.status == 0, "stderr: " << d.err);
    BOOST_TEST(b.runtime({"state", id}).status == 1);
    BOOST_TEST(wait_pid_gone(pid));
    BOOST_TEST(leftovers(b, id).empty());
}

BOOST_AUTO_TEST_SUITE_END()
