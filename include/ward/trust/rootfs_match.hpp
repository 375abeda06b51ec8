// Which store image a rootfs someone else unpacked is (containerd's and
// podman's overlay snapshots): the proof create takes for a client's
// bundle, which carries no ward annotation and no ward signature.
//
// The store's per-file record of each image (made by ward's own verified
// unpack) is the truth; the client's tree, walked from the one fd create
// opened, must hold exactly those paths with the same type, mode, owner,
// size, content, link target, device numbers and xattrs. The only paths it
// may have beyond the image's are what a client legitimately adds before
// the runtime runs, each of which a mount of the config then covers:
//   - a mount destination of the config that is an empty directory or an
//     empty regular file (containerd and podman make /etc/hosts,
//     /etc/resolv.conf, /run/.containerenv, ... as bind targets);
//   - a directory on the way to one (/run for /run/.containerenv);
//   - /etc/mtab as a symlink to /proc/mounts or /proc/self/mounts (podman
//     adds it to an image without one);
// each owned by root, without set-id, sticky or group/other-write bits and
// without xattrs. Anything else (an added, removed or changed path) is a
// difference, named as first_difference names it.
//
// Matching is two passes over the client's tree: a stat-only walk
// (hash_contents = false) compared with every store entry's record without
// contents picks the candidates cheaply (and names the closest image when
// none fits); then one hashing walk compared in full with each candidate.
#pragma once

#include "ward/trust/file_record.hpp"
#include "ward/trust/store.hpp"
#include "ward/trust/tree_walk.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ward::trust {

// Mount destinations as record paths ("etc/hosts"); "/", "." and ".."
// components are normalised away or, for "..", left out (such a
// destination allows nothing).
std::set<std::string> mount_points_as_record_paths(const std::vector<std::string>& destinations);

// The difference, if any, between the image's "/" and the client's. An
// image whose layers never name "./" leaves the root's mode to whoever
// unpacks it (ward and containerd's snapshotter make 0755, podman's overlay
// driver 0555), so the client's root may hold fewer permission bits than
// the record, never one more; type, owner and xattrs (with `contents`) must
// be the record's.
std::optional<std::string> client_root_difference(const FileRecord& image_root, FileRecord got,
                                                  bool contents);

// nullopt when `r`, at a path the image does not have, is one of the
// extras above; else the difference ("rootfs file /x added since import").
std::optional<std::string> client_extra_refusal(const std::string& rel, const FileRecord& r,
                                                const std::set<std::string>& mount_points);

struct RecordComparison {
    std::optional<std::string> first; // the first difference, as first_difference words it
    size_t differing = 0;             // paths that differ (for naming the closest image)
};

// `image` against `client` with the extras above allowed. `contents`:
// compare digests and xattrs too (false when `client` is a stat-only walk).
RecordComparison compare_client_record(const TreeRecord& image, const TreeRecord& client,
                                       const std::set<std::string>& mount_points, bool contents);

struct RootfsMatch {
    std::optional<StoreEntry> entry; // the image the tree is, or nullopt
    FileRecord image_root;           // with entry: that image's record of "/"
    // When no entry matched: why, one phrase naming the closest image
    // ("rootfs does not match image NAME (sha256:…): rootfs file /bin/sh
    // changed since import") or saying the store holds none.
    std::string why;
    uint64_t files = 0; // paths of the client's tree
    uint64_t bytes = 0; // content bytes hashed (0 when no candidate got that far)
};

// Walks `rootfs_fd` (stat-only, then hashing when some entry's shape fits)
// and compares it with every entry of `store`.
RootfsMatch match_store_rootfs(const Store& store, int rootfs_fd,
                               const std::set<std::string>& mount_points,
                               const WalkOptions& options = {});

} // namespace ward::trust
