// linux/procfs: the per-process handle and the paths it accepts. These run
// as any user (the handle falls back to /proc without privileges); the
// namespace and mount cases are in tests/integration/test_procfs.cpp.
#include "error_text.hpp"
#include "ward/base/file.hpp"
#include "ward/base/in_root.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/procfs.hpp"

#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ward;
using namespace ward::linux;
using ward::test::error_of;
namespace fs = std::filesystem;

namespace {

// The "Pid:" line of a status file read through the calling process's handle.
std::string status_field(const std::string& path, const std::string& key) {
    UniqueFd fd = open_procfs(path, O_RDONLY);
    for (const auto& line : split(read_fd(fd.get()), '\n'))
        if (line.starts_with(key + ":"))
            return std::string(trim(std::string_view(line).substr(key.size() + 1)));
    return "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(procfs)

BOOST_AUTO_TEST_CASE(self_and_thread_self_name_the_caller) {
    BOOST_TEST(status_field("/proc/self/status", "Pid") == std::to_string(::getpid()));
    BOOST_TEST(status_field("/proc/thread-self/status", "Pid") ==
               std::to_string(::syscall(SYS_gettid)));
    BOOST_TEST(status_field("/proc/" + std::to_string(::getpid()) + "/status", "Pid") ==
               std::to_string(::getpid()));
    BOOST_TEST(procfs_handle().own_pid_namespace);
    BOOST_TEST(procfs_exists("/proc/self/oom_score_adj"));
    BOOST_TEST(!procfs_exists("/proc/self/no-such-file"));
}

BOOST_AUTO_TEST_CASE(paths_that_are_not_plain_are_refused) {
    BOOST_TEST(error_of([] { open_procfs("/etc/passwd", O_RDONLY); }) ==
               "procfs: \"/etc/passwd\" is not under /proc");
    BOOST_TEST(error_of([] { open_procfs("/proc/self/../1/environ", O_RDONLY); }) ==
               "procfs: \"/proc/self/../1/environ\" is not a plain path");
    BOOST_TEST(error_of([] { open_procfs("/proc//self/status", O_RDONLY); }) ==
               "procfs: \"/proc//self/status\" is not a plain path");
    // A symlink below the top is refused, not followed: /proc/self/cwd is
    // a magic link, /proc/mounts a plain one.
    std::string cwd = error_of([] { open_procfs("/proc/self/cwd", O_RDONLY); });
    BOOST_TEST(cwd.find("open /proc/self/cwd (") == 0U, cwd);
    BOOST_TEST(cwd.find("is reached through a symlink") != std::string::npos, cwd);
    std::string mounts = error_of([] { open_procfs("/proc/mounts", O_RDONLY); });
    BOOST_TEST(mounts.find("is reached through a symlink") != std::string::npos, mounts);
}

BOOST_AUTO_TEST_CASE(a_directory_that_is_not_procfs_is_no_handle) {
    char tmpl[] = "/tmp/ward-procfs-XXXXXX";
    std::string dir = ::mkdtemp(tmpl);
    std::string err = error_of([&] { make_procfs_handle(ProcfsSource::cloned_mount, dir); });
    fs::remove_all(dir);
    BOOST_TEST(err == "no procfs for ward's own writes (clone of " + dir + ": " + dir +
                          " is not procfs; " + dir + ": " + dir + " is not procfs)");
}

BOOST_AUTO_TEST_CASE(the_walk_gives_what_openat2_gives) {
    force_fd_walk(true);
    std::string pid = status_field("/proc/self/status", "Pid");
    std::string err = error_of([] { open_procfs("/proc/self/cwd", O_RDONLY); });
    force_fd_walk(false);
    BOOST_TEST(pid == std::to_string(::getpid()));
    BOOST_TEST(err.find("is reached through a symlink") != std::string::npos, err);
}

// A child never uses (or closes) the handle it inherited: it makes its own.
BOOST_AUTO_TEST_CASE(a_forked_child_makes_its_own_handle) {
    int parent_fd = procfs_handle().root.get();
    BOOST_TEST(procfs_handle().root.get() == parent_fd); // cached
    pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
        int code = 1;
        try {
            int child_fd = procfs_handle().root.get();
            bool inherited_still_open = ::fcntl(parent_fd, F_GETFD) >= 0;
            std::string self = status_field("/proc/self/status", "Pid");
            code =
                child_fd != parent_fd && inherited_still_open && self == std::to_string(::getpid())
                    ? 0
                    : 2;
        } catch (...) {
            code = 3;
        }
        ::_exit(code);
    }
    int status = 0;
    BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
}

// Released, the handle is closed (its private procfs unmounted then, not
// at the exec); a child leaves the number it inherited open; a later use
// makes a new handle that works.
BOOST_AUTO_TEST_CASE(a_released_handle_is_closed_and_made_again_on_use) {
    int before = procfs_handle().root.get();
    pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
        release_procfs_handle(); // the parent's number: left open
        ::_exit(::fcntl(before, F_GETFD) >= 0 ? 0 : 2);
    }
    int status = 0;
    BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    release_procfs_handle();
    BOOST_TEST(::fcntl(before, F_GETFD) < 0);
    BOOST_TEST(errno == EBADF);
    BOOST_TEST(procfs_exists("/proc/self/oom_score_adj"));
    BOOST_TEST(procfs_handle().root.get() >= 0);
}

BOOST_AUTO_TEST_SUITE_END()
