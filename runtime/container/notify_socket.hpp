// NOTIFY_SOCKET passthrough (sd_notify from inside the container, as runc
// and crun give it). When ward runs with NOTIFY_SOCKET set (under systemd
// with Type=notify, or behind conmon): `create` makes <state dir>/notify,
// binds it read-only at /run/notify in the container and sets
// NOTIFY_SOCKET=/run/notify/notify.sock in the process's environment;
// `start` (and `run`) binds a datagram socket there, releases the init,
// waits until the container sends READY=1 or its init exits, and passes
// "READY=1" and "MAINPID=<pid>" on to the host's NOTIFY_SOCKET.
#pragma once

#include "ward/base/fd.hpp"
#include "ward/container/state.hpp"
#include "ward/linux/rootfs_handles.hpp"
#include "ward/spec/config.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ward::container {

inline constexpr char kNotifyDirInContainer[] = "/run/notify";
inline constexpr char kNotifySocketInContainer[] = "/run/notify/notify.sock";

// The host's NOTIFY_SOCKET (ward's environment), when set and not empty.
std::optional<std::string> host_notify_socket();

// create: makes <dir>/notify (0755), appends its bind mount at /run/notify
// (bind, ro, nosuid, nodev, noexec) to `spec` with its source opened into
// `handles` (the mount goes through the init's usual mount path, its
// target resolved inside the root), and sets the process's NOTIFY_SOCKET.
// Called after the policy step: this mount is ward's own, not the config's.
void add_notify_mount(spec::Spec& spec, const StateDir& dir, linux::RootfsHandles& handles);

// start: a datagram socket bound at <dir>/notify/notify.sock (any user
// may send: the container's may be another uid), or none when the
// container was created without the passthrough.
UniqueFd bind_notify_socket(const StateDir& dir);

// The READY= line of a datagram (sd_notify sends newline-separated
// assignments, READY=1 anywhere among them), if it has one.
std::optional<std::string> notify_ready_line(std::string_view datagram);

// Waits until a datagram with a READY= line arrives on `socket`, then sends
// that line and "MAINPID=<main_pid>" to `host` (with a BARRIER=1 as runc
// does, waited for at most 30 s). Returns without sending when the
// state's init exits first (or is gone already).
void forward_ready(int socket, const std::string& host, const State& state, int main_pid);

} // namespace ward::container
