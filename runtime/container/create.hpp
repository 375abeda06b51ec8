// create, shared by the `create` and `run` verbs.
#pragma once

#include "ward/base/fd.hpp"
#include "ward/container/lifecycle.hpp"
#include "ward/container/state.hpp"

namespace ward::container {

// Everything `create` does. On return the init is blocked on the exec fifo,
// the state is saved and the state dir lock is released. On failure every
// step taken is undone (init killed, cgroup and state dir removed).
// `terminal_peer`: given by a foreground `run`; when the config asks for a
// terminal and no --console-socket was given, the init sends its pty master
// over a socketpair whose other end is returned there.
State create_container(const Globals& g, const CreateOptions& options,
                       UniqueFd* terminal_peer = nullptr);

// start, and with NOTIFY_SOCKET the wait for READY=1 (notify_socket.hpp).
struct StartOptions {
    // The host is told MAINPID=main_pid, or the init's pid when 0 (a
    // detached container; a foreground `run` gives its own, as runc does).
    int main_pid = 0;
    // `run`: a failure to notify the host is a warning, not an error.
    bool from_run = false;
};
void start_container(const Globals& g, const std::string& id, const StartOptions& options);

// Runs the poststart or poststop hooks of the saved config.json (warnings
// only: the container has started or stopped already), reading the config
// only when the state says it has some.
void run_saved_hooks(const StateDir& dir, const State& state, bool poststart);

// Connects to --console-socket (create and exec send the pty master there).
UniqueFd connect_console_socket(const std::string& path);

// Writes --pid-file atomically (relative paths: against the cwd).
void write_pid_file(const std::string& path, int pid);

// Removes a container whose init is gone or killed: cgroup, poststop hooks
// (warnings only), state dir. Called with the state dir locked.
void destroy_container(const StateDir& dir, const State& state);

} // namespace ward::container
