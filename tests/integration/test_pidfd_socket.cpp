// --pidfd-socket on create, run and exec (runc 1.2's flag): the listener
// gets one message whose SCM_RIGHTS fd is a pidfd of the container's init
// (bytes "standard") or of the exec'd process (bytes "setns"). The tests
// take the fd as a client would and ask the kernel whose it is: the Pid:
// line of its /proc/self/fdinfo, and pidfd_send_signal. runc 1.1 (Debian's)
// lacks the flag, so these are ward_only.
#include "integration/harness.hpp"
#include "ward/base/fd_passing.hpp"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace ward_it;
namespace utf = boost::unit_test;

namespace {

struct Received {
    std::string bytes;
    ward::UniqueFd fd;
};

// What one connection to `listener` brought: the runtime has exited by
// now, and its message waits in the accepted socket.
Received accept_one(int listener) {
    Received out;
    pollfd p{listener, POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1)
        return out;
    ward::UniqueFd conn(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn)
        return out;
    char data[256];
    auto msg = ward::receive_with_fds(conn.get(), data, sizeof data, "pidfd socket", true);
    if (!msg)
        return out;
    out.bytes.assign(data, msg->size);
    if (!msg->fds.empty())
        out.fd = std::move(msg->fds[0]);
    return out;
}

// The pid a pidfd refers to, in our pid namespace (fdinfo's "Pid:"), or -1.
long pid_of_pidfd(int fd) {
    // "Pid:\t1234" (a tab, not the checker's ": ").
    std::string info = slurp("/proc/self/fdinfo/" + std::to_string(fd));
    size_t at = info.find("\nPid:");
    if (at == std::string::npos)
        return -1;
    return std::stol(info.substr(at + 5));
}

bool signal_zero_works(int fd) {
    return ::syscall(SYS_pidfd_send_signal, fd, 0, nullptr, 0) == 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(pidfd_socket)

BOOST_AUTO_TEST_CASE(run_detached_sends_a_pidfd_of_the_init, *utf::precondition(ward_only)) {
    Bundle b;
    b.set_args({"/bin/sleep", "1000"});
    std::string sock = b.dir + "/pidfd.sock";
    ward::UniqueFd listener = listen_unix(sock);
    std::string id = b.new_id("pidfd");
    b.write_config();
    Result r = b.runtime({"run", "-d", "--pidfd-socket", sock, "--bundle", b.bundle_dir, id});
    BOOST_REQUIRE_MESSAGE(r.status == 0, "run: " << r.err);
    Received got = accept_one(listener.get());
    BOOST_REQUIRE_MESSAGE(got.fd, "no fd received on " << sock);
    BOOST_TEST(got.bytes == "standard");
    long init = static_cast<long>(b.state(id).at("pid").num());
    BOOST_TEST(pid_of_pidfd(got.fd.get()) == init);
    BOOST_TEST(signal_zero_works(got.fd.get()));
    // The fd follows the process, not the number: it becomes readable
    // when that process exits.
    pollfd exited{got.fd.get(), POLLIN, 0};
    BOOST_TEST(::poll(&exited, 1, 0) == 0);
    BOOST_REQUIRE(b.runtime({"kill", id, "KILL"}).status == 0);
    BOOST_TEST(::poll(&exited, 1, 5000) == 1);
}

BOOST_AUTO_TEST_CASE(create_sends_it_before_start, *utf::precondition(ward_only)) {
    Bundle b;
    b.set_args({"/bin/sleep", "1000"});
    std::string sock = b.dir + "/pidfd.sock";
    ward::UniqueFd listener = listen_unix(sock);
    std::string id = b.new_id("pidfd");
    Result r = b.create(id, {"--pidfd-socket", sock});
    BOOST_REQUIRE_MESSAGE(r.status == 0, "create: " << r.err);
    BOOST_TEST(b.status(id) == "created");
    Received got = accept_one(listener.get());
    BOOST_REQUIRE(got.fd);
    BOOST_TEST(pid_of_pidfd(got.fd.get()) == static_cast<long>(b.state(id).at("pid").num()));
}

BOOST_AUTO_TEST_CASE(exec_sends_a_pidfd_of_the_new_process, *utf::precondition(ward_only)) {
    Bundle b;
    b.set_args({"/bin/sleep", "1000"});
    std::string id = b.new_id("pidfd");
    b.write_config();
    Result c = b.runtime({"run", "-d", "--bundle", b.bundle_dir, id});
    BOOST_REQUIRE_MESSAGE(c.status == 0, "run: " << c.err);
    std::string sock = b.dir + "/exec-pidfd.sock";
    ward::UniqueFd listener = listen_unix(sock);
    std::string pid_file = b.dir + "/exec.pid";
    Result e = b.runtime(
        {"exec", "-d", "--pidfd-socket", sock, "--pid-file", pid_file, id, "/bin/sleep", "1000"});
    BOOST_REQUIRE_MESSAGE(e.status == 0, "exec: " << e.err);
    Received got = accept_one(listener.get());
    BOOST_REQUIRE(got.fd);
    BOOST_TEST(got.bytes == "setns");
    long exec_pid = std::stol(slurp(pid_file));
    BOOST_TEST(pid_of_pidfd(got.fd.get()) == exec_pid);
    BOOST_TEST(exec_pid != static_cast<long>(b.state(id).at("pid").num()));
    BOOST_TEST(signal_zero_works(got.fd.get()));
}

BOOST_AUTO_TEST_CASE(a_socket_nobody_listens_on_fails_naming_flag_and_path,
                     *utf::precondition(ward_only)) {
    Bundle b;
    std::string sock = b.dir + "/nobody.sock";
    std::string id = b.new_id("pidfd");
    Result r = b.create(id, {"--pidfd-socket", sock});
    BOOST_TEST(r.status != 0);
    BOOST_TEST(r.err.find("--pidfd-socket") != std::string::npos, r.err);
    BOOST_TEST(r.err.find(sock) != std::string::npos, r.err);
    BOOST_TEST(leftovers(b, id).empty(), listed(leftovers(b, id)));
}

BOOST_AUTO_TEST_SUITE_END()
