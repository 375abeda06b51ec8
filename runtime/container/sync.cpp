#include "ward/container/sync.hpp"

#include "ward/base/error.hpp"

#include <cstring>
#include <sys/socket.h>
#include <vector>

namespace ward::container {
namespace {

// Big enough for an OCI state document with annotations.
constexpr size_t kMaxMessage = 1 << 20;

void send_packet(int fd, SyncType type, const std::string& text, int passed_fd) {
    std::string packet(1, static_cast<char>(type));
    packet += text;
    if (packet.size() > kMaxMessage)
        packet.resize(kMaxMessage);
    iovec iov{packet.data(), packet.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    if (passed_fd >= 0) {
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &passed_fd, sizeof passed_fd);
    }
    while (::sendmsg(fd, &msg, MSG_NOSIGNAL) < 0)
        if (errno != EINTR)
            fail_errno("sync: send");
}

} // namespace

void sync_send(int fd, SyncType type, const std::string& text) {
    send_packet(fd, type, text, -1);
}

void sync_send_fd(int fd, SyncType type, int passed_fd, const std::string& text) {
    if (passed_fd < 0)
        fail("sync: no fd to pass");
    send_packet(fd, type, text, passed_fd);
}

std::optional<SyncMessage> sync_receive(int fd, bool nonblocking) {
    std::vector<char> buf(kMaxMessage);
    iovec iov{buf.data(), buf.size()};
    // Room for a few fds: a peer that sends more than one must not leave
    // fds we never see (the kernel would truncate and close the rest).
    alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))];
    msghdr msg{};
    ssize_t n;
    while (true) {
        msg = msghdr{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        n = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | (nonblocking ? MSG_DONTWAIT : 0));
        if (n >= 0)
            break;
        if (nonblocking && (errno == EAGAIN || errno == EWOULDBLOCK))
            return std::nullopt;
        if (errno != EINTR)
            fail_errno("sync: receive");
    }
    // Every fd received is owned here first, so none leaks on any error below.
    std::vector<UniqueFd> fds;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
            int received;
            std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof received);
            fds.emplace_back(received);
        }
    }
    if (n == 0)
        return std::nullopt;
    if (fds.size() > 1)
        fail("sync: more than one fd with one message");
    if (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC))
        fail("sync: message truncated");
    SyncMessage out{static_cast<SyncType>(buf[0]), std::string(buf.data() + 1, n - 1), {}};
    if (!fds.empty())
        out.fd = std::move(fds[0]);
    return out;
}

SyncMessage sync_expect(int fd, SyncType type) {
    auto msg = sync_receive(fd);
    if (!msg)
        fail("container init exited during setup");
    if (msg->type == SyncType::error)
        fail(msg->text);
    if (msg->type != type)
        fail(std::string("sync: unexpected message '") + static_cast<char>(msg->type) + "'");
    return std::move(*msg);
}

} // namespace ward::container
