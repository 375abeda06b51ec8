// kill -9 of ward at each step of create, start and delete (issue 14): the
// fault points of base/fault.hpp, enabled by WARD_FAULT. Afterwards no
// process of the container survives outside what `state` reports (the test
// is the subreaper, so an orphaned init would become its child), `list`
// is truthful, `delete --force` finishes in bounded time, and no mount,
// cgroup or state dir is left.
#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <signal.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace ward_it;
namespace utf = boost::unit_test;
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

// After ward was killed at a point: no orphan outside the state, list
// agrees with the state, delete --force cleans everything in bounded time.
void check_after_kill(Bundle& b, const std::string& id, const std::string& point) {
    BOOST_TEST_CONTEXT("killed at " << point) {
        // PR_SET_PDEATHSIG is delivered as ward dies; give a dying init a
        // moment to go.
        std::this_thread::sleep_for(milliseconds(300));
        Result state = b.runtime({"state", id});
        long recorded = 0;
        if (state.status == 0)
            recorded = static_cast<long>(Json::parse(state.out).at("pid").num());
        for (pid_t pid : children())
            BOOST_TEST(pid == recorded, "process " << pid << " survived ward, state says pid "
                                                   << recorded << ": " << state.out);
        std::string status = listed_status(b, id);
        if (state.status == 0)
            BOOST_TEST(status == Json::parse(state.out).at("status").str());
        else
            BOOST_TEST(status.empty(), "list shows " << status << " for a container state denies");

        RunOptions bounded;
        bounded.timeout = milliseconds(20000);
        Result del = b.runtime({"delete", "--force", id}, bounded);
        BOOST_TEST(!del.timed_out);
        BOOST_TEST(
            (del.status == 0 || del.err.find("container does not exist") != std::string::npos),
            "delete --force: " << del.status << " " << del.err);
        BOOST_TEST(listed_status(b, id).empty());
        auto left = leftovers(b, id);
        BOOST_TEST(left.empty(), "left after delete --force:\n" << listed(left));
    }
}

const char* const kCreatePoints[] = {
    "create:state-dir", "create:state-saved", "create:cgroup-made", "create:init-cloned",
    "create:pid-saved", "create:go-sent",     "create:ready",
};

} // namespace

BOOST_AUTO_TEST_SUITE(faults)

BOOST_AUTO_TEST_CASE(kill_during_create_leaves_nothing_delete_cannot_clear, *utf::timeout(600)) {
    for (const char* point : kCreatePoints) {
        Subreaper reaper;
        Bundle b;
        b.set_args({"/checker", "exit", "0"});
        std::string id = b.new_id("fault");
        RunOptions faulty;
        faulty.env = {std::string("WARD_FAULT=") + point};
        Result r = b.create(id, {}, faulty);
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
        RunOptions faulty;
        faulty.env = {std::string("WARD_FAULT=") + point};
        std::vector<std::string> args{verb};
        if (std::string(verb) == "delete")
            args.push_back("--force");
        args.push_back(id);
        Result r = b.runtime(args, faulty);
        BOOST_TEST(r.status == 128 + SIGKILL, point << ": ended " << r.status << " " << r.err);
        check_after_kill(b, id, point);
    }
}

BOOST_AUTO_TEST_SUITE_END()
