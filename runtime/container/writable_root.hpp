// A writable root for a container of a store image (`--writable`, i.e.
// root.readonly false on a store rootfs): an overlay whose lower layer is
// the store rootfs create opened and the trust step checked (the same fd),
// whose upper layer is <state dir>/rootfs-upper and whose work directory
// is <state dir>/rootfs-work. The store rootfs is never written: every
// change lands in the upper layer, and goes with `delete`.
//
// The overlay is built detached in create (with ward's credentials, which
// its copy-ups use) and handed to the init in place of the rootfs copy;
// the init attaches it in the container's mount namespace and pivots into
// it. It is never in the host's mount table, so nothing of it can be left
// mounted there: it lives as long as the container's mount namespace.
#pragma once

#include "ward/base/fd.hpp"
#include "ward/container/state.hpp"

namespace ward::container {

// Makes rootfs-upper (owner and mode of the store rootfs's root, which the
// overlay's root shows) and rootfs-work (0700) in the state dir, and
// mounts the overlay on `lower_fd` (the rootfs fd create opened). Returns
// the detached mount; `record` says what was made, for state.json.
UniqueFd mount_writable_root(const StateDir& dir, int lower_fd, RootfsOverlay& record);

// Removes rootfs-upper and rootfs-work from the state dir (by those fixed
// names, whatever state.json says), naming what could not be removed.
void remove_writable_root(const StateDir& dir);

} // namespace ward::container
