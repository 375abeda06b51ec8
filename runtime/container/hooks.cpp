// OCI hooks: fork + execve each hook with exactly its own args and env, feed
// it the state JSON on stdin, and wait for it with an optional timeout.
//
// The state is written through a non-blocking pipe inside the same poll loop
// that waits for the hook's exit (on a pidfd), so a hook that never reads its
// stdin can neither block ward nor get ward killed by SIGPIPE.
#include "ward/container/hooks.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/log.hpp"
#include "ward/linux/procfs.hpp"

#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ward::container {
namespace {

using Clock = std::chrono::steady_clock;

// Blocks SIGPIPE while the state is written, then discards the SIGPIPE our
// own write raised (it is sent to this thread and stays pending).
class SigpipeBlocked {
  public:
    SigpipeBlocked() {
        sigset_t pipe_only;
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_only, &saved_);
    }
    SigpipeBlocked(const SigpipeBlocked&) = delete;
    SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;
    ~SigpipeBlocked() {
        if (!sigismember(&saved_, SIGPIPE)) {
            sigset_t pipe_only;
            sigemptyset(&pipe_only);
            sigaddset(&pipe_only, SIGPIPE);
            timespec now{};
            while (sigtimedwait(&pipe_only, nullptr, &now) > 0) {
            }
        }
        pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
    }

  private:
    sigset_t saved_;
};

// A forked hook process that is killed and reaped if it is abandoned (an
// error or exception on the way), so no hook outlives a failed lifecycle step.
class HookProcess {
  public:
    explicit HookProcess(pid_t pid) : pid_(pid) {}
    HookProcess(const HookProcess&) = delete;
    HookProcess& operator=(const HookProcess&) = delete;
    ~HookProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL); // still our unreaped child: the pid cannot be reused
            wait();
        }
    }

    pid_t pid() const { return pid_; }

    // Waits for the process and returns its wait status.
    int wait() {
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
        return status;
    }

    int kill_and_wait() {
        ::kill(pid_, SIGKILL);
        return wait();
    }

  private:
    pid_t pid_;
};

// Runs in the forked child: only async-signal-safe calls from here on.
[[noreturn]] void exec_hook(const char* path, char* const argv[], char* const envp[], int stdin_fd,
                            int error_fd) {
    if (stdin_fd == STDIN_FILENO)
        ::fcntl(stdin_fd, F_SETFD, 0);
    else if (::dup2(stdin_fd, STDIN_FILENO) < 0)
        goto fail;
    {
        // The hook starts with a clean signal state, whatever ward set up.
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        for (int sig = 1; sig < NSIG; ++sig)
            sigaction(sig, &dfl, nullptr);
    }
    // A hook gets stdio only, even if ward inherited fds without O_CLOEXEC.
    if (::close_range(3, UINT_MAX, CLOSE_RANGE_CLOEXEC) < 0)
        for (int fd = 3; fd < 65536; ++fd)
            ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    ::execve(path, argv, envp);
fail:
    int err = errno;
    [[maybe_unused]] auto n = ::write(error_fd, &err, sizeof err);
    ::_exit(127);
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (const auto& s : strings)
        out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

std::string status_text(int status) {
    if (WIFEXITED(status))
        return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return "killed by signal " + std::to_string(WTERMSIG(status));
    return "wait status " + std::to_string(status);
}

void run_hook(std::string_view kind, size_t index, const spec::Hook& hook,
              const std::string& state_json) {
    const std::string label =
        std::string(kind) + " hook #" + std::to_string(index) + " (" + hook.path + ")";
    if (hook.timeout && *hook.timeout <= 0)
        fail(label + ": timeout must be positive, got " + std::to_string(*hook.timeout));

    // Everything the child needs is built before fork: no allocation after it.
    std::vector<std::string> args = hook.args.empty() ? std::vector{hook.path} : hook.args;
    std::vector<char*> argv = c_strings(args);
    std::vector<char*> envp = c_strings(hook.env);

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0)
        fail_errno(label + ": pipe");
    UniqueFd stdin_read(fds[0]), stdin_write(fds[1]);
    if (::pipe2(fds, O_CLOEXEC) < 0)
        fail_errno(label + ": pipe");
    UniqueFd error_read(fds[0]), error_write(fds[1]);

    SigpipeBlocked no_sigpipe;
    pid_t pid = ::fork();
    if (pid < 0)
        fail_errno(label + ": fork");
    if (pid == 0)
        exec_hook(hook.path.c_str(), argv.data(), envp.data(), stdin_read.get(), error_write.get());
    HookProcess child(pid);
    stdin_read.reset();
    error_write.reset();

    // EOF: execve succeeded (the pipe is O_CLOEXEC); an int: its errno.
    int exec_errno = 0;
    ssize_t got;
    while ((got = ::read(error_read.get(), &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
    }
    if (got == static_cast<ssize_t>(sizeof exec_errno)) {
        child.wait();
        fail(label + ": exec: " + errno_text(exec_errno));
    }

    UniqueFd pidfd = linux::open_pidfd(pid);
    if (!pidfd)
        fail_errno(label + ": pidfd_open");
    if (::fcntl(stdin_write.get(), F_SETFL, O_NONBLOCK) < 0)
        fail_errno(label + ": set stdin pipe non-blocking");

    std::optional<Clock::time_point> deadline;
    if (hook.timeout)
        deadline = Clock::now() + std::chrono::seconds(*hook.timeout);
    size_t written = 0;
    if (state_json.empty())
        stdin_write.reset();

    while (true) {
        int wait_ms = -1;
        if (deadline) {
            auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
            if (left.count() <= 0) {
                child.kill_and_wait();
                fail(label + ": timed out after " + std::to_string(*hook.timeout) + "s");
            }
            wait_ms = static_cast<int>(std::min<long long>(left.count(), INT_MAX));
        }
        pollfd fds_to_poll[2] = {{pidfd.get(), POLLIN, 0}, {stdin_write.get(), POLLOUT, 0}};
        int n = ::poll(fds_to_poll, stdin_write ? 2 : 1, wait_ms);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail_errno(label + ": poll");
        }
        if (stdin_write && fds_to_poll[1].revents) {
            ssize_t w = ::write(stdin_write.get(), state_json.data() + written,
                                state_json.size() - written);
            if (w > 0)
                written += static_cast<size_t>(w);
            // EPIPE (the hook closed or never read its stdin) ends the
            // writing, as does the last byte; EAGAIN waits for the next poll.
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == state_json.size())
                stdin_write.reset();
        }
        if (fds_to_poll[0].revents)
            break;
    }

    stdin_write.reset();
    int status = child.wait();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return;
    fail(label + ": " + status_text(status));
}

} // namespace

void run_hooks(std::string_view kind, const std::vector<spec::Hook>& hooks,
               const std::string& state_json) {
    for (size_t i = 0; i < hooks.size(); ++i)
        run_hook(kind, i, hooks[i], state_json);
}

void run_hooks_warn_only(std::string_view kind, const std::vector<spec::Hook>& hooks,
                         const std::string& state_json) {
    for (size_t i = 0; i < hooks.size(); ++i) {
        try {
            run_hook(kind, i, hooks[i], state_json);
        } catch (const Error& e) {
            log::warn(e.what());
        }
    }
}

} // namespace ward::container
