// The parent-death tie of container/finalize.hpp: PR_SET_PDEATHSIG only
// fires for a parent that dies after it is set, so the child checks a
// pidfd of ward opened before the clone. Each case runs what it tests in a
// forked child (PR_SET_PDEATHSIG must not touch the test runner).
#include "../../runtime/container/finalize.hpp"
#include "ward/base/error.hpp"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <fcntl.h>
#include <functional>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ward;
using namespace ward::container;

namespace {

// A child blocked until release() (or the end of the test), so its exit
// is the test's to choose.
struct Waiting {
    pid_t pid = -1;
    int release_fd = -1;

    Waiting() {
        int fds[2];
        BOOST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        pid = ::fork();
        BOOST_REQUIRE(pid >= 0);
        if (pid == 0) {
            char c;
            ::close(fds[1]);
            while (::read(fds[0], &c, 1) < 0 && errno == EINTR) {
            }
            ::_exit(0);
        }
        ::close(fds[0]);
        release_fd = fds[1];
    }
    ~Waiting() {
        release();
        if (pid > 0)
            ::waitpid(pid, nullptr, 0);
    }
    void release() {
        if (release_fd >= 0)
            ::close(release_fd);
        release_fd = -1;
    }
    // Until it has exited (a zombie, not reaped).
    void wait_exited() {
        siginfo_t info{};
        BOOST_REQUIRE(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) == 0);
    }
};

UniqueFd pidfd_of(pid_t pid) {
    UniqueFd fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    BOOST_REQUIRE(fd);
    return fd;
}

// Runs body in a forked child; its exit code (0: every check held).
int in_child(const std::function<int()>& body) {
    pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
        int code = 99;
        try {
            code = body();
        } catch (...) {
        }
        ::_exit(code);
    }
    int status = 0;
    BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

BOOST_AUTO_TEST_SUITE(finalize_parent_tie)

BOOST_AUTO_TEST_CASE(parent_exited_follows_the_process_behind_the_pidfd) {
    Waiting parent;
    UniqueFd fd = pidfd_of(parent.pid);
    BOOST_TEST(!parent_exited(fd.get()));
    parent.release();
    parent.wait_exited();
    BOOST_TEST(parent_exited(fd.get()));
    BOOST_TEST(!parent_exited(-1)); // no pidfd: nothing to check
}

BOOST_AUTO_TEST_CASE(die_with_parent_fails_when_the_parent_is_already_gone) {
    Waiting parent;
    UniqueFd fd = pidfd_of(parent.pid);
    parent.release();
    parent.wait_exited();
    int code = in_child([&] {
        try {
            die_with_parent(fd.get());
        } catch (const Error& e) {
            return std::string(e.what()) == "ward exited before the process was tied to it" ? 0 : 2;
        }
        return 1; // went on as if tied to a live parent
    });
    BOOST_TEST(code == 0);
}

BOOST_AUTO_TEST_CASE(die_with_parent_ties_to_a_live_parent) {
    UniqueFd own = open_own_pidfd(); // as ward opens it before its clone
    BOOST_TEST_REQUIRE(own.get() >= 0);
    int code = in_child([&] {
        die_with_parent(own.get());
        int sig = 0;
        if (::prctl(PR_GET_PDEATHSIG, &sig) < 0)
            return 3;
        return sig == SIGKILL ? 0 : 4;
    });
    BOOST_TEST(code == 0);
}

BOOST_AUTO_TEST_SUITE_END()
