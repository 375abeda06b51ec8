#include "ward/base/fd_passing.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>

namespace ward {

UniqueFd connect_unix(const std::string& path, const std::string& what, int type) {
    UniqueFd fd(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
    if (!fd)
        fail_errno(what + ": socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr.sun_path)
        fail(what + " " + quote(path) + ": " + (path.empty() ? "empty path" : "path too long"));
    std::copy(path.begin(), path.end(), addr.sun_path);
    socklen_t length = sizeof addr;
    if (path.front() == '@') {
        // Abstract: no NUL terminator, the length says where the name ends.
        addr.sun_path[0] = '\0';
        length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
    }
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), length) < 0)
        fail_errno("connect " + what + " " + path);
    return fd;
}

size_t send_with_fd(int socket, std::string_view data, int fd, std::string_view what) {
    iovec iov{const_cast<char*>(data.data()), data.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    if (fd >= 0) {
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* header = CMSG_FIRSTHDR(&msg);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
    }
    ssize_t n;
    while ((n = ::sendmsg(socket, &msg, MSG_NOSIGNAL)) < 0)
        if (errno != EINTR)
            fail_errno(std::string(what));
    return static_cast<size_t>(n);
}

std::optional<ReceivedMessage> receive_with_fds(int socket, char* buffer, size_t size,
                                                std::string_view what, bool nonblocking) {
    iovec iov{buffer, size};
    // Room for a few fds: a peer that sends more must not leave fds the
    // kernel would silently close while we report only the first.
    alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))];
    msghdr msg{};
    ssize_t n;
    while (true) {
        msg = msghdr{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC | (nonblocking ? MSG_DONTWAIT : 0));
        if (n >= 0)
            break;
        if (nonblocking && (errno == EAGAIN || errno == EWOULDBLOCK))
            return std::nullopt;
        if (errno != EINTR)
            fail_errno(std::string(what));
    }
    ReceivedMessage out;
    out.size = static_cast<size_t>(n);
    out.truncated = (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) != 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
            int received;
            std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof received);
            out.fds.emplace_back(received);
        }
    }
    return out;
}

} // namespace ward
