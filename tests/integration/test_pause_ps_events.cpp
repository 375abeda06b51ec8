// pause/resume, ps and events as a user at a shell sees them: a counter in
// the container stops while it is paused and goes on after resume; paused
// containers can still be killed and force-deleted; ps lists exactly the
// container's processes; events prints runc's JSON lines.
//
// The error phrases are runc's, so these tests also pass against runc
// (WARD=/usr/sbin/runc); what only ward promises is marked below. On this
// host the cgroup2 hierarchy has no memory/pids/io controllers, so the stats
// figures that must be there are the cpu times and the process count.
#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <set>
#include <sys/stat.h>
#include <thread>

using namespace ward_it;
namespace utf = boost::unit_test;
using std::chrono::milliseconds;

namespace {

// A bundle whose /out is a writable bind of a host dir the test reads.
struct OutBundle : Bundle {
    std::string out;

    OutBundle() {
        out = dir + "/out";
        std::filesystem::create_directories(out);
        ::chmod(out.c_str(), 0777);
        std::filesystem::create_directories(rootfs + "/out");
        Json m = Json::object();
        m["destination"] = "/out";
        m["type"] = "bind";
        m["source"] = out;
        m["options"] = Json::strings({"rbind", "rw"});
        config["mounts"].push(m);
    }

    // The counter the container writes, or -1 while there is none.
    long count() const {
        std::string text = slurp(out + "/count");
        try {
            return text.empty() ? -1 : std::stol(text);
        } catch (const std::exception&) {
            return -1; // caught between truncate and write
        }
    }

    bool wait_count_above(long value, milliseconds timeout = milliseconds(10000)) const {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (count() > value)
                return true;
            std::this_thread::sleep_for(milliseconds(20));
        }
        return false;
    }
};

// A shell loop writing an increasing number to /out/count every 20 ms.
const std::vector<std::string> kCounter = {
    "/bin/sh", "-c", "i=0; while :; do i=$((i+1)); echo $i >/out/count; usleep 20000; done"};

// Creates and starts `id`; fails the test when either step fails.
void create_and_start(Bundle& b, const std::string& id) {
    Result c = b.create(id);
    BOOST_REQUIRE_MESSAGE(c.status == 0, "create: " << c.err);
    Result s = b.runtime({"start", id});
    BOOST_REQUIRE_MESSAGE(s.status == 0, "start: " << s.err);
    BOOST_REQUIRE(b.wait_status(id, "running"));
}

std::string cmdline(long pid) {
    std::string text = slurp("/proc/" + std::to_string(pid) + "/cmdline");
    for (char& c : text)
        if (c == '\0')
            c = ' ';
    while (!text.empty() && text.back() == ' ')
        text.pop_back();
    return text;
}

std::vector<long> json_pids(const std::string& out) {
    std::vector<long> pids;
    Json doc = Json::parse(out);
    if (doc.is_null()) // runc prints null for no processes
        return pids;
    for (const Json& p : doc.items())
        pids.push_back(p.num());
    return pids;
}

// `ps --format json` until it lists `n` processes (the init's child may
// not have been forked yet right after start).
std::vector<long> wait_pids(Bundle& b, const std::string& id, size_t n) {
    std::vector<long> pids;
    for (int i = 0; i < 500; ++i) {
        Result r = b.runtime({"ps", "--format", "json", id});
        BOOST_REQUIRE_MESSAGE(r.status == 0, "ps --format json: " << r.err);
        pids = json_pids(r.out);
        if (pids.size() >= n)
            break;
        std::this_thread::sleep_for(milliseconds(20));
    }
    return pids;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::vector<std::string> fields_of(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    for (char c : line + " ") {
        if (c == ' ' || c == '\t') {
            if (!field.empty())
                fields.push_back(field);
            field.clear();
        } else {
            field += c;
        }
    }
    return fields;
}

} // namespace

BOOST_AUTO_TEST_SUITE(pause_ps_events)

BOOST_AUTO_TEST_CASE(a_paused_counter_stops_and_resumes, *utf::label("asan")) {
    OutBundle b;
    b.set_args(kCounter);
    std::string id = b.new_id("counter");
    create_and_start(b, id);
    BOOST_REQUIRE_MESSAGE(b.wait_count_above(3), "the counter never ran");

    Result p = b.runtime({"pause", id});
    BOOST_REQUIRE_MESSAGE(p.status == 0, "pause: " << p.err);
    BOOST_TEST(p.out.empty());
    BOOST_TEST(b.status(id) == "paused");
    long frozen_at = b.count();
    std::this_thread::sleep_for(milliseconds(500)); // 25 ticks if it were running
    BOOST_TEST(b.count() == frozen_at,
               "counter moved while paused: " << frozen_at << " → " << b.count());
    BOOST_TEST(b.status(id) == "paused");

    Result r = b.runtime({"resume", id});
    BOOST_REQUIRE_MESSAGE(r.status == 0, "resume: " << r.err);
    BOOST_TEST(b.status(id) == "running");
    BOOST_TEST(b.wait_count_above(frozen_at + 3, milliseconds(5000)),
               "counter did not go on after resume: " << b.count());
}

// runc's phrases for the verbs asked in the wrong state.
BOOST_AUTO_TEST_CASE(pause_and_resume_refuse_the_wrong_states) {
    Bundle b;
    b.set_args({"/bin/sleep", "600"});
    std::string id = b.new_id("states");
    create_and_start(b, id);

    Result r = b.runtime({"resume", id});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err.find("container not paused") != std::string::npos, r.err);

    BOOST_REQUIRE(b.runtime({"pause", id}).status == 0);
    Result again = b.runtime({"pause", id});
    BOOST_TEST(again.status == 1);
    BOOST_TEST(again.err.find("container not running") != std::string::npos, again.err);
    Result del = b.runtime({"delete", id});
    BOOST_TEST(del.status == 1);
    BOOST_TEST(del.err.find("cannot delete container " + id + " that is not stopped: paused") !=
                   std::string::npos,
               del.err);
    BOOST_TEST(b.status(id) == "paused", "a refused delete must leave it paused");
    BOOST_REQUIRE(b.runtime({"resume", id}).status == 0);

    BOOST_REQUIRE(b.runtime({"kill", id, "KILL"}).status == 0);
    BOOST_REQUIRE(b.wait_status(id, "stopped"));
    Result stopped = b.runtime({"pause", id});
    BOOST_TEST(stopped.status == 1);
    BOOST_TEST(stopped.err.find("container not running") != std::string::npos, stopped.err);
    Result resumed = b.runtime({"resume", id});
    BOOST_TEST(resumed.status == 1);
    BOOST_TEST(resumed.err.find("container not paused") != std::string::npos, resumed.err);

    Result missing = b.runtime({"pause", "ward-it-no-such-container"});
    BOOST_TEST(missing.status == 1);
    BOOST_TEST(missing.err.find("container does not exist") != std::string::npos, missing.err);
}

// A created container can be paused (runc allows it); it cannot start
// while paused and is back to created after resume.
BOOST_AUTO_TEST_CASE(a_paused_created_container_resumes_into_created) {
    Bundle b;
    b.set_args({"/bin/true"});
    std::string id = b.new_id("pcreated");
    BOOST_REQUIRE(b.create(id).status == 0);
    BOOST_REQUIRE(b.runtime({"pause", id}).status == 0);
    BOOST_TEST(b.status(id) == "paused");
    Result s = b.runtime({"start", id});
    BOOST_TEST(s.status == 1);
    BOOST_TEST(s.err.find("cannot start a container in the paused state") != std::string::npos,
               s.err);
    BOOST_REQUIRE(b.runtime({"resume", id}).status == 0);
    BOOST_TEST(b.status(id) == "created");
}

// SIGKILL ends frozen processes: kill works on a paused container and the
// container is then stopped and can be deleted normally.
BOOST_AUTO_TEST_CASE(kill_of_a_paused_container_stops_it) {
    OutBundle b;
    b.set_args(kCounter);
    std::string id = b.new_id("killpaused");
    create_and_start(b, id);
    long pid = b.state(id).at("pid").num();
    BOOST_REQUIRE(b.runtime({"pause", id}).status == 0);
    Result k = b.runtime({"kill", id, "KILL"});
    BOOST_TEST(k.status == 0, "kill: " << k.err);
    BOOST_TEST(b.wait_status(id, "stopped"), "status: " << b.status(id));
    BOOST_TEST(wait_pid_gone(pid));
    Result d = b.runtime({"delete", id});
    BOOST_TEST(d.status == 0, "delete: " << d.err);
    BOOST_TEST(b.runtime({"state", id}).status == 1);
}

BOOST_AUTO_TEST_CASE(delete_force_of_a_paused_container_removes_everything) {
    OutBundle b;
    b.set_args({"/bin/sh", "-c", "sleep 600 & sleep 601"});
    std::string id = b.new_id("delpaused");
    create_and_start(b, id);
    std::vector<long> pids = wait_pids(b, id, 2);
    BOOST_REQUIRE_EQUAL(pids.size(), 2u);
    BOOST_REQUIRE(b.runtime({"pause", id}).status == 0);
    Result d = b.runtime({"delete", "--force", id});
    BOOST_TEST(d.status == 0, "delete --force: " << d.err);
    Result gone = b.runtime({"state", id});
    BOOST_TEST(gone.status == 1);
    BOOST_TEST(gone.err.find("container does not exist") != std::string::npos, gone.err);
    for (long pid : pids)
        BOOST_TEST(wait_pid_gone(pid), "pid " << pid << " survived delete --force");
    if (runtime_is_ward())
        for (const auto& dir : cgroup_dirs_for(id))
            BOOST_TEST(!std::filesystem::exists(dir), dir << " is left");
}

BOOST_AUTO_TEST_CASE(ps_json_lists_the_init_and_its_child, *utf::label("asan")) {
    Bundle b;
    b.set_args({"/bin/sh", "-c", "sleep 600 & wait"});
    std::string id = b.new_id("psjson");
    create_and_start(b, id);
    long init = b.state(id).at("pid").num();
    std::vector<long> pids = wait_pids(b, id, 2);
    BOOST_REQUIRE_EQUAL(pids.size(), 2u);
    BOOST_TEST((std::set<long>(pids.begin(), pids.end()).count(init) == 1), "init " << init);
    long child = pids[0] == init ? pids[1] : pids[0];
    BOOST_TEST(cmdline(child) == "sleep 600");
    BOOST_TEST(cmdline(init) == "/bin/sh -c sleep 600 & wait");

    // Paused, the processes are still listed.
    BOOST_REQUIRE(b.runtime({"pause", id}).status == 0);
    Result paused = b.runtime({"ps", "-f", "json", id});
    BOOST_TEST(paused.status == 0, paused.err);
    BOOST_TEST(json_pids(paused.out).size() == 2u, paused.out);
    BOOST_REQUIRE(b.runtime({"resume", id}).status == 0);

    Result bad = b.runtime({"ps", "--format", "yaml", id});
    BOOST_TEST(bad.status == 1);
    BOOST_TEST(bad.err.find("invalid format option") != std::string::npos, bad.err);
}

// The table is ps(1)'s: its header, then only the container's rows.
BOOST_AUTO_TEST_CASE(ps_table_shows_the_header_and_only_the_container) {
    Bundle b;
    b.set_args({"/bin/sh", "-c", "sleep 600 & wait"});
    std::string id = b.new_id("pstable");
    create_and_start(b, id);
    std::vector<long> pids = wait_pids(b, id, 2);
    BOOST_REQUIRE_EQUAL(pids.size(), 2u);

    Result r = b.runtime({"ps", id});
    BOOST_REQUIRE_MESSAGE(r.status == 0, "ps: " << r.err);
    auto lines = lines_of(r.out);
    BOOST_REQUIRE_EQUAL(lines.size(), 3u);
    auto header = fields_of(lines[0]);
    BOOST_TEST((header.size() >= 2 && header[0] == "UID" && header[1] == "PID"), lines[0]);
    BOOST_TEST(lines[0].find("CMD") != std::string::npos, lines[0]);
    std::set<long> listed;
    for (size_t i = 1; i < lines.size(); ++i)
        listed.insert(std::stol(fields_of(lines[i]).at(1)));
    BOOST_TEST((listed == std::set<long>(pids.begin(), pids.end())), r.out);
    BOOST_TEST(r.out.find("sleep 600") != std::string::npos, r.out);

    // Arguments after the id go to ps, dashes and all.
    Result custom = b.runtime({"ps", id, "-o", "pid,comm"});
    BOOST_REQUIRE_MESSAGE(custom.status == 0, "ps -o: " << custom.err);
    auto custom_lines = lines_of(custom.out);
    BOOST_REQUIRE_EQUAL(custom_lines.size(), 3u);
    BOOST_TEST((fields_of(custom_lines[0]) == std::vector<std::string>{"PID", "COMMAND"}),
               custom_lines[0]);
    std::set<std::string> comms;
    for (size_t i = 1; i < custom_lines.size(); ++i)
        comms.insert(fields_of(custom_lines[i]).at(1));
    BOOST_TEST((comms == std::set<std::string>{"sh", "sleep"}), custom.out);
}

BOOST_AUTO_TEST_CASE(events_stats_prints_one_runc_stats_line, *utf::label("asan")) {
    Bundle b;
    b.set_args({"/bin/sh", "-c", "sleep 600 & wait"});
    std::string id = b.new_id("stats");
    create_and_start(b, id);
    BOOST_REQUIRE_EQUAL(wait_pids(b, id, 2).size(), 2u);

    Result r = b.runtime({"events", "--stats", id});
    BOOST_REQUIRE_MESSAGE(r.status == 0, "events --stats: " << r.err);
    auto lines = lines_of(r.out);
    BOOST_REQUIRE_EQUAL(lines.size(), 1u);
    BOOST_TEST(r.out.back() == '\n');
    Json ev = Json::parse(lines[0]);
    BOOST_TEST(ev.at("type").str() == "stats");
    BOOST_TEST(ev.at("id").str() == id);
    const Json& data = ev.at("data");
    // Present on every cgroup2 dir: cpu.stat, and the process count.
    const Json& usage = data.at("cpu").at("usage");
    BOOST_TEST(usage.at("total").num() > 0, data.dump());
    BOOST_TEST(usage.at("user").num() + usage.at("kernel").num() > 0, data.dump());
    BOOST_TEST((data.at("cpu").at("throttling").kind() == Json::Kind::object));
    BOOST_TEST(data.at("pids").at("current").num() == 2, data.dump());
    // The rest of runc's shape, whatever the host's controllers.
    for (const char* key : {"memory", "blkio", "hugetlb", "cpuset"})
        BOOST_TEST((data.at(key).kind() == Json::Kind::object), key);
    for (const char* key : {"usage", "swap", "kernel", "kernelTCP"})
        BOOST_TEST((data.at("memory").at(key).kind() == Json::Kind::object), key);
    BOOST_TEST(data.at("memory").at("usage").find("limit") != nullptr);

    // A paused container still reports.
    BOOST_REQUIRE(b.runtime({"pause", id}).status == 0);
    Result paused = b.runtime({"events", "--stats", id});
    BOOST_TEST(paused.status == 0, paused.err);
    BOOST_TEST(Json::parse(paused.out).at("type").str() == "stats");
    BOOST_REQUIRE(b.runtime({"resume", id}).status == 0);
}

// Without --stats, events streams a stats line every interval and ends
// with status 0 once the container stops (cgroup.events "populated 0"), as
// runc does on cgroup v2. ward only: runc on this hybrid host watches the
// cgroup v1 memory controller and ends only when the container is deleted.
BOOST_AUTO_TEST_CASE(events_streams_until_the_container_stops,
                     *utf::label("ward_only") * utf::precondition(ward_only)) {
    Bundle b;
    b.set_args({"/bin/sleep", "600"});
    std::string id = b.new_id("stream");
    create_and_start(b, id);
    Spawned events = b.spawn({"events", "--interval", "100ms", id});
    int invocation = b.last_invocation();
    auto deadline = std::chrono::steady_clock::now() + milliseconds(10000);
    while (lines_of(b.output_of(invocation)).size() < 3 &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(milliseconds(20));
    BOOST_REQUIRE(b.runtime({"kill", id, "KILL"}).status == 0);
    Result r = events.wait(milliseconds(10000));
    BOOST_TEST(!r.timed_out, "events did not end when the container stopped");
    BOOST_TEST(r.status == 0, "events: " << r.err);
    auto lines = lines_of(r.out);
    BOOST_TEST(lines.size() >= 3u, r.out);
    for (const auto& line : lines) {
        Json ev = Json::parse(line);
        BOOST_TEST(ev.at("type").str() == "stats", line);
        BOOST_TEST(ev.at("id").str() == id);
    }
}

BOOST_AUTO_TEST_CASE(events_refuses_a_stopped_container_and_a_bad_interval) {
    Bundle b;
    b.set_args({"/bin/true"});
    std::string id = b.new_id("evstop");
    BOOST_REQUIRE(b.create(id).status == 0);
    BOOST_REQUIRE(b.runtime({"start", id}).status == 0);
    BOOST_REQUIRE(b.wait_status(id, "stopped"));
    Result r = b.runtime({"events", id});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err.find("container with id " + id + " is not running") != std::string::npos,
               r.err);
    BOOST_TEST(r.out.empty());

    Result zero = b.runtime({"events", "--interval", "0s", id});
    BOOST_TEST(zero.status == 1);
    BOOST_TEST(zero.err.find("duration interval must be greater than 0") != std::string::npos,
               zero.err);
    Result junk = b.runtime({"events", "--interval", "5 seconds", id});
    BOOST_TEST(junk.status == 1);
    BOOST_TEST(junk.err.find("for flag -interval: parse error") != std::string::npos, junk.err);
}

BOOST_AUTO_TEST_SUITE_END()
