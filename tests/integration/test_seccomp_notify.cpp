// SCMP_ACT_NOTIFY with linux.seccomp.listenerPath: during create the runtime
// sends one ContainerProcessState message with the seccomp notify fd to the
// listener, which then answers the container's notified syscalls itself.
#include "integration/harness.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/fd_passing.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <thread>

using namespace ward_it;
namespace utf = boost::unit_test;
using std::chrono::milliseconds;

namespace {

// What the listener thread saw; checked on the test's thread after join
// (Boost.Test assertions are not thread-safe).
struct Heard {
    std::string error; // the first thing that went wrong, or ""
    std::string message;
    bool had_fd = false;
    int answered = 0;
};

bool wait_readable(int fd, milliseconds timeout) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(timeout.count())) == 1 && (p.revents & POLLIN);
}

// The listener: accepts one connection, takes the message and its fd, then
// answers every notification with `value` until the filter's last user is
// gone or nothing happens for a while.
class Listener {
  public:
    Listener(const std::string& path, long long value) : sock_(listen_unix(path)) {
        thread_ = std::thread([this, value] { serve(value); });
    }
    ~Listener() {
        if (thread_.joinable())
            thread_.join();
    }
    const Heard& join() {
        thread_.join();
        return heard_;
    }

  private:
    void serve(long long value) {
        if (!wait_readable(sock_.get(), milliseconds(20000)))
            return fail("no connection to the listener");
        ward::UniqueFd conn(::accept4(sock_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!conn || !wait_readable(conn.get(), milliseconds(10000)))
            return fail("no message on the connection");
        std::string data(1 << 16, '\0');
        auto msg = ward::receive_with_fds(conn.get(), data.data(), data.size(), "listener");
        if (!msg || msg->size == 0)
            return fail("no message from the runtime");
        size_t n = msg->size;
        ward::UniqueFd notify;
        if (!msg->fds.empty())
            notify = std::move(msg->fds[0]);
        // The rest of the message, should it come in more than one piece.
        std::string text(data.data(), static_cast<size_t>(n));
        while (wait_readable(conn.get(), milliseconds(200))) {
            ssize_t m = ::read(conn.get(), data.data(), data.size());
            if (m <= 0)
                break;
            text.append(data.data(), static_cast<size_t>(m));
        }
        heard_.message = text;
        heard_.had_fd = notify.valid();
        if (!notify)
            return;
        while (true) {
            pollfd p{notify.get(), POLLIN, 0};
            if (::poll(&p, 1, 20000) != 1 || !(p.revents & POLLIN))
                return; // POLLHUP: no task uses the filter any more
            seccomp_notif req{};
            if (::ioctl(notify.get(), SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
                return fail("NOTIF_RECV: " + std::string(std::strerror(errno)));
            seccomp_notif_resp resp{};
            resp.id = req.id;
            resp.val = value;
            if (::ioctl(notify.get(), SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
                return fail("NOTIF_SEND: " + std::string(std::strerror(errno)));
            ++heard_.answered;
        }
    }
    void fail(const std::string& what) {
        if (heard_.error.empty())
            heard_.error = what;
    }

    ward::UniqueFd sock_;
    Heard heard_;
    std::thread thread_;
};

Json notify_profile(const std::string& listener) {
    Json s = Json::object();
    s["defaultAction"] = "SCMP_ACT_ALLOW";
    if (!listener.empty())
        s["listenerPath"] = listener;
    s["listenerMetadata"] = "hello";
    Json r = Json::object();
    r["names"] = Json::strings({"getppid"});
    r["action"] = "SCMP_ACT_NOTIFY";
    Json list = Json::array();
    list.push(r);
    s["syscalls"] = list;
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(seccomp_notify)

BOOST_AUTO_TEST_CASE(listener_gets_the_state_and_answers_the_syscall) {
    Bundle b;
    std::string sock = b.dir + "/listener.sock";
    b.config["linux"]["seccomp"] = notify_profile(sock);
    b.set_args({"/checker", "syscall", std::to_string(SYS_getppid)});
    std::string id = b.new_id("notify");
    Listener listener(sock, 4242);
    RunOptions opts;
    opts.timeout = milliseconds(30000);
    Result out = b.run(id, opts);
    const Heard& heard = listener.join();

    BOOST_TEST(heard.error == "");
    BOOST_TEST_REQUIRE(out.status == 0, "stderr: " << out.err);
    BOOST_TEST(value_of(out.out, "syscall " + std::to_string(SYS_getppid)) == "ok 4242", out.out);
    BOOST_TEST(heard.answered >= 1);
    BOOST_TEST(heard.had_fd);
    Json doc = Json::parse(heard.message);
    BOOST_TEST(doc.at("ociVersion").str().rfind("1.", 0) == 0u, heard.message);
    BOOST_TEST_REQUIRE(doc.at("fds").size() == 1u, heard.message);
    BOOST_TEST(doc.at("fds")[0].str() == "seccompFd");
    BOOST_TEST(doc.at("pid").num() > 0);
    BOOST_TEST(doc.at("metadata").str() == "hello");
    BOOST_TEST(doc.at("state").at("status").str() == "creating");
    BOOST_TEST(doc.at("state").at("id").str() == id);
    BOOST_TEST(doc.at("state").at("pid").num() == doc.at("pid").num());
}

BOOST_AUTO_TEST_CASE(notify_without_listener_path_is_refused) {
    Bundle b;
    b.config["linux"]["seccomp"] = notify_profile("");
    b.set_args({"/checker", "syscall", std::to_string(SYS_getppid)});
    std::string id = b.new_id("notify");
    Result out = b.run(id);
    BOOST_TEST(out.status != 0);
    BOOST_TEST(out.err.find("linux.seccomp.listenerPath") != std::string::npos, out.err);
    BOOST_TEST(leftovers(b, id).empty());
}

// A listener that is not there fails create, and create leaves nothing.
BOOST_AUTO_TEST_CASE(unreachable_listener_fails_create_cleanly) {
    Bundle b;
    b.config["linux"]["seccomp"] = notify_profile(b.dir + "/nobody.sock");
    b.set_args({"/checker", "syscall", std::to_string(SYS_getppid)});
    std::string id = b.new_id("notify");
    Result out = b.create(id);
    BOOST_TEST(out.status != 0);
    BOOST_TEST(out.err.find("nobody.sock") != std::string::npos, out.err);
    BOOST_TEST(leftovers(b, id).empty());
    BOOST_TEST(bundle_processes(b).empty());
}

BOOST_AUTO_TEST_SUITE_END()
