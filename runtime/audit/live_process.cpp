// One process, held by a pidfd and a directory fd of /proc/PID, so every
// file the live audit reads is the same process's (live.hpp).
#include "ward/audit/live.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/procfs.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ward::audit {
namespace {

std::string who(int pid) {
    return "pid " + std::to_string(pid);
}

[[noreturn]] void gone(int pid, std::string_view when) {
    fail(who(pid) + ": no such process" + std::string(when));
}

// Field 22 of the stat file of `dir`; 0 when unreadable.
unsigned long long start_time_of(int dir) {
    UniqueFd fd(::openat(dir, "stat", O_RDONLY | O_CLOEXEC));
    if (!fd)
        return 0;
    std::string text;
    try {
        text = read_fd(fd.get());
    } catch (const Error&) {
        return 0;
    }
    // The command name may hold spaces and ')': split after the last one.
    auto close = text.rfind(')');
    if (close == std::string::npos || close + 2 >= text.size())
        return 0;
    auto fields = split(std::string_view(text).substr(close + 2), ' ');
    return fields.size() < 20 ? 0 : parse_uint(fields[19]).value_or(0);
}

} // namespace

ProcessHandle ProcessHandle::open(int pid, unsigned long long expected_start) {
    if (pid <= 0)
        fail("pid " + std::to_string(pid) + ": not a process id");
    ProcessHandle h;
    h.pid_ = pid;
    // The pidfd first: once it is open, the number cannot name another
    // process while this one lives, so a directory opened after it and
    // checked alive through it is this process's.
    h.pidfd_ = linux::open_pidfd(pid);
    if (!h.pidfd_) {
        if (errno == ESRCH)
            gone(pid, "");
        fail_errno("pidfd_open " + who(pid));
    }
    try {
        h.dir_ = linux::open_in_procfs(linux::procfs_handle(), "/proc/" + std::to_string(pid),
                                       O_RDONLY | O_DIRECTORY);
    } catch (const linux::ProcfsError& e) {
        if (e.err == ENOENT)
            gone(pid, "");
        throw;
    }
    h.check_alive();
    h.start_ = start_time_of(h.dir_.get());
    if (h.start_ == 0)
        gone(pid, "");
    if (expected_start != 0 && h.start_ != expected_start)
        gone(pid, " (the pid now names another process than the one recorded)");
    return h;
}

void ProcessHandle::check_alive() const {
    // A zombie still answers pidfd_send_signal; the directory's stat does
    // not lie about it either way, so both are asked.
    if (::syscall(SYS_pidfd_send_signal, pidfd_.get(), 0, nullptr, 0) < 0) {
        if (errno == ESRCH)
            gone(pid_, " (it exited during the audit)");
        fail_errno("pidfd_send_signal " + who(pid_));
    }
}

std::string ProcessHandle::read(const std::string& name) const {
    UniqueFd fd(::openat(dir_.get(), name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) {
        int err = errno;
        check_alive(); // a vanished process says so, not "no such file"
        fail_errno("open /proc/" + std::to_string(pid_) + "/" + name, err);
    }
    std::string text;
    try {
        text = read_fd(fd.get());
    } catch (const Error& e) {
        check_alive();
        throw Error("read /proc/" + std::to_string(pid_) + "/" + name + ": " + e.what());
    }
    check_alive();
    return text;
}

std::string ProcessHandle::link(const std::string& name) const {
    char buf[256];
    ssize_t n = ::readlinkat(dir_.get(), name.c_str(), buf, sizeof buf - 1);
    if (n < 0) {
        int err = errno;
        check_alive();
        if (err == ENOENT)
            return "";
        fail_errno("readlink /proc/" + std::to_string(pid_) + "/" + name, err);
    }
    return std::string(buf, static_cast<size_t>(n));
}

} // namespace ward::audit
