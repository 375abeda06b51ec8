// Foreground `run` of a config with process.terminal and no
// --console-socket: as runc does, ward takes the pty master itself and
// copies between it and its own stdio until the container's init exits.
// ward's own terminal (when stdin is one) is put in raw mode meanwhile, so
// keys like ^C reach the container's line discipline, not ward's.
#include "terminal_proxy.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fd_passing.hpp"
#include "ward/base/file.hpp"
#include "ward/base/scope.hpp"

#include <cstring>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

namespace ward::container {
namespace {

void copy_window_size(int from_tty, int to_master) {
    winsize size{};
    if (::ioctl(from_tty, TIOCGWINSZ, &size) == 0)
        ::ioctl(to_master, TIOCSWINSZ, &size);
}

// Copies what is available on `from` to `to`. False at EOF or EIO (the
// pty's last slave closed: the container is gone).
bool pump(int from, int to) {
    char buf[16384];
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    try {
        write_all(to, std::string_view(buf, static_cast<size_t>(n)), "terminal");
    } catch (const Error&) {
        return false; // the reader went away; keep waiting for the exit
    }
    return true;
}

} // namespace

int exit_status_of(int status) {
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

UniqueFd receive_pty_master(int socket) {
    char name[256];
    auto msg = receive_with_fds(socket, name, sizeof name, "receive the container's pty master");
    if (!msg || msg->fds.size() != 1)
        fail("receive the container's pty master: not exactly one fd in the message");
    return std::move(msg->fds[0]);
}

int proxy_terminal_until_exit(int master, int pid, const sigset_t& forwarded) {
    UniqueFd signals(::signalfd(-1, &forwarded, SFD_CLOEXEC));
    if (!signals)
        fail_errno("signalfd");

    bool stdin_is_tty = ::isatty(STDIN_FILENO) == 1;
    termios saved{};
    bool raw = false;
    if (stdin_is_tty && ::tcgetattr(STDIN_FILENO, &saved) == 0) {
        termios mode = saved;
        ::cfmakeraw(&mode);
        raw = ::tcsetattr(STDIN_FILENO, TCSANOW, &mode) == 0;
        copy_window_size(STDIN_FILENO, master);
    }
    ScopeGuard restore([&] {
        if (raw)
            ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    });

    bool reading_stdin = true;
    bool reading_master = true;
    while (true) {
        pollfd fds[3] = {{signals.get(), POLLIN, 0},
                         {reading_master ? master : -1, POLLIN, 0},
                         {reading_stdin ? STDIN_FILENO : -1, POLLIN, 0}};
        if (::poll(fds, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            fail_errno("poll the container's terminal");
        }
        if (fds[1].revents)
            reading_master = pump(master, STDOUT_FILENO);
        if (fds[2].revents)
            reading_stdin = pump(STDIN_FILENO, master);
        if (!(fds[0].revents & POLLIN))
            continue;
        signalfd_siginfo info{};
        if (::read(signals.get(), &info, sizeof info) != sizeof info)
            continue;
        int sig = static_cast<int>(info.ssi_signo);
        if (sig == SIGWINCH && stdin_is_tty) {
            copy_window_size(STDIN_FILENO, master);
        } else if (sig != SIGCHLD) {
            ::kill(pid, sig);
            continue;
        }
        int status = 0;
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            // What the container wrote last is still in the pty: drain it.
            while (reading_master) {
                pollfd p{master, POLLIN, 0};
                if (::poll(&p, 1, 0) <= 0)
                    break;
                reading_master = pump(master, STDOUT_FILENO);
            }
            return exit_status_of(status);
        }
    }
}

} // namespace ward::container
