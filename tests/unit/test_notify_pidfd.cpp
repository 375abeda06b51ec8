// The pieces of --pidfd-socket and the NOTIFY_SOCKET passthrough that need
// no container: the READY= line of a datagram, forward_ready's messages to
// the host socket (and its return when the process exits first), the pidfd
// message, and connect_unix with an abstract address.
#include "../../runtime/container/notify_socket.hpp"
#include "../../runtime/container/pidfd_socket.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd_passing.hpp"
#include "ward/linux/procfs.hpp"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace ward;
using namespace ward::container;

namespace {

// A child that sleeps until killed; killed and reaped at scope end.
struct Sleeper {
    pid_t pid = ::fork();
    Sleeper() {
        if (pid == 0) {
            ::pause();
            _exit(0);
        }
    }
    ~Sleeper() { stop(); }
    // What a state.json records of this process as a container's init.
    State state() const {
        State s;
        s.pid = pid;
        s.start_time = linux::process_start_time(pid);
        return s;
    }
    void stop() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            pid = -1;
        }
    }
};

struct HostSocket {
    std::string path = "/tmp/ward-unit-notify-" + std::to_string(::getpid()) + ".sock";
    UniqueFd fd{::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
    HostSocket() {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::copy(path.begin(), path.end(), addr.sun_path);
        ::unlink(path.c_str());
        BOOST_REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~HostSocket() { ::unlink(path.c_str()); }
    // The next datagram within a second, "" when none came. Read without
    // ancillary data: an fd sent along is closed by the kernel.
    std::string next() const {
        pollfd p{fd.get(), POLLIN, 0};
        if (::poll(&p, 1, 1000) != 1)
            return "";
        char buffer[512];
        ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
        return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
    }
};

std::pair<UniqueFd, UniqueFd> datagram_pair() {
    int ends[2];
    BOOST_REQUIRE(::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, ends) == 0);
    return {UniqueFd(ends[0]), UniqueFd(ends[1])};
}

} // namespace

BOOST_AUTO_TEST_SUITE(notify_socket_unit)

BOOST_AUTO_TEST_CASE(ready_line_is_found_among_assignments) {
    BOOST_TEST(notify_ready_line("READY=1").value_or("-") == "READY=1");
    BOOST_TEST(notify_ready_line("STATUS=up\nREADY=1\n").value_or("-") == "READY=1");
    BOOST_TEST(!notify_ready_line("STATUS=READY=1"));
    BOOST_TEST(!notify_ready_line("WATCHDOG=1\nSTATUS=starting"));
    BOOST_TEST(!notify_ready_line(""));
}

BOOST_AUTO_TEST_CASE(ready_is_passed_on_with_mainpid_and_a_barrier) {
    Sleeper child;
    HostSocket host;
    auto [container_end, sender] = datagram_pair();
    ::send(sender.get(), "STATUS=warming up", 17, 0);
    ::send(sender.get(), "STATUS=up\nREADY=1", 17, 0);
    std::thread forward(
        [&] { forward_ready(container_end.get(), host.path, child.state(), 4242); });
    std::string ready = host.next(), mainpid = host.next(), barrier = host.next();
    forward.join();
    BOOST_TEST(ready == "READY=1\n");
    BOOST_TEST(mainpid == "MAINPID=4242\n");
    BOOST_TEST(barrier == "BARRIER=1");
}

BOOST_AUTO_TEST_CASE(an_exit_before_ready_ends_the_wait_without_a_message) {
    Sleeper child;
    HostSocket host;
    auto [container_end, sender] = datagram_pair();
    ::send(sender.get(), "STATUS=still starting", 21, 0);
    State init = child.state();
    std::thread killer([&] {
        ::usleep(200 * 1000);
        ::kill(child.pid, SIGKILL); // a zombie until reaped: that is an exit
    });
    forward_ready(container_end.get(), host.path, init, 1);
    killer.join();
    BOOST_TEST(host.next() == "");
}

BOOST_AUTO_TEST_CASE(a_reused_pid_is_not_waited_for) {
    Sleeper child;
    HostSocket host;
    auto [container_end, sender] = datagram_pair();
    // Another start time: the recorded init is gone, whatever has its pid.
    State reused = child.state();
    reused.start_time += 1;
    forward_ready(container_end.get(), host.path, reused, 1);
    BOOST_TEST(host.next() == "");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(pidfd_socket_unit)

BOOST_AUTO_TEST_CASE(the_message_is_runcs_bytes_with_a_pidfd_of_the_process) {
    Sleeper child;
    int ends[2];
    BOOST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) == 0);
    UniqueFd ours(ends[0]), theirs(ends[1]);
    send_pidfd(ours.get(), child.pid, kPidfdExec, "/test.sock");
    char data[64];
    auto msg = receive_with_fds(theirs.get(), data, sizeof data, "test");
    BOOST_REQUIRE(msg);
    BOOST_TEST(std::string(data, msg->size) == "setns");
    BOOST_REQUIRE(msg->fds.size() == 1u);
    std::ifstream info("/proc/self/fdinfo/" + std::to_string(msg->fds[0].get()));
    std::string line, pid;
    while (std::getline(info, line))
        if (line.rfind("Pid:", 0) == 0)
            pid = line.substr(line.find_first_not_of(" \t", 4));
    BOOST_TEST(pid == std::to_string(child.pid));
}

BOOST_AUTO_TEST_CASE(an_unreachable_socket_names_the_flag_and_path) {
    std::string path = "/tmp/ward-unit-no-such-" + std::to_string(::getpid()) + ".sock";
    try {
        connect_pidfd_socket(path);
        BOOST_FAIL("connected to nothing");
    } catch (const Error& e) {
        std::string what = e.what();
        BOOST_TEST(what.find("--pidfd-socket") != std::string::npos, what);
        BOOST_TEST(what.find(path) != std::string::npos, what);
    }
}

BOOST_AUTO_TEST_CASE(connect_unix_reaches_an_abstract_socket) {
    std::string name = "@ward-unit-abstract-" + std::to_string(::getpid());
    UniqueFd listener(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::copy(name.begin() + 1, name.end(), addr.sun_path + 1);
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    BOOST_REQUIRE(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), length) == 0);
    UniqueFd out = connect_unix(name, "test", SOCK_DGRAM);
    BOOST_REQUIRE(::send(out.get(), "hi", 2, 0) == 2);
    char buffer[8];
    BOOST_TEST(::recv(listener.get(), buffer, sizeof buffer, MSG_DONTWAIT) == 2);
}

BOOST_AUTO_TEST_SUITE_END()
