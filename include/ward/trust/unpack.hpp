// Safe unpack of image layers into a directory that becomes a rootfs.
//
// The caller (the image store) creates a fresh, private temporary directory,
// calls unpack_layer once per layer, bottom layer first, with the same
// TreeRecord, compares each result's diff_id with the image config's
// rootfs.diff_ids (check_diff_id), and renames the directory into place only
// when every layer succeeded; on any error it removes the directory.
//
// What a layer may not do (each is refused with an error naming the entry):
// - name a path outside the target: absolute names ("/etc/x") are refused,
//   not stripped; a ".." component is refused; names are never resolved
//   through a symlink: a parent component that is a symlink (from this layer
//   or a lower one) is refused, the last component is never followed
//   (whatever is there is replaced), so a symlink can never be written
//   through. (Build tools record real paths, so real layers do not route
//   entries through symlinks; clamping the link into the root, as
//   containerd does, would put the file somewhere the image did not name.)
// - hardlink to anything but a regular file already unpacked in the target;
// - name the same path twice in one layer, or replace a directory it has
//   already written into;
// - whiteout "." or ".." (".wh..", ".wh..."), or use ".wh..wh.*" names other
//   than the opaque marker ".wh..wh..opq";
// - go past the limits (entries, content bytes, uncompressed bytes, path
//   length and depth).
// Whiteouts follow the OCI layer spec: ".wh.NAME" removes NAME from lower
// layers, ".wh..wh..opq" hides everything the lower layers had in its
// directory; neither touches what the same layer adds, in any order.
//
// Ownership, modes, mtimes and xattrs are applied (the unpack runs as root).
// Device nodes, setuid/setgid bits on non-directories and
// security.capability xattrs are governed by UnpackOptions, which the
// policy fills; other xattrs than user.* and security.capability
// (trusted.*, security.selinux, ACLs) are never set: the host's labels and
// ACLs are not the image's to choose.
#pragma once

#include "ward/policy/trust.hpp"
#include "ward/trust/file_record.hpp"
#include "ward/trust/stream.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace ward::trust {

// What to do with an entry or attribute a policy may not want:
//   refuse: the layer is refused;
//   drop:   device nodes are skipped, setuid/setgid bits cleared,
//           security.capability not set (each counted in LayerResult);
//   keep:   unpacked as the layer says.
// The policy's own types (its trust.unpack section), so what the policy
// says reaches the unpacker without a translation.
using Treatment = policy::Treatment;
using UnpackOptions = policy::UnpackRules;

// Caps over the whole image (every layer unpacked into one tree); the
// running totals live in TreeRecord.
struct UnpackLimits {
    uint64_t max_uncompressed = uint64_t(16) << 30; // tar bytes of all layers
    uint64_t max_content = uint64_t(16) << 30;      // file content of all layers
    uint64_t max_entries = 1000000;                 // tar entries of all layers
    size_t max_path = 4096;                         // bytes in a name or link target
    size_t max_depth = 128;                         // components in a name
};

// Who owns what a store holds. Root's store keeps each layer's own owners;
// an unprivileged user cannot chown, so their store holds every file as
// that user (the layers' owners are not kept, and the per-file record says
// what is on disk). In a rootless container, where the caller is root of
// the user namespace, those files are root's, as most images have them.
struct StoreOwner {
    uint32_t uid = 0;
    uint32_t gid = 0;
    bool squashed = false; // an unprivileged store: every owner is the caller
};
StoreOwner store_owner();

struct LayerResult {
    std::string diff_id;    // "sha256:<hex>" of the uncompressed tar stream
    uint64_t entries = 0;   // tar entries (whiteouts included)
    uint64_t tar_bytes = 0; // uncompressed stream length
    uint64_t dropped_devices = 0;
    uint64_t dropped_setid = 0;
    uint64_t dropped_capabilities = 0;
    uint64_t dropped_xattrs = 0; // namespaces never set (trusted.*, security.selinux, …)
};

// Unpacks one layer blob (compression from `media_type`, see
// decompress.hpp) into `target_fd` (a directory; not followed through
// anything), updating `tree`. The first layer (an empty `tree`) also makes
// the target itself 0755 root:root, unless the layer has a "./" entry.
// Errors: "tar entry "NAME": ...", or the decompressor's and reader's.
LayerResult unpack_layer(int target_fd, ByteSource& blob, std::string_view media_type,
                         const UnpackLimits& limits, const UnpackOptions& options,
                         TreeRecord& tree);

// Throws "layer LAYER_DIGEST diff_id mismatch (want WANT, got GOT)" unless
// they are equal.
void check_diff_id(std::string_view layer_digest, std::string_view want, std::string_view got);

} // namespace ward::trust
