// NOTIFY_SOCKET passthrough as systemd (Type=notify) and conmon use it
// with runc and crun: with NOTIFY_SOCKET in the runtime's environment the
// container's process finds NOTIFY_SOCKET=/run/notify/notify.sock, `start`
// (or `run -d`) returns only once the container has sent READY=1, and the
// host socket then gets "READY=1" and "MAINPID=<the init's pid>". A
// container that exits without READY=1 does not leave `start` hanging.
// The host side here is a datagram socket of the test's own.
#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace ward_it;
namespace utf = boost::unit_test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

ward::UniqueFd bind_datagram(const std::string& path) {
    ward::UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    BOOST_REQUIRE(fd);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    BOOST_REQUIRE(path.size() < sizeof addr.sun_path);
    std::copy(path.begin(), path.end(), addr.sun_path);
    BOOST_REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    return fd;
}

struct Datagram {
    std::string text;
    Clock::time_point at;
};

// Every datagram until `until` returns true or nothing comes for `quiet`.
// Read without ancillary data, so an fd sent along (BARRIER=1) is closed
// by the kernel, which is the answer the barrier waits for.
std::vector<Datagram> receive_all(int fd, std::chrono::milliseconds quiet) {
    std::vector<Datagram> out;
    char buffer[4096];
    while (true) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(quiet.count())) != 1)
            return out;
        ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n < 0)
            return out;
        out.push_back({std::string(buffer, static_cast<size_t>(n)), Clock::now()});
    }
}

const Datagram* find_text(const std::vector<Datagram>& got, const std::string& text) {
    for (const auto& d : got)
        if (d.text == text)
            return &d;
    return nullptr;
}

std::string all_text(const std::vector<Datagram>& got) {
    std::string out;
    for (const auto& d : got)
        out += "[" + d.text + "]";
    return out;
}

struct NotifyBundle : Bundle {
    std::string host = dir + "/host-notify.sock";
    ward::UniqueFd host_fd = bind_datagram(host);
    RunOptions with_env() const {
        RunOptions o;
        o.env = {"NOTIFY_SOCKET=" + host};
        return o;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(notify_socket)

BOOST_AUTO_TEST_CASE(start_waits_for_ready_and_passes_it_on_with_mainpid) {
    NotifyBundle b;
    // The root is read-only (default_config): /run/notify is made anyway.
    b.set_args({"/bin/sh", "-c",
                "echo env=$NOTIFY_SOCKET; sleep 1; /checker notify READY=1; exec sleep 1000"});
    std::string id = b.new_id("notify");
    Result c = b.create(id, {}, b.with_env());
    BOOST_REQUIRE_MESSAGE(c.status == 0, "create: " << c.err);
    int create_run = b.last_invocation();
    auto started = Clock::now();
    Spawned start = b.spawn({"start", id}, b.with_env());
    std::vector<Datagram> got = receive_all(b.host_fd.get(), 5000ms);
    Result s = start.wait(40000ms);
    auto finished = Clock::now();
    BOOST_REQUIRE_MESSAGE(s.status == 0, "start: " << s.err);
    long init = static_cast<long>(b.state(id).at("pid").num());
    const Datagram* ready = find_text(got, "READY=1\n");
    BOOST_REQUIRE_MESSAGE(ready, "no READY=1 on the host socket: " << all_text(got));
    BOOST_TEST(find_text(got, "MAINPID=" + std::to_string(init) + "\n"), all_text(got));
    // READY came after the container's one-second sleep, and start did not
    // return before it.
    BOOST_TEST((ready->at - started) >= 900ms);
    BOOST_TEST((finished - started) >= 900ms);
    BOOST_TEST(has_line(b.output_of(create_run), "env=/run/notify/notify.sock"),
               b.output_of(create_run));
}

BOOST_AUTO_TEST_CASE(start_returns_when_the_container_exits_before_ready) {
    NotifyBundle b;
    b.set_args({"/bin/sh", "-c", "sleep 0.3; exit 3"});
    std::string id = b.new_id("notify");
    Result c = b.create(id, {}, b.with_env());
    BOOST_REQUIRE_MESSAGE(c.status == 0, "create: " << c.err);
    auto started = Clock::now();
    Result s = b.runtime({"start", id}, b.with_env());
    BOOST_TEST(s.status == 0, s.err);
    BOOST_TEST(!s.timed_out);
    BOOST_TEST((Clock::now() - started) < 10s);
    BOOST_TEST(receive_all(b.host_fd.get(), 200ms).empty());
}

BOOST_AUTO_TEST_CASE(run_detached_returns_once_ready) {
    NotifyBundle b;
    b.set_args({"/bin/sh", "-c", "sleep 1; /checker notify READY=1; exec sleep 1000"});
    std::string id = b.new_id("notify");
    b.write_config();
    auto started = Clock::now();
    Spawned run = b.spawn({"run", "-d", "--bundle", b.bundle_dir, id}, b.with_env());
    std::vector<Datagram> got = receive_all(b.host_fd.get(), 5000ms);
    Result r = run.wait(40000ms);
    BOOST_REQUIRE_MESSAGE(r.status == 0, "run: " << r.err);
    BOOST_TEST((Clock::now() - started) >= 900ms);
    long init = static_cast<long>(b.state(id).at("pid").num());
    BOOST_TEST(find_text(got, "READY=1\n"), all_text(got));
    BOOST_TEST(find_text(got, "MAINPID=" + std::to_string(init) + "\n"), all_text(got));
}

BOOST_AUTO_TEST_CASE(without_notify_socket_the_container_gets_none) {
    Bundle b;
    b.set_args({"/bin/sh", "-c", "echo env=${NOTIFY_SOCKET-unset}"});
    Result r = b.run(b.new_id("notify"));
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    BOOST_TEST(has_line(r.out, "env=unset"), r.out);
}

BOOST_AUTO_TEST_SUITE_END()
