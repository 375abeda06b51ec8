// process.terminal: the init opens a pty inside the container, hands the
// master to whoever listens on --console-socket and keeps the slave as its
// controlling terminal and stdio.
//
// The socket protocol is runc's: one sendmsg whose data is the master's
// name and whose control message carries exactly one fd (SCM_RIGHTS).
// containerd and podman read it with a single recvmsg and expect one fd.
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/fd_passing.hpp"
#include "ward/linux/process.hpp"

#include <climits>
#include <cstring>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

namespace ward::linux {

namespace {

constexpr const char* kMasterName = "/dev/ptmx";

// The slave end; TIOCGPTPEER opens it relative to the master's devpts
// instance, so no path lookup in the container can redirect it.
UniqueFd open_peer(int master) {
    constexpr int flags = O_RDWR | O_NOCTTY | O_CLOEXEC;
    UniqueFd peer(::ioctl(master, TIOCGPTPEER, flags));
    if (peer)
        return peer;
    if (errno != EINVAL && errno != ENOTTY)
        fail_errno("ioctl TIOCGPTPEER");
    char name[PATH_MAX];
    if (int err = ::ptsname_r(master, name, sizeof name))
        fail_errno("ptsname", err);
    peer.reset(::open(name, flags));
    if (!peer)
        fail_errno(std::string("open ") + name);
    return peer;
}

} // namespace

void setup_console(int console_socket_fd, const std::optional<spec::ConsoleSize>& size) {
    UniqueFd master(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master)
        fail_errno("open /dev/ptmx");
    if (::unlockpt(master.get()) < 0)
        fail_errno("unlockpt /dev/ptmx");
    UniqueFd slave = open_peer(master.get());
    if (size) {
        winsize window{};
        window.ws_row = static_cast<unsigned short>(size->height);
        window.ws_col = static_cast<unsigned short>(size->width);
        if (::ioctl(master.get(), TIOCSWINSZ, &window) < 0)
            fail_errno("process.consoleSize: ioctl TIOCSWINSZ");
    }
    send_with_fd(console_socket_fd, kMasterName, master.get(),
                 "send the pty master over the console socket");
    // The master now belongs to the receiver; the container must not hold it.
    master.reset();

    if (::getsid(0) != ::getpid() && ::setsid() < 0)
        fail_errno("setsid");
    if (::ioctl(slave.get(), TIOCSCTTY, 0) < 0)
        fail_errno("ioctl TIOCSCTTY");
    for (int stdio = 0; stdio <= 2; ++stdio)
        if (::dup2(slave.get(), stdio) < 0)
            fail_errno("dup2 the console onto fd " + std::to_string(stdio));
    // dup2 onto itself keeps O_CLOEXEC, which would close stdio at exec.
    if (slave.get() <= 2) {
        if (::fcntl(slave.get(), F_SETFD, 0) < 0)
            fail_errno("fcntl console fd");
        slave.release();
    }
}

} // namespace ward::linux
