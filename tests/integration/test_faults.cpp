// kill -9 of ward at each step of create, start, exec, update, pause,
// resume, kill and delete (issue 14): the fault points of base/fault.hpp,
// enabled by WARD_FAULT. Afterwards no process of the container survives
// outside what `state` reports (the test is the subreaper, so an orphaned
// init or exec'd process would become its child) unless it was already
// confined as the container's process, `list` is truthful, the container
// still works, `delete --force` finishes in bounded time, and no mount,
// cgroup or state dir is left.
#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <signal.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace ward_it;
namespace utf = boost::unit_test;
namespace fs = std::filesystem;
using std::chrono::milliseconds;

namespace {

// The test process's children right now: an init orphaned by a killed ward
// is reparented here while the test is the subreaper. One that has died
// (a zombie waiting for us to reap it) is reaped, not counted.
std::vector<pid_t> children() {
    std::ifstream in("/proc/self/task/" + std::to_string(::gettid()) + "/children");
    std::vector<pid_t> out;
    pid_t pid;
    while (in >> pid)
        if (::waitpid(pid, nullptr, WNOHANG) == 0)
            out.push_back(pid);
    return out;
}

// The subreaper role for one test, and every child it got reaped after.
struct Subreaper {
    Subreaper() { BOOST_TEST_REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0); }
    ~Subreaper() {
        ::prctl(PR_SET_CHILD_SUBREAPER, 0);
        for (pid_t pid : children()) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    }
};

// What `list` says of id: its status column, or "" when not listed.
std::string listed_status(Bundle& b, const std::string& id) {
    Result r = b.runtime({"list"});
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string first, pid, status;
        words >> first >> pid >> status;
        if (first == id)
            return status;
    }
    return "";
}

// What to make of a process that outlived ward besides the recorded init
// (it is given the init's pid); unset: there must be none.
using ExtraSurvivor = std::function<void(pid_t survivor, long init)>;

// After ward was killed at a point: no orphan outside the state (but what
// `extra` accepts), list agrees with the state, `still_works` (if any)
// passes, delete --force cleans everything in bounded time.
void check_after_kill(Bundle& b, const std::string& id, const std::string& point,
                      const ExtraSurvivor& extra = {},
                      const std::function<void()>& still_works = {}) {
    BOOST_TEST_CONTEXT("killed at " << point) {
        // PR_SET_PDEATHSIG is delivered as ward dies; give a dying init a
        // moment to go.
        std::this_thread::sleep_for(milliseconds(300));
        Result state = b.runtime({"state", id});
        long recorded = 0;
        if (state.status == 0)
            recorded = static_cast<long>(Json::parse(state.out).at("pid").num());
        std::vector<pid_t> extras;
        for (pid_t pid : children()) {
            if (pid == recorded)
                continue;
            extras.push_back(pid);
            if (extra)
                extra(pid, recorded);
            else
                BOOST_TEST(false, "process " << pid << " survived ward, state says pid " << recorded
                                             << ": " << state.out);
        }
        std::string status = listed_status(b, id);
        if (state.status == 0)
            BOOST_TEST(status == Json::parse(state.out).at("status").str());
        else
            BOOST_TEST(status.empty(), "list shows " << status << " for a container state denies");
        if (still_works)
            still_works();

        RunOptions bounded;
        bounded.timeout = milliseconds(20000);
        // The init of a pid namespace exits only once every process of it
        // is reaped; the survivors are the test's children, so the test
        // reaps them while delete runs, as a shim would.
        // Bounded: one delete cannot end is reported below, not waited on.
        std::thread reaper([&extras] {
            auto deadline = std::chrono::steady_clock::now() + milliseconds(25000);
            for (pid_t pid : extras)
                while (::waitpid(pid, nullptr, WNOHANG) == 0 &&
                       std::chrono::steady_clock::now() < deadline)
                    std::this_thread::sleep_for(milliseconds(20));
        });
        Result del = b.runtime({"delete", "--force", id}, bounded);
        reaper.join();
        BOOST_TEST(!del.timed_out);
        BOOST_TEST(
            (del.status == 0 || del.err.find("container does not exist") != std::string::npos),
            "delete --force: " << del.status << " " << del.err);
        BOOST_TEST(listed_status(b, id).empty());
        auto left = leftovers(b, id);
        BOOST_TEST(left.empty(), "left after delete --force:\n" << listed(left));
        std::this_thread::sleep_for(milliseconds(100));
        for (pid_t pid : children())
            BOOST_TEST(false, "process " << pid << " outlived delete --force");
    }
}

// /proc/PID/status, field by field ("CapEff" -> "0000000000000000").
std::map<std::string, std::string> status_fields(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::map<std::string, std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        auto value = line.find_first_not_of(" \t", colon + 1);
        out[line.substr(0, colon)] = value == std::string::npos ? "" : line.substr(value);
    }
    return out;
}

// A process that outlived ward may hold nothing the container's init does
// not: capability sets within the init's, no_new_privs and seccomp mode at
// least the init's, the same ids, the same cgroups (so delete ends it).
void check_confined_as_init(pid_t survivor, long init) {
    auto s = status_fields(survivor), i = status_fields(init);
    BOOST_TEST_REQUIRE(!s.empty(), "survivor " << survivor << " has no status");
    BOOST_TEST_REQUIRE(!i.empty(), "init " << init << " has no status");
    BOOST_TEST_CONTEXT("survivor " << survivor << " (" << s["Name"] << "), init " << init) {
        for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}) {
            unsigned long long mine = std::stoull(s[set], nullptr, 16);
            unsigned long long inits = std::stoull(i[set], nullptr, 16);
            BOOST_TEST((mine & ~inits) == 0ULL, set << " " << s[set] << ", init's " << i[set]);
        }
        BOOST_TEST(std::stoi(s["NoNewPrivs"]) >= std::stoi(i["NoNewPrivs"]));
        BOOST_TEST(std::stoi(s["Seccomp"]) >= std::stoi(i["Seccomp"]));
        BOOST_TEST(s["Uid"] == i["Uid"]);
        BOOST_TEST(s["Gid"] == i["Gid"]);
        std::string proc = "/proc/";
        BOOST_TEST(slurp(proc + std::to_string(survivor) + "/cgroup") ==
                   slurp(proc + std::to_string(init) + "/cgroup"));
    }
}

// A container whose init sleeps, started.
std::string running_container(Bundle& b) {
    b.set_args({"/checker", "sleep", "60"});
    std::string id = b.new_id("fault");
    BOOST_TEST_REQUIRE(b.create(id).status == 0);
    BOOST_TEST_REQUIRE(b.runtime({"start", id}).status == 0);
    BOOST_TEST_REQUIRE(b.wait_status(id, "running"));
    return id;
}

RunOptions fault_at(const std::string& point) {
    RunOptions faulty;
    faulty.env = {"WARD_FAULT=" + point};
    return faulty;
}

const char* const kCreatePoints[] = {
    "create:state-dir", "create:state-saved", "create:cgroup-made", "create:init-cloned",
    "create:pid-saved", "create:go-sent",     "create:ids-changed", "create:tied-again",
    "create:detached",  "create:ready",
};

// exec's points in the order reached; intermediate-joined is a step of the
// intermediate (in the container's namespaces, with ward's privileges),
// process-forked, ids-changed, tied-again and detached of the exec'd
// process itself.
struct ExecPoint {
    const char* name;
    // What becomes of the exec'd process: it dies with ward, it may run on
    // (it races ward from pid-received; from detached on it is finalized,
    // only the filter load and execve to go), or it runs on (ward saw its
    // execve).
    enum { dies, may_survive, survives } survivor;
};
const ExecPoint kExecPoints[] = {
    {"exec:intermediate-cloned", ExecPoint::dies},  {"exec:intermediate-joined", ExecPoint::dies},
    {"exec:process-forked", ExecPoint::dies},       {"exec:pid-received", ExecPoint::may_survive},
    {"exec:ids-changed", ExecPoint::dies},          {"exec:tied-again", ExecPoint::dies},
    {"exec:detached", ExecPoint::may_survive},      {"exec:process-started", ExecPoint::survives},
    {"exec:pid-file-written", ExecPoint::survives},
};

} // namespace

BOOST_AUTO_TEST_SUITE(faults)

BOOST_AUTO_TEST_CASE(kill_during_create_leaves_nothing_delete_cannot_clear, *utf::timeout(600)) {
    for (const char* point : kCreatePoints) {
        Subreaper reaper;
        Bundle b;
        b.set_args({"/checker", "exit", "0"});
        std::string id = b.new_id("fault");
        Result r = b.create(id, {}, fault_at(point));
        BOOST_TEST(r.status == 128 + SIGKILL,
                   point << ": create ended " << r.status << " " << r.err);
        check_after_kill(b, id, point);
    }
}

// The verbs after create: start killed between unlinking the fifo and
// writing it, delete killed after the init is gone and after the cgroup is.
BOOST_AUTO_TEST_CASE(kill_during_start_and_delete_leaves_nothing_delete_cannot_clear,
                     *utf::timeout(600)) {
    const std::pair<const char*, const char*> points[] = {
        {"start", "start:fifo-unlinked"},
        {"delete", "delete:init-gone"},
        {"delete", "delete:cgroup-removed"},
    };
    for (const auto& [verb, point] : points) {
        Subreaper reaper;
        Bundle b;
        b.set_args({"/checker", "sleep", "60"});
        std::string id = b.new_id("fault");
        BOOST_TEST_REQUIRE(b.create(id).status == 0);
        std::vector<std::string> args{verb};
        if (std::string(verb) == "delete")
            args.push_back("--force");
        args.push_back(id);
        Result r = b.runtime(args, fault_at(point));
        BOOST_TEST(r.status == 128 + SIGKILL, point << ": ended " << r.status << " " << r.err);
        check_after_kill(b, id, point);
    }
}

// exec killed at each step: the exec'd process dies with ward unless it was
// already confined as the container's process; the container keeps
// running and a second exec works.
BOOST_AUTO_TEST_CASE(kill_during_exec_leaves_no_process_beyond_the_containers, *utf::timeout(600)) {
    for (const ExecPoint& point : kExecPoints) {
        Subreaper reaper;
        Bundle b;
        std::string id = running_container(b);
        std::string pid_file = b.dir + "/exec.pid";
        Result r = b.runtime({"exec", "-d", "--pid-file", pid_file, id, "/checker", "sleep", "60"},
                             fault_at(point.name));
        BOOST_TEST(r.status == 128 + SIGKILL,
                   point.name << ": exec ended " << r.status << " " << r.err);
        int survivors = 0;
        auto confined = [&](pid_t pid, long init) {
            ++survivors;
            if (point.survivor == ExecPoint::dies)
                BOOST_TEST(false, "exec'd process " << pid << " outlived ward");
            check_confined_as_init(pid, init);
            if (std::string(point.name) == "exec:pid-file-written")
                BOOST_TEST(slurp(pid_file) == std::to_string(pid));
        };
        auto still_works = [&] {
            BOOST_TEST(b.status(id) == "running");
            Result again = b.runtime({"exec", id, "/checker", "exit", "0"});
            BOOST_TEST(again.status == 0, "a second exec: " << again.status << " " << again.err);
        };
        check_after_kill(b, id, point.name, confined, still_works);
        if (point.survivor == ExecPoint::survives)
            BOOST_TEST(survivors == 1, point.name << ": " << survivors << " exec'd processes");
        BOOST_TEST_MESSAGE(point.name << ": " << survivors << " exec'd process(es) outlived ward");
    }
}

namespace {

// The file `name` of the container's cgroup, "" when unreadable.
std::string cgroup_file(const Bundle& b, const std::string& id, const std::string& name) {
    std::string cgroup =
        Json::parse(slurp(b.state_dir + "/" + id + "/state.json")).at("cgroup").str();
    for (const char* root : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"})
        if (fs::exists(std::string(root) + "/cgroup.controllers"))
            return slurp(std::string(root) + cgroup + "/" + name);
    return "";
}

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

// update writes limits this host can hold: the hugetlb controller of 2 MiB
// pages is the one this host's cgroup2 hierarchy has (test_limits.cpp);
// elsewhere the case is skipped with the reason.
boost::test_tools::assertion_result hugetlb_2mb_limits(utf::test_unit_id) {
    for (const char* root : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
        std::string controllers = slurp(std::string(root) + "/cgroup.controllers");
        if (!fs::exists(std::string(root) + "/cgroup.controllers"))
            continue;
        if (controllers.find("hugetlb") != std::string::npos &&
            fs::exists("/sys/kernel/mm/hugepages/hugepages-2048kB"))
            return true;
        boost::test_tools::assertion_result r(false);
        r.message() << root << " has no hugetlb controller or no 2 MiB pages, the limit the "
                    << "update faults change";
        return r;
    }
    return boost::test_tools::assertion_result(false);
}

} // namespace

// update killed before, between and after its cgroup writes and the saved
// config: the next update finishes the killed one (its journal), so what
// the state dir's config says is what the cgroup holds, the killed
// request included.
BOOST_AUTO_TEST_CASE(kill_during_update_leaves_config_and_cgroup_agreeing,
                     *utf::timeout(600) * utf::precondition(hugetlb_2mb_limits)) {
    const std::string before = "4194304", killed = "8388608";
    for (const char* point :
         {"update:pending-saved", "update:limits-applied", "update:config-saved"}) {
        Subreaper reaper;
        Bundle b;
        b.config["linux"]["resources"] =
            Json::parse(R"({"hugepageLimits":[{"pageSize":"2MB","limit":)" + before + "}]}");
        std::string id = running_container(b);
        std::string request = b.dir + "/killed.json", next = b.dir + "/next.json";
        std::ofstream(request) << R"({"hugepageLimits":[{"pageSize":"2MB","limit":)" << killed
                               << "}]}";
        std::ofstream(next) << R"({"unified":{"cgroup.max.descendants":"7"}})";
        Result r = b.runtime({"update", "--resources", request, id}, fault_at(point));
        BOOST_TEST(r.status == 128 + SIGKILL,
                   point << ": update ended " << r.status << " " << r.err);
        auto still_works = [&] {
            BOOST_TEST(b.status(id) == "running");
            Result u = b.runtime({"update", "--resources", next, id});
            BOOST_TEST(u.status == 0, "the next update: " << u.status << " " << u.err);
            Json saved = Json::parse(slurp(b.state_dir + "/" + id + "/config.json"));
            Json& res = saved["linux"]["resources"];
            std::string limit = res["hugepageLimits"].items().at(0).at("limit").dump();
            BOOST_TEST(limit == first_line(cgroup_file(b, id, "hugetlb.2MB.max")),
                       "config says " << limit << ", the cgroup "
                                      << cgroup_file(b, id, "hugetlb.2MB.max"));
            BOOST_TEST(limit == killed, "the killed update was not finished: " << limit);
            BOOST_TEST(res["unified"]["cgroup.max.descendants"].str() == "7");
            BOOST_TEST(first_line(cgroup_file(b, id, "cgroup.max.descendants")) == "7");
        };
        check_after_kill(b, id, point, {}, still_works);
    }
}

// pause and resume killed after the freezer write, kill after the SIGKILL
// to a paused container but before its thaw: the status is derived from
// the cgroup, so it is what the kernel finished, and the container works.
BOOST_AUTO_TEST_CASE(kill_during_pause_resume_and_kill_leaves_a_truthful_status,
                     *utf::timeout(600)) {
    struct Case {
        const char* point;
        std::vector<std::string> before; // verbs run first (with the id)
        std::vector<std::string> verb;   // the verb killed (the id appended)
        const char* status;              // what state says afterwards
    };
    const Case cases[] = {
        {"pause:freeze-written", {}, {"pause"}, "paused"},
        {"resume:thaw-written", {"pause"}, {"resume"}, "running"},
        {"kill:signalled", {"pause"}, {"kill", "KILL"}, "stopped"},
    };
    for (const Case& c : cases) {
        Subreaper reaper;
        Bundle b;
        std::string id = running_container(b);
        for (const auto& verb : c.before)
            BOOST_TEST_REQUIRE(b.runtime({verb, id}).status == 0);
        std::vector<std::string> args = c.verb;
        args.insert(args.begin() + 1, id);
        Result r = b.runtime(args, fault_at(c.point));
        BOOST_TEST(r.status == 128 + SIGKILL, c.point << ": ended " << r.status << " " << r.err);
        auto still_works = [&] {
            BOOST_TEST(b.wait_status(id, c.status), c.point << ": state says " << b.status(id));
            if (std::string(c.status) == "paused") {
                Result resume = b.runtime({"resume", id});
                BOOST_TEST(resume.status == 0, "resume: " << resume.err);
            }
            if (std::string(c.status) != "stopped") {
                Result again = b.runtime({"exec", id, "/checker", "exit", "0"});
                BOOST_TEST(again.status == 0, "exec: " << again.status << " " << again.err);
            }
        };
        check_after_kill(b, id, c.point, {}, still_works);
    }
}

BOOST_AUTO_TEST_SUITE_END()
