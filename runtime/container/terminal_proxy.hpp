// The pty proxy of a foreground `run` with process.terminal (runc's
// behaviour when no --console-socket is given).
#pragma once

#include "ward/base/fd.hpp"

#include <signal.h>

namespace ward::container {

// A waitpid status as `run` reports it: the exit code, 128+signal when
// killed (the shell's convention, as runc).
int exit_status_of(int wait_status);

// Takes the pty master the init sends over `socket` (one SCM_RIGHTS fd).
UniqueFd receive_pty_master(int socket);

// Copies stdin → master and master → stdout, forwards the `forwarded`
// signals (already blocked by the caller) to `pid`, follows SIGWINCH, and
// returns the init's exit status (128+signal when killed) once it exits.
int proxy_terminal_until_exit(int master, int pid, const sigset_t& forwarded);

} // namespace ward::container
