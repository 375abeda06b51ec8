// NOTIFY_SOCKET passthrough: the directory and mount at create, the socket
// and the wait for READY=1 at start. The socket is bound by `start`, not
// `create` (runc's order): the container cannot send before it is started,
// and nobody would read a socket bound by a `create` that has exited.
#include "notify_socket.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fd_passing.hpp"
#include "ward/base/log.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace ward::container {
namespace {

constexpr char kNotifyDir[] = "notify";
constexpr char kSocketName[] = "notify.sock";
// How long the host gets to acknowledge BARRIER=1 (runc and crun wait 30 s):
// systemd must have read MAINPID while ward, the sender, still exists, or
// it cannot tell which unit the message belongs to.
constexpr int kBarrierTimeoutMs = 30 * 1000;

std::string notify_dir(const StateDir& dir) {
    return dir.path() + "/" + kNotifyDir;
}

void set_notify_env(spec::Process& process) {
    const std::string prefix = "NOTIFY_SOCKET=";
    std::erase_if(process.env,
                  [&](const std::string& e) { return e.compare(0, prefix.size(), prefix) == 0; });
    process.env.push_back(prefix + kNotifySocketInContainer);
}

void send_datagram(int fd, const std::string& text, const std::string& host, int pass_fd = -1) {
    send_with_fd(fd, text, pass_fd, "NOTIFY_SOCKET " + host + ": send");
}

// sd_notify_barrier: BARRIER=1 with the write end of a pipe; the host closes
// its copy once it has processed every earlier message. A host that does
// not know the protocol drops the fd with the datagram (EOF at once) or
// never reads it (the timeout).
void barrier(int fd, const std::string& host) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) < 0)
        fail_errno("NOTIFY_SOCKET barrier: pipe");
    UniqueFd read_end(ends[0]);
    {
        UniqueFd write_end(ends[1]);
        send_datagram(fd, "BARRIER=1", host, write_end.get());
    }
    pollfd p{read_end.get(), POLLIN, 0};
    int n;
    while ((n = ::poll(&p, 1, kBarrierTimeoutMs)) < 0 && errno == EINTR) {
    }
    if (n == 0)
        log::warn("NOTIFY_SOCKET " + host + ": no answer to BARRIER=1 within 30 s; ignored");
}

} // namespace

std::optional<std::string> notify_ready_line(std::string_view datagram) {
    while (!datagram.empty()) {
        size_t end = datagram.find('\n');
        std::string_view line = datagram.substr(0, end);
        if (line.starts_with("READY="))
            return std::string(line);
        if (end == std::string_view::npos)
            break;
        datagram.remove_prefix(end + 1);
    }
    return std::nullopt;
}

std::optional<std::string> host_notify_socket() {
    const char* value = std::getenv("NOTIFY_SOCKET");
    if (!value || !*value)
        return std::nullopt;
    return std::string(value);
}

void add_notify_mount(spec::Spec& spec, const StateDir& dir, linux::RootfsHandles& handles) {
    std::string source = notify_dir(dir);
    if (::mkdir(source.c_str(), 0755) < 0)
        fail_errno("NOTIFY_SOCKET: mkdir " + source);
    // mkdir's mode is cut by the umask; the container's user, whoever it
    // is, must be able to reach the socket.
    if (::chmod(source.c_str(), 0755) < 0)
        fail_errno("NOTIFY_SOCKET: chmod " + source);
    spec::Mount mount;
    mount.destination = kNotifyDirInContainer;
    mount.type = "bind";
    mount.source = source;
    mount.options = {"bind", "nosuid", "noexec", "nodev", "ro"};
    with_context("NOTIFY_SOCKET", [&] { handles.append_directory_source(source); });
    spec.mounts.push_back(std::move(mount));
    set_notify_env(*spec.process);
}

UniqueFd bind_notify_socket(const StateDir& dir) {
    std::string where = notify_dir(dir);
    UniqueFd dir_fd(::open(where.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir_fd) {
        if (errno == ENOENT)
            return dir_fd; // created without NOTIFY_SOCKET: nothing to pass on
        fail_errno("NOTIFY_SOCKET: open " + where);
    }
    UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd)
        fail_errno("NOTIFY_SOCKET: socket");
    // Through the directory fd: the state dir's path may be longer than a
    // socket address can hold.
    std::string path = "/proc/self/fd/" + std::to_string(dir_fd.get()) + "/" + kSocketName;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::copy(path.begin(), path.end(), addr.sun_path);
    if (::unlinkat(dir_fd.get(), kSocketName, 0) < 0 && errno != ENOENT)
        fail_errno("NOTIFY_SOCKET: remove " + where + "/" + kSocketName);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
        fail_errno("NOTIFY_SOCKET: bind " + where + "/" + kSocketName);
    if (::fchmodat(dir_fd.get(), kSocketName, 0777, 0) < 0)
        fail_errno("NOTIFY_SOCKET: chmod " + where + "/" + kSocketName);
    return fd;
}

void forward_ready(int socket, const std::string& host, const State& state, int main_pid) {
    UniqueFd process = open_init(state);
    if (!process)
        return;
    std::optional<std::string> ready;
    char buffer[4096];
    while (!ready) {
        pollfd fds[2] = {{socket, POLLIN, 0}, {process.get(), POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            fail_errno("NOTIFY_SOCKET: poll");
        }
        if (fds[0].revents & POLLIN) {
            ssize_t n = ::recv(socket, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                fail_errno("NOTIFY_SOCKET: receive");
            if (n > 0)
                ready = notify_ready_line(std::string_view(buffer, static_cast<size_t>(n)));
            continue;
        }
        if (fds[0].revents & (POLLERR | POLLNVAL))
            fail("NOTIFY_SOCKET: the socket the container sends on failed");
        if (fds[1].revents & POLLIN) {
            log::debug("NOTIFY_SOCKET: the container exited before READY=1");
            return;
        }
    }
    UniqueFd out = connect_unix(host, "NOTIFY_SOCKET", SOCK_DGRAM);
    send_datagram(out.get(), *ready + "\n", host);
    send_datagram(out.get(), "MAINPID=" + std::to_string(main_pid) + "\n", host);
    barrier(out.get(), host);
}

} // namespace ward::container
