// Passing fds over unix sockets (SCM_RIGHTS), the one implementation the
// console socket, the parent↔init sync channel, the seccomp listener and
// the terminal proxy share.
#pragma once

#include "ward/base/fd.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <vector>

namespace ward {

// A unix socket of `type` (SOCK_STREAM, SOCK_DGRAM) connected to `path`; a
// path starting with '@' names an abstract socket, as systemd's
// NOTIFY_SOCKET may. Errors name the socket as `what` ("console socket",
// "--pidfd-socket") and the path: `connect --pidfd-socket /x: <strerror>`.
UniqueFd connect_unix(const std::string& path, const std::string& what, int type = SOCK_STREAM);

// One sendmsg of `data` with `fd` attached (none when fd < 0), retried on
// EINTR. Returns the bytes sent (a stream socket may take fewer).
// Throws ward::Error "<what>: <strerror>".
size_t send_with_fd(int socket, std::string_view data, int fd, std::string_view what);

struct ReceivedMessage {
    size_t size = 0;           // bytes of data; 0 at EOF
    std::vector<UniqueFd> fds; // every fd that came, owned (close-on-exec)
    bool truncated = false;    // data or control did not fit
};

// One recvmsg into `buffer`, retried on EINTR; every fd received is owned
// by the result before anything can throw. With `nonblocking`, returns
// nothing when no message is waiting.
std::optional<ReceivedMessage> receive_with_fds(int socket, char* buffer, size_t size,
                                                std::string_view what, bool nonblocking = false);

} // namespace ward
