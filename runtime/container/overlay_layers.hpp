// The layers of an overlay rootfs (containerd's and podman's snapshots), for
// the client trust cache: which directories the kernel stacks, and whether
// the writable upper one holds only what a client may add.
#pragma once

#include "ward/base/fd.hpp"
#include "ward/linux/mountinfo.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ward::container {

struct OverlayLayers {
    std::vector<std::string> lowers; // topmost first, as the kernel stacks them
    std::string upper;               // empty: a read-only overlay
};

// From an overlay mount's line: nullopt when it is not overlay, or has
// options whose effect on the merged tree the cache does not model
// (data-only lower layers, an escaped ',' or ':' in a path, a relative
// path).
std::optional<OverlayLayers> overlay_layers(const linux::MountEntry& mount);

// The layers of the overlay `rootfs_fd` is the root of (its mount id looked
// up in /proc/self/mountinfo); nullopt when the rootfs is not exactly an
// overlay mount's root.
std::optional<OverlayLayers> rootfs_overlay(int rootfs_fd);

// The layers opened (no symlink on the way, but for one naming a lower
// layer as its last component, as podman's l/ links do) and what
// identifies the lower ones: "lower DEV INO BTIME PATH[ -> TARGET]" lines,
// topmost first. nullopt
// when one cannot be opened or the filesystem gives no birth time.
struct OpenedLayers {
    std::vector<UniqueFd> lowers;
    UniqueFd upper;
    std::string identity;
};
std::optional<OpenedLayers> open_layers(const OverlayLayers& layers);

// nullopt when the upper layer holds nothing that changes the image the
// lower layers are: only directories on top of a lower directory with its
// mode, owner and xattrs, and the empty, root-owned mount targets
// (rootfs_match.hpp's extras); else the first thing that does
// ("/etc/passwd: a file in the upper layer").
std::optional<std::string> upper_layer_change(const OpenedLayers& layers,
                                              const std::set<std::string>& mount_points);

} // namespace ward::container
