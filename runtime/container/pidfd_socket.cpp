// --pidfd-socket: ward (the process's parent) opens the pidfd itself, where
// runc's init opens its own; the listener gets the same thing either way:
// a pidfd of the process, sent before it runs the container's program.
#include "pidfd_socket.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fd_passing.hpp"
#include "ward/base/log.hpp"
#include "ward/linux/procfs.hpp"

#include <sys/socket.h>

namespace ward::container {

UniqueFd connect_pidfd_socket(const std::string& path) {
    return connect_unix(path, "--pidfd-socket", SOCK_STREAM);
}

void send_pidfd(int socket, int pid, std::string_view kind, const std::string& path) {
    UniqueFd pidfd = linux::open_pidfd(pid);
    if (!pidfd)
        fail_errno("--pidfd-socket " + path + ": pidfd_open " + std::to_string(pid));
    size_t sent = send_with_fd(socket, kind, pidfd.get(), "--pidfd-socket " + path + ": send");
    if (sent != kind.size())
        fail("--pidfd-socket " + path + ": send: short write");
    log::debug("pidfd of " + std::to_string(pid) + " sent to " + path);
}

} // namespace ward::container
