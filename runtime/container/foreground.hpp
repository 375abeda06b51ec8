// Waiting in the foreground for a container process that is ward's child
// (`run`, `exec`): signals meant for it are forwarded, its status returned.
#pragma once

#include <signal.h>

namespace ward::container {

// Signals an operator or a supervisor sends to ward that belong to the
// container process, plus SIGCHLD (the process is done). The caller blocks
// them once the process exists (blocked before, the mask would leak into it).
sigset_t forwarded_signals();

// Waits for `pid` (a child of ward) with `forwarded_signals()` blocked,
// sending each such signal on to it; returns its exit status (128+signal
// when killed).
int wait_forwarding(int pid);

} // namespace ward::container
