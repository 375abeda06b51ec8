// State store and status derivation, with real processes (no root needed).
#include "ward/base/error.hpp"
#include "ward/container/state.hpp"
#include "ward/linux/procfs.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ward;
using namespace ward::container;

namespace {

struct TempRoot {
    std::string path;
    TempRoot() {
        char tmpl[] = "/tmp/ward-state-test.XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempRoot() { std::filesystem::remove_all(path); }
};

// A child that sleeps until killed.
struct Sleeper {
    pid_t pid;
    Sleeper() {
        pid = ::fork();
        if (pid == 0) {
            ::pause();
            _exit(0);
        }
    }
    void stop() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            pid = -1;
        }
    }
    ~Sleeper() { stop(); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(state)

BOOST_AUTO_TEST_CASE(ids_are_checked_like_runc) {
    check_id("abc-1.2_3+x");
    BOOST_CHECK_THROW(check_id(""), Error);
    BOOST_CHECK_THROW(check_id(".."), Error);
    BOOST_CHECK_THROW(check_id("a/b"), Error);
    BOOST_CHECK_THROW(check_id("a b"), Error);
}

BOOST_AUTO_TEST_CASE(create_is_exclusive_and_missing_is_reported) {
    TempRoot root;
    StateDir first(root.path, "c1");
    first.create_locked();
    StateDir second(root.path, "c1");
    try {
        second.create_locked();
        BOOST_FAIL("second create of the same id succeeded");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("already exists") != std::string::npos);
    }
    StateDir missing(root.path, "nope");
    try {
        missing.open_locked();
        BOOST_FAIL("open of a missing container succeeded");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) == "container does not exist");
    }
}

// What create mounted for a writable root is kept, so delete removes it.
BOOST_AUTO_TEST_CASE(a_writable_roots_overlay_is_saved_and_loaded) {
    TempRoot root;
    StateDir dir(root.path, "rw");
    dir.create_locked();
    State s;
    s.id = "rw";
    dir.save(s);
    BOOST_TEST(!dir.load().rootfs_overlay.has_value());
    s.rootfs_overlay =
        RootfsOverlay{"/store/rootfs", dir.path() + "/rootfs-upper", dir.path() + "/rootfs-work"};
    dir.save(s);
    auto back = dir.load().rootfs_overlay;
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST(back->lower == "/store/rootfs");
    BOOST_TEST(back->upper == dir.path() + "/rootfs-upper");
    BOOST_TEST(back->work == dir.path() + "/rootfs-work");
}

// The text itself, with no state dir: what StateDir writes reads back the
// same; an older ward's state (no hook keys) counts as having hooks; a
// value of another type keeps the default; text that is not JSON names
// where it came from.
BOOST_AUTO_TEST_CASE(state_json_round_trips_without_a_state_dir) {
    State s;
    s.id = "c";
    s.pid = 42;
    s.start_time = 1ull << 40;
    s.owner_uid = 1000;
    s.poststart_hooks = false;
    s.seccomp_profile = "default-deny";
    s.annotations["k"] = "v";
    std::string text = serialize_state(s);
    BOOST_TEST(serialize_state(parse_state(text, "t")) == text);
    State old = parse_state(R"({"id": "o", "pid": "7", "annotations": {"a": 1, "b": "x"}})", "t");
    BOOST_TEST(old.pid == 0);
    BOOST_TEST(old.poststart_hooks);
    BOOST_TEST(old.poststop_hooks);
    BOOST_TEST(old.annotations.size() == 1u);
    try {
        parse_state("{", "state of c (/run/ward/c/state.json)");
        BOOST_FAIL("parsed");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).starts_with("state of c (/run/ward/c/state.json): "),
                   e.what());
    }
}

BOOST_AUTO_TEST_CASE(status_follows_the_init_and_the_fifo) {
    TempRoot root;
    Sleeper init;
    StateDir dir(root.path, "c2");
    dir.create_locked();
    State s;
    s.id = "c2";
    s.bundle = "/b";
    s.annotations["k"] = "v";
    BOOST_TEST(std::string(status_name(current_status(dir, s))) == "creating");

    s.pid = init.pid;
    s.start_time = linux::process_start_time(init.pid);
    BOOST_TEST(s.start_time > 0u);
    dir.save(s);
    State loaded = dir.load();
    BOOST_TEST(loaded.pid == s.pid);
    BOOST_TEST(loaded.start_time == s.start_time);
    BOOST_TEST(loaded.annotations.at("k") == "v");

    BOOST_TEST(::mkfifo(dir.fifo_path().c_str(), 0600) == 0);
    BOOST_TEST(std::string(status_name(current_status(dir, loaded))) == "created");
    ::unlink(dir.fifo_path().c_str());
    BOOST_TEST(std::string(status_name(current_status(dir, loaded))) == "running");

    // A different start time means the pid now belongs to someone else.
    State reused = loaded;
    reused.start_time += 1;
    BOOST_TEST(std::string(status_name(current_status(dir, reused))) == "stopped");

    init.stop();
    BOOST_TEST(std::string(status_name(current_status(dir, loaded))) == "stopped");
}

BOOST_AUTO_TEST_CASE(a_zombie_init_is_stopped) {
    TempRoot root;
    pid_t pid = ::fork();
    if (pid == 0)
        _exit(3);
    // Not reaped yet: a zombie.
    for (int i = 0; i < 1000 && linux::process_state(pid) != 'Z'; ++i)
        ::usleep(1000);
    StateDir dir(root.path, "c3");
    dir.create_locked();
    State s;
    s.id = "c3";
    s.pid = pid;
    s.start_time = linux::process_start_time(pid);
    BOOST_TEST(std::string(status_name(current_status(dir, s))) == "stopped");
    ::waitpid(pid, nullptr, 0);
}

BOOST_AUTO_TEST_CASE(oci_state_has_the_fields_clients_read) {
    State s;
    s.id = "x";
    s.pid = 42;
    s.bundle = "/b";
    s.rootfs = "/b/rootfs";
    s.created = "2026-01-01T00:00:00.000000000Z";
    s.owner_uid = 0;
    auto doc = oci_state(s, Status::running, true);
    BOOST_TEST(doc.find("ociVersion")->as_string() == "1.3.0");
    BOOST_TEST(doc.find("status")->as_string() == "running");
    BOOST_TEST(doc.find("pid")->as_int64().value() == 42);
    BOOST_TEST(doc.find("rootfs")->as_string() == "/b/rootfs");
    BOOST_TEST(doc.find("owner")->as_string() == "root");
    auto stopped = oci_state(s, Status::stopped, false);
    BOOST_TEST(stopped.find("pid")->as_int64().value() == 0);
    BOOST_TEST(stopped.find("rootfs") == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
