#include "ward/container/sync.hpp"

#include "ward/base/error.hpp"

#include <sys/socket.h>
#include <vector>

namespace ward::container {

// Big enough for an OCI state document with annotations.
constexpr size_t kMaxMessage = 1 << 20;

void sync_send(int fd, SyncType type, const std::string& text) {
    std::string packet(1, static_cast<char>(type));
    packet += text;
    if (packet.size() > kMaxMessage)
        packet.resize(kMaxMessage);
    while (::send(fd, packet.data(), packet.size(), MSG_NOSIGNAL) < 0)
        if (errno != EINTR)
            fail_errno("sync: send");
}

std::optional<SyncMessage> sync_receive(int fd, bool nonblocking) {
    std::vector<char> buf(kMaxMessage);
    ssize_t n;
    while ((n = ::recv(fd, buf.data(), buf.size(), nonblocking ? MSG_DONTWAIT : 0)) < 0) {
        if (nonblocking && (errno == EAGAIN || errno == EWOULDBLOCK))
            return std::nullopt;
        if (errno != EINTR)
            fail_errno("sync: receive");
    }
    if (n == 0)
        return std::nullopt;
    return SyncMessage{static_cast<SyncType>(buf[0]), std::string(buf.data() + 1, n - 1)};
}

SyncMessage sync_expect(int fd, SyncType type) {
    auto msg = sync_receive(fd);
    if (!msg)
        fail("container init exited during setup");
    if (msg->type == SyncType::error)
        fail(msg->text);
    if (msg->type != type)
        fail(std::string("sync: unexpected message '") + static_cast<char>(msg->type) + "'");
    return *msg;
}

} // namespace ward::container
