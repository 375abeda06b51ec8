// The container init: what the cloned child does, in order, before it
// becomes the container process. It never returns: it execs the
// container's process or exits after reporting an error to the parent.
#pragma once

#include "ward/linux/namespaces.hpp"
#include "ward/linux/rootfs_handles.hpp"
#include "ward/seccomp/filter.hpp"
#include "ward/spec/config.hpp"

#include <string>
#include <vector>

namespace ward::container {

struct InitContext {
    const spec::Spec* spec = nullptr;
    // linux.seccomp's program, built by create before the clone (so a bad
    // profile fails before any process exists, and a cached program is read
    // on the host); null without linux.seccomp.
    const seccomp::Filter* filter = nullptr;
    linux::NamespacePlan namespaces;
    std::string rootfs; // root.path, for messages
    // The rootfs and bind sources opened by create: mounted and pivoted
    // into as they are, closed once the mounts are made.
    linux::RootfsHandles* handles = nullptr;
    bool readonly_from_start = false; // a store image (linux::RootfsContext)
    int sync_fd = -1;                 // our end of the socketpair
    int fifo_fd = -1;                 // exec fifo, opened O_RDWR by the parent
    int console_fd = -1;              // connected --console-socket, or -1
    int preserve_fds = 0;
    bool no_pivot = false;
    bool no_new_keyring = false;
    std::vector<int> keep_fds; // fds the init needs (sync, fifo, console, log, handles)
    int parent_pidfd = -1;     // ward's own pidfd: set by spawn_init, kept too
};

[[noreturn]] void run_init(const InitContext& ctx);

} // namespace ward::container
