// Verbs racing each other on one container (issue 14): whatever order the
// kernel picks, nothing hangs, nothing leaks, and every verb ends with a
// status a client can act on.
#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward_it;
namespace utf = boost::unit_test;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kBound{30000};

bool said(const Result& r, std::initializer_list<const char*> phrases) {
    for (const char* p : phrases)
        if (r.err.find(p) != std::string::npos)
            return true;
    return false;
}

void check_clean(Bundle& b, const std::string& id) {
    Result d = b.runtime({"delete", "--force", id});
    BOOST_TEST((d.status == 0 || said(d, {"container does not exist"})), d.err);
    auto left = leftovers(b, id);
    BOOST_TEST(left.empty(), "left:\n" << listed(left));
}

} // namespace

BOOST_AUTO_TEST_SUITE(races, *utf::label("ward_only") * utf::precondition(ward_only))

// Eight creates of one id at once: one wins, seven say the id exists.
BOOST_AUTO_TEST_CASE(eight_creates_of_one_id_have_one_winner, *utf::label("asan")) {
    Bundle b;
    b.set_args({"/checker", "sleep", "60"});
    b.write_config();
    std::string id = b.new_id("eight");
    std::vector<Spawned> creates;
    for (int i = 0; i < 8; ++i)
        creates.push_back(b.spawn({"create", "--bundle", b.bundle_dir, id}));
    int winners = 0;
    for (auto& c : creates) {
        Result r = c.wait(kBound);
        BOOST_TEST(!r.timed_out);
        if (r.status == 0)
            ++winners;
        else
            BOOST_TEST((r.status == 1 && said(r, {"already exists"})), r.status << " " << r.err);
    }
    BOOST_TEST(winners == 1);
    BOOST_TEST(b.status(id) == "created");
    check_clean(b, id);
}

// delete --force while start runs: both end, the container is gone.
BOOST_AUTO_TEST_CASE(delete_racing_start_ends_clean, *utf::label("asan")) {
    for (int round = 0; round < 5; ++round) {
        Bundle b;
        b.set_args({"/checker", "sleep", "60"});
        std::string id = b.new_id("delstart");
        BOOST_TEST_REQUIRE(b.create(id).status == 0);
        Spawned start = b.spawn({"start", id});
        Spawned del = b.spawn({"delete", "--force", id});
        Result rs = start.wait(kBound), rd = del.wait(kBound);
        BOOST_TEST_CONTEXT("round " << round << ": start " << rs.status << " " << rs.err
                                    << "; delete " << rd.status << " " << rd.err) {
            BOOST_TEST(!rs.timed_out);
            BOOST_TEST(!rd.timed_out);
            BOOST_TEST((rs.status == 0 ||
                        said(rs, {"container does not exist", "not running", "cannot start"})));
            BOOST_TEST(rd.status == 0);
            BOOST_TEST(b.status(id).empty());
            check_clean(b, id);
        }
    }
}

// kill while the process exits by itself: kill succeeds or says the
// container is not running; the container ends stopped either way.
BOOST_AUTO_TEST_CASE(kill_racing_exit_says_what_happened, *utf::label("asan")) {
    for (int round = 0; round < 5; ++round) {
        Bundle b;
        b.set_args({"/checker", "exit", "0"});
        std::string id = b.new_id("killexit");
        BOOST_TEST_REQUIRE(b.create(id).status == 0);
        Spawned start = b.spawn({"start", id});
        Spawned kill = b.spawn({"kill", id, "KILL"});
        Result rs = start.wait(kBound), rk = kill.wait(kBound);
        BOOST_TEST_CONTEXT("round " << round << ": start " << rs.status << " " << rs.err
                                    << "; kill " << rk.status << " " << rk.err) {
            BOOST_TEST(!rk.timed_out);
            BOOST_TEST((rk.status == 0 || said(rk, {"not running", "process already finished"})));
            BOOST_TEST(b.wait_status(id, "stopped"));
            check_clean(b, id);
        }
    }
}

// exec while delete --force kills the container: both end in bounded
// time, exec with a status of its own, nothing is left.
BOOST_AUTO_TEST_CASE(exec_racing_delete_ends_clean, *utf::label("asan")) {
    for (int round = 0; round < 5; ++round) {
        Bundle b;
        b.set_args({"/checker", "sleep", "60"});
        std::string id = b.new_id("execdel");
        BOOST_TEST_REQUIRE(b.create(id).status == 0);
        BOOST_TEST_REQUIRE(b.runtime({"start", id}).status == 0);
        Spawned exec = b.spawn({"exec", id, "/checker", "sleep", "5"});
        Spawned del = b.spawn({"delete", "--force", id});
        Result re = exec.wait(kBound), rd = del.wait(kBound);
        BOOST_TEST_CONTEXT("round " << round << ": exec " << re.status << " " << re.err
                                    << "; delete " << rd.status << " " << rd.err) {
            BOOST_TEST(!re.timed_out);
            BOOST_TEST(!rd.timed_out);
            BOOST_TEST(re.status != 0); // killed, or refused: never a clean 0 after 5 s of sleep
            BOOST_TEST(rd.status == 0);
            check_clean(b, id);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
