// --pidfd-socket PATH (create, run, exec; runc 1.2's flag): whoever listens
// on PATH gets a pidfd of the container's init or of the exec'd process,
// so it can signal and wait for exactly that process, never a pid reused.
#pragma once

#include "ward/base/fd.hpp"

#include <string>
#include <string_view>

namespace ward::container {

// Connected before anything is started, so a wrong path fails early and
// leaves nothing behind. Errors name the flag and the path.
UniqueFd connect_pidfd_socket(const std::string& path);

// The message runc sends: one sendmsg whose bytes name the kind of process
// ("standard" for a container's init, "setns" for an exec'd one) and whose
// SCM_RIGHTS carries the pidfd. `pid` must be ward's child, not yet reaped,
// so the number cannot name another process meanwhile.
inline constexpr std::string_view kPidfdInit = "standard";
inline constexpr std::string_view kPidfdExec = "setns";
void send_pidfd(int socket, int pid, std::string_view kind, const std::string& path);

} // namespace ward::container
