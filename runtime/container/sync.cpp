#include "ward/container/sync.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fd_passing.hpp"

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
    send_with_fd(fd, packet, passed_fd, "sync: send");
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
    auto msg = receive_with_fds(fd, buf.data(), buf.size(), "sync: receive", nonblocking);
    if (!msg || msg->size == 0)
        return std::nullopt;
    if (msg->fds.size() > 1)
        fail("sync: more than one fd with one message");
    if (msg->truncated)
        fail("sync: message truncated");
    SyncMessage out{static_cast<SyncType>(buf[0]), std::string(buf.data() + 1, msg->size - 1), {}};
    if (!msg->fds.empty())
        out.fd = std::move(msg->fds[0]);
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
