// An overlay filesystem over one read-only lower directory, built detached
// (fsopen/fsmount): the writable root of a store image's container
// (container/writable_root.hpp).
//
// Each layer is handed to the kernel as the directory an fd refers to,
// never as a name resolved again: with FSCONFIG_SET_FD (Linux 6.13) the
// fd itself, on older kernels the fd's /proc/self/fd/N link, which the
// kernel follows to that same dentry and mount. So the lower layer is the
// very inode the trust check looked at, whatever happens to the path.
#pragma once

#include "ward/base/fd.hpp"

namespace ward::linux {

// A detached overlay mount: lower `lower_fd` (read-only to the overlay:
// nothing is ever written there), upper `upper_fd`, work `work_fd` (an
// empty directory on the upper's filesystem). Any fd of each directory
// will do, O_PATH included (each is reopened from itself). The overlay is
// made with the caller's credentials, which copy-up later uses. Errors
// carry the kernel's explanation: `create overlay filesystem: invalid
// argument (overlay: filesystem on upper not supported as upperdir)`.
UniqueFd mount_overlay(int lower_fd, int upper_fd, int work_fd);

} // namespace ward::linux
