// What the container's process holds open: its stdio, a pty handed over a
// console socket, fds preserved on purpose, and nothing else.
#include "integration/harness.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/fd_passing.hpp"

#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <poll.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace ward_it;
namespace utf = boost::unit_test;
using std::chrono::milliseconds;

namespace {

// fd number → link target, from the checker's "fd N: target" lines.
std::map<int, std::string> open_fds(const std::string& out) {
    std::map<int, std::string> fds;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("fd ", 0) != 0)
            continue;
        auto colon = line.find(": ");
        fds[std::stoi(line.substr(3, colon - 3))] = line.substr(colon + 2);
    }
    return fds;
}

std::string fd_list(const std::map<int, std::string>& fds) {
    std::string s;
    for (const auto& [fd, target] : fds)
        s += std::to_string(fd) + "=" + target + " ";
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(io)

BOOST_AUTO_TEST_CASE(only_stdio_reaches_the_process, *utf::label("asan")) {
    Bundle b;
    // An fd the caller leaks to the runtime (not preserved) must not get in.
    ward::UniqueFd leaked(::open("/dev/null", O_RDONLY));
    RunOptions opts;
    opts.pass_fds = {leaked.get()};
    b.set_args({"/checker", "fds"});
    Result r = b.run(b.new_id("fds"), opts);
    BOOST_TEST_REQUIRE(r.status == 0, "stderr: " << r.err);
    auto fds = open_fds(r.out);
    BOOST_TEST(fds.size() == 3u, "open fds: " << fd_list(fds));
    for (int fd : {0, 1, 2})
        BOOST_TEST(fds.count(fd) == 1u, "fd " << fd << " missing: " << fd_list(fds));
}

BOOST_AUTO_TEST_CASE(only_stdio_reaches_a_created_process) {
    Bundle b;
    ward::UniqueFd leaked(::open("/dev/null", O_RDONLY));
    RunOptions opts;
    opts.pass_fds = {leaked.get()};
    b.set_args({"/checker", "fds"});
    std::string id = b.new_id("fds-created");
    Result c = b.create(id, {}, opts);
    int io = b.last_invocation();
    BOOST_TEST_REQUIRE(c.status == 0, "create: " << c.err);
    BOOST_TEST_REQUIRE(b.runtime({"start", id}).status == 0);
    BOOST_TEST_REQUIRE(b.wait_status(id, "stopped"));
    auto fds = open_fds(b.output_of(io));
    BOOST_TEST(fds.size() == 3u, "open fds: " << fd_list(fds));
}

BOOST_AUTO_TEST_CASE(preserved_fds_reach_the_process) {
    Bundle b;
    std::string extra = b.dir + "/extra.txt";
    ward::UniqueFd file(::open(extra.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    BOOST_TEST_REQUIRE(file.get() >= 0);
    RunOptions opts;
    opts.pass_fds = {file.get()};
    b.set_args({"/checker", "fds"});
    b.write_config();
    Result r =
        b.runtime({"run", "--preserve-fds", "1", "--bundle", b.bundle_dir, b.new_id("keep")}, opts);
    BOOST_TEST_REQUIRE(r.status == 0, "stderr: " << r.err);
    auto fds = open_fds(r.out);
    BOOST_TEST(fds.size() == 4u, "open fds: " << fd_list(fds));
    BOOST_TEST_REQUIRE(fds.count(3) == 1u, "open fds: " << fd_list(fds));
    BOOST_TEST(fds[3].find("extra.txt") != std::string::npos, "fd 3: " << fds[3]);
}

BOOST_AUTO_TEST_CASE(without_a_terminal_stdio_is_not_a_tty) {
    Bundle b;
    b.set_args({"/checker", "tty"});
    Result r = b.run(b.new_id("notty"));
    BOOST_TEST_REQUIRE(r.status == 0, "stderr: " << r.err);
    for (int fd : {0, 1, 2})
        BOOST_TEST(value_of(r.out, "isatty " + std::to_string(fd)) == "0");
}

BOOST_AUTO_TEST_CASE(console_socket_receives_the_pty_master, *utf::label("asan")) {
    Bundle b;
    std::string sock = b.dir + "/console.sock";
    ConsoleServer server(sock);
    b.config["process"]["terminal"] = true;
    b.set_args({"/bin/sh", "-c", "echo hello; /checker tty; sleep 1"});
    std::string id = b.new_id("console");
    Result c = b.create(id, {"--console-socket", sock});
    BOOST_TEST_REQUIRE(c.status == 0, "create: " << c.err);
    ward::UniqueFd master(server.receive_fd(milliseconds(5000)));
    BOOST_TEST_REQUIRE(master.get() >= 0, "no fd arrived on the console socket");
    BOOST_TEST(::isatty(master.get()) == 1);
    Result s = b.runtime({"start", id});
    BOOST_TEST_REQUIRE(s.status == 0, "start: " << s.err);
    std::string out = read_until(master.get(), "ttyname 2", milliseconds(10000));
    BOOST_TEST(out.find("hello") != std::string::npos, "pty said: " << out);
    for (int fd : {0, 1, 2})
        BOOST_TEST(out.find("isatty " + std::to_string(fd) + ": 1") != std::string::npos,
                   "pty said: " << out);
    BOOST_TEST(out.find("ttyname 0: /dev/pts/") != std::string::npos, "pty said: " << out);
}

// Foreground run with a terminal and no --console-socket: the runtime holds
// the pty master itself and copies it to its stdout, as runc does. runc
// also insists on a controlling terminal of its own (open /dev/tty), which
// this test has not; ward only needs one to put it in raw mode.
BOOST_AUTO_TEST_CASE(foreground_run_proxies_the_terminal,
                     *utf::label("asan") * utf::label("ward_only") * utf::precondition(ward_only)) {
    Bundle b;
    b.config["process"]["terminal"] = true;
    b.set_args({"/bin/sh", "-c", "echo hello; /checker tty; exit 3"});
    Result r = b.run(b.new_id("ttyrun"));
    BOOST_TEST(r.status == 3, "stderr: " << r.err);
    BOOST_TEST(r.out.find("hello") != std::string::npos, "stdout: " << r.out);
    for (int fd : {0, 1, 2})
        BOOST_TEST(r.out.find("isatty " + std::to_string(fd) + ": 1") != std::string::npos,
                   "stdout: " << r.out);
    BOOST_TEST(r.out.find("ttyname 0: /dev/pts/") != std::string::npos, "stdout: " << r.out);
}

BOOST_AUTO_TEST_CASE(terminal_without_console_socket_is_refused) {
    Bundle b;
    b.config["process"]["terminal"] = true;
    std::string id = b.new_id("noconsole");
    Result c = b.create(id);
    BOOST_TEST(c.status == 1);
    BOOST_TEST(c.err.find("console") != std::string::npos, "stderr: " << c.err);
    BOOST_TEST(b.runtime({"state", id}).status == 1);
}

BOOST_AUTO_TEST_SUITE_END()
