#include "integration/isolated.hpp"

#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"

#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ward_it {

namespace {

Report parse_report(const std::string& text) {
    Report report;
    for (const auto& l : ward::split(text, '\n')) {
        auto eq = l.find('=');
        if (eq != std::string::npos)
            report[l.substr(0, eq)] = l.substr(eq + 1);
    }
    return report;
}

[[noreturn]] void report_and_exit(int fd, const std::string& out) {
    ssize_t ignored = ::write(fd, out.data(), out.size());
    (void)ignored;
    ::_exit(0);
}

} // namespace

std::string report_line(const std::string& key, const std::string& value) {
    return key + "=" + value + "\n";
}

Report run_in_child(int flags, const std::function<std::string()>& inside) {
    int fds[2];
    BOOST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        auto body = [&] {
            std::string out;
            try {
                out = inside();
            } catch (const std::exception& e) {
                out += "\nerror=" + std::string(e.what());
            }
            report_and_exit(fds[1], out);
        };
        if (::unshare(flags) < 0)
            report_and_exit(fds[1], "error=unshare: " + ward::errno_text(errno));
        if (!(flags & CLONE_NEWPID))
            body();
        pid_t init = ::fork();
        if (init == 0)
            body();
        int status = 0;
        ::waitpid(init, &status, 0);
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string text = ward::read_fd(fds[0]);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return parse_report(text);
}

} // namespace ward_it
