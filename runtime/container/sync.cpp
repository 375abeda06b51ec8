#include "ward/container/sync.hpp"

#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fault.hpp"
#include "ward/base/fd_passing.hpp"

#include <algorithm>
#include <memory>

namespace ward::container {
namespace {

// A message travels as frames: a SOCK_SEQPACKET packet is bounded by the
// socket's send buffer (~208 KiB by default), and the state document "go"
// carries holds every annotation (Kubernetes allows 256 KiB of them).
// Each frame is [type][more: '+' or '.'][up to kFrameBytes of text]; an fd
// rides with the first frame.
constexpr size_t kFrameBytes = 32 << 10;
constexpr char kMore = '+';
constexpr char kLast = '.';
// A whole message: a state document holds at most a config's annotations.
constexpr size_t kMaxMessage = 2 * kMaxDocumentBytes;

void send_message(int fd, SyncType type, const std::string& text, int passed_fd) {
    if (text.size() > kMaxMessage)
        fail("sync: message of " + std::to_string(text.size()) + " bytes, more than " +
             std::to_string(kMaxMessage));
    size_t offset = 0;
    do {
        size_t n = std::min(kFrameBytes, text.size() - offset);
        bool last = offset + n == text.size();
        std::string frame{static_cast<char>(type), last ? kLast : kMore};
        frame.append(text, offset, n);
        send_with_fd(fd, frame, offset == 0 ? passed_fd : -1, "sync: send");
        offset += n;
    } while (offset < text.size());
}

} // namespace

void sync_send(int fd, SyncType type, const std::string& text) {
    send_message(fd, type, text, -1);
}

void sync_send_fd(int fd, SyncType type, int passed_fd, const std::string& text) {
    if (passed_fd < 0)
        fail("sync: no fd to pass");
    send_message(fd, type, text, passed_fd);
}

std::optional<SyncMessage> sync_receive(int fd, bool nonblocking) {
    // Not zeroed: zeroing 32 KiB wrote 9 pages, a page fault each the first
    // time and again after the fork in both the parent and the init (a
    // copy-on-write of each), though most messages are a few bytes;
    // recvmsg writes only what arrives.
    constexpr size_t kBufferBytes = kFrameBytes + 2;
    auto buf = std::make_unique_for_overwrite<char[]>(kBufferBytes);
    std::optional<SyncMessage> out;
    while (true) {
        // Only the first frame may be awaited without blocking: the rest
        // of a message is sent right after it.
        auto frame =
            receive_with_fds(fd, buf.get(), kBufferBytes, "sync: receive", nonblocking && !out);
        if (!frame || frame->size == 0) {
            if (out)
                fail("sync: the peer closed the socket inside a message");
            return std::nullopt;
        }
        if (frame->truncated || frame->size < 2)
            fail("sync: malformed frame");
        if (frame->fds.size() > (out ? 0 : 1))
            fail("sync: an fd passed where none belongs");
        auto type = static_cast<SyncType>(buf[0]);
        if (!out)
            out = SyncMessage{type, {}, {}};
        else if (type != out->type)
            fail("sync: a frame of another message inside one");
        if (!frame->fds.empty())
            out->fd = std::move(frame->fds[0]);
        if (out->text.size() + frame->size - 2 > kMaxMessage)
            fail("sync: message larger than " + std::to_string(kMaxMessage) + " bytes");
        out->text.append(buf.get() + 2, frame->size - 2);
        if (buf[1] == kLast && out->type == SyncType::fault) {
            fault_point(out->text);
            out.reset();
            continue;
        }
        if (buf[1] == kLast)
            return out;
        if (buf[1] != kMore)
            fail("sync: malformed frame");
    }
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
