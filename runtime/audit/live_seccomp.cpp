// The seccomp filters a process runs under, fetched from the kernel with
// PTRACE_SECCOMP_GET_FILTER. The request needs the target in a ptrace-stop:
// PTRACE_SEIZE (no SIGSTOP sent), PTRACE_INTERRUPT, a bounded wait, then
// every filter index until ENOENT, and PTRACE_DETACH. A scope guard detaches
// on every path, re-injecting a signal the stop intercepted, so the target
// is never left stopped or traced by the audit.
#include "ward/audit/live.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/scope.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace ward::audit {
namespace {

std::string who(int pid) {
    return "pid " + std::to_string(pid);
}

// Why the kernel refused, in words an operator can act on.
[[noreturn]] void refused(int pid, std::string_view step, int err) {
    std::string why;
    switch (err) {
    case ESRCH:
        fail(who(pid) + ": no such process (it exited during the audit)");
    case EPERM:
        why = "it is already traced (a debugger, strace, or another audit), or ward lacks "
              "CAP_SYS_PTRACE over it";
        break;
    case EACCES:
        why = "reading seccomp filters needs CAP_SYS_ADMIN, and a tracer that is not itself "
              "under seccomp";
        break;
    case EIO:
    case EMEDIUMTYPE:
        why = "this kernel cannot export the filter (CONFIG_CHECKPOINT_RESTORE off?)";
        break;
    default:
        why = errno_text(err);
    }
    fail(who(pid) + ": " + std::string(step) + ": " + errno_name(err) + ": " + why);
}

// The target, seized; detaches (or at least tries to) when it goes out of
// scope, whatever happened in between.
class Seized {
  public:
    explicit Seized(int pid) : pid_(pid) {
        if (::ptrace(PTRACE_SEIZE, pid, nullptr, nullptr) < 0)
            refused(pid, "PTRACE_SEIZE", errno);
    }
    Seized(const Seized&) = delete;
    Seized& operator=(const Seized&) = delete;
    ~Seized() {
        if (!stopped_ && !exited_) {
            // PTRACE_DETACH needs a ptrace-stop: make one, briefly.
            ::ptrace(PTRACE_INTERRUPT, pid_, nullptr, nullptr);
            try {
                wait_stop();
            } catch (...) {
            }
        }
        if (stopped_)
            ::ptrace(PTRACE_DETACH, pid_, nullptr,
                     reinterpret_cast<void*>(static_cast<long>(inject_)));
        // Not stopped within the wait (a frozen cgroup, uninterruptible
        // sleep): the kernel detaches when ward exits, which the CLI does
        // right after the report.
    }

    void interrupt() {
        if (::ptrace(PTRACE_INTERRUPT, pid_, nullptr, nullptr) < 0)
            refused(pid_, "PTRACE_INTERRUPT", errno);
        wait_stop();
        if (exited_)
            fail(who(pid_) + ": no such process (it exited during the audit)");
        if (!stopped_)
            fail(who(pid_) + ": did not stop for PTRACE_INTERRUPT within 2 s (a frozen "
                             "cgroup or an uninterruptible sleep?)");
    }

  private:
    void wait_stop() {
        using namespace std::chrono;
        auto deadline = steady_clock::now() + seconds(2);
        while (steady_clock::now() < deadline) {
            int status = 0;
            pid_t r = ::waitpid(pid_, &status, __WALL | WNOHANG);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0) {
                exited_ = errno == ECHILD;
                return;
            }
            if (r == pid_ && (WIFEXITED(status) || WIFSIGNALED(status))) {
                exited_ = true;
                return;
            }
            if (r == pid_ && WIFSTOPPED(status)) {
                stopped_ = true;
                // A signal-delivery-stop took the signal out of delivery:
                // PTRACE_DETACH gives it back. Our interrupt (and a group
                // stop) is PTRACE_EVENT_STOP and carries nothing to re-inject.
                if ((status >> 16) != PTRACE_EVENT_STOP)
                    inject_ = WSTOPSIG(status);
                return;
            }
            std::this_thread::sleep_for(microseconds(200));
        }
    }

    int pid_;
    bool stopped_ = false;
    bool exited_ = false;
    int inject_ = 0;
};

// ward itself under seccomp: the kernel says EACCES to any tracer then.
void check_self_unfiltered() {
    auto self = parse_status(read_file("/proc/self/status"));
    if (self.seccomp_mode != 0)
        fail("ward itself runs under seccomp (mode " + std::to_string(self.seccomp_mode) +
             "): the kernel refuses PTRACE_SECCOMP_GET_FILTER to a filtered tracer; run the "
             "audit from an unconfined shell");
}

} // namespace

std::vector<std::vector<sock_filter>> fetch_filters(int pid) {
    check_self_unfiltered();
    Seized target(pid);
    target.interrupt();
    std::vector<std::vector<sock_filter>> programs;
    for (unsigned long index = 0;; ++index) {
        long n = ::ptrace(PTRACE_SECCOMP_GET_FILTER, pid, reinterpret_cast<void*>(index), nullptr);
        if (n < 0 && errno == ENOENT)
            break;
        if (n < 0 && errno == EINVAL && index == 0)
            break; // not in filter mode: no filters
        if (n < 0)
            refused(pid, "PTRACE_SECCOMP_GET_FILTER " + std::to_string(index), errno);
        std::vector<sock_filter> program(static_cast<size_t>(n));
        if (::ptrace(PTRACE_SECCOMP_GET_FILTER, pid, reinterpret_cast<void*>(index),
                     program.data()) < 0)
            refused(pid, "PTRACE_SECCOMP_GET_FILTER " + std::to_string(index), errno);
        programs.push_back(std::move(program));
    }
    return programs;
}

} // namespace ward::audit
