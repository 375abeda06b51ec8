// The parent↔init protocol over a SOCK_SEQPACKET socketpair: messages of a
// type byte and text of any size up to twice ward's document cap, sent as
// frames of 32 KiB (sync.cpp), and at most one fd per message passed with
// SCM_RIGHTS. The init reports errors as messages, so `create` can print
// what failed inside the container.
#pragma once

#include "ward/base/fd.hpp"

#include <optional>
#include <string>

namespace ward::container {

enum class SyncType : char {
    go = 'G',         // parent → init: mappings written; text = OCI state JSON for hooks
    run_hooks = 'H',  // init → parent: run prestart + createRuntime hooks now
    hooks_done = 'D', // parent → init
    ready = 'R',      // init → parent: blocked on the exec fifo next
    error = 'E',      // init → parent: text = the error
    pid = 'P',        // intermediate → parent: text = the init's pid (joined namespaces)
    seccomp_fd = 'S', // init → parent: fd = the seccomp notify fd, for linux.seccomp.listenerPath
    fault = 'F',      // child → parent, tests only: text = a fault point (base/fault.hpp) reached
};

struct SyncMessage {
    SyncType type;
    std::string text;
    UniqueFd fd; // the fd that came with the message (close-on-exec), or none
};

void sync_send(int fd, SyncType type, const std::string& text = {});
// The same, with passed_fd duplicated into the receiver (SCM_RIGHTS); the
// caller keeps and closes its own copy.
void sync_send_fd(int fd, SyncType type, int passed_fd, const std::string& text = {});

// Blocks for the next message; nullopt when the peer closed (died), or,
// with `nonblocking`, when nothing is queued. A fault message never reaches
// the caller: ward dies on it when WARD_FAULT names its point, and skips it
// otherwise (the child sends it only when named, and its sync fd is closed
// before the container's own code runs).
std::optional<SyncMessage> sync_receive(int fd, bool nonblocking = false);

// Receives and checks the type; an error message from the init is thrown
// as ward::Error(text); a closed socket throws "container init exited".
SyncMessage sync_expect(int fd, SyncType type);

} // namespace ward::container
