// A store image's rootfs (STORE/images/sha256/<hex>/rootfs) is shared by
// every container of the image and vouched for by its per-file record:
// nothing create does may write into it, whatever the policy says about
// trust. Shared read-only, the init binds it read-only before anything is
// mounted on it (linux::RootfsContext::readonly_from_start), and these
// rules refuse, before anything touches the host, a config that would need
// to write there. A config asking for a writable root gets an overlay on
// it instead (writable_root.hpp).
#pragma once

#include "ward/spec/config.hpp"

#include <string>

namespace ward::container {

// Whether `rootfs_fd` is a store image's rootfs: the config says so (the
// dev.ward.image.digest annotation `run --image` and `bundle create
// --image` write) or the directory is an entry's rootfs in the store in
// use (`store_flag`, else WARD_STORE, else /var/lib/ward), compared by
// identity, so a hand-written config naming a store path is caught too.
bool is_store_rootfs(const spec::Spec& spec, int rootfs_fd, const std::string& store_flag);

// Whether the config asks for a writable root (root.readonly not true).
// On a store rootfs that is an overlay on it (writable_root.hpp), never a
// write into it.
bool wants_writable_root(const spec::Spec& spec);

// For a store rootfs shared read-only: refuses ("refusing to start: ...")
// a config that would write into it: no mount on /dev (the device nodes
// and links would be made in the rootfs); a mount target the rootfs lacks
// (the mount setup would create it). Targets below another mount of the
// config (/dev/pts on /dev's tmpfs) are made on that mount and are fine.
void check_store_rootfs_use(const spec::Spec& spec, int rootfs_fd);

} // namespace ward::container
