// The mount points an import adds to a rootfs that lacks them. An image
// built FROM scratch (one static binary) has no /dev, /proc or /sys, and a
// store rootfs is never written once it is published, so create could not
// make them; import makes them in the fresh rootfs instead, as empty
// directories owned by root, mode 0755.
//
// They are recorded apart from the image's own files: files.jsonl stays
// the layers' content exactly (what the signature's chain vouches for) and
// image.json lists the directories import added ("mountPoints"). A later
// check of the rootfs (verifyRootfs: always) expects the record plus
// exactly those empty directories: anything inside one, another mode or
// owner, or any other extra path is still a difference.
#pragma once

#include "ward/trust/file_record.hpp"

#include <string>
#include <vector>

namespace ward::trust {

// "/dev", "/proc", "/sys": what `ward spec`'s mounts need at the top of the
// rootfs; no other name is ever added or accepted in image.json.
const std::vector<std::string>& import_mount_points();

// Makes each of import_mount_points() that `layers` (the unpacked tree's
// record) has no entry for, in the rootfs `rootfs_fd` (mkdir through the
// fd, owner and mode set on the new directory's own fd). An entry of any
// type at the name (a symlink /dev, a file /sys) is left alone: it is the
// image's. Returns the paths made ("/proc"), in import_mount_points() order.
std::vector<std::string> add_mount_points(int rootfs_fd, const TreeRecord& layers);

// Throws unless `path` is one of import_mount_points() (image.json is
// parsed strictly: a damaged entry must not widen what a check accepts).
void check_mount_point(const std::string& path);

// The tree a check of the rootfs expects: `layers` (files.jsonl) plus an
// empty root-owned 0755 directory for each of `mount_points`.
TreeRecord with_mount_points(TreeRecord layers, const std::vector<std::string>& mount_points);

} // namespace ward::trust
