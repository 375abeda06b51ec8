// Recording a directory tree on disk in the per-file record format of
// file_record.hpp, so a rootfs can be compared with the record its image's
// unpack made (verifyRootfs: always) or with the one `ward sign` signed.
//
// A tree unpacked by unpack_layer and walked here gives the same record,
// byte for byte: type, mode (07777), owner, size and SHA-256 of regular
// files, symlink targets, device numbers, and the xattrs the unpacker sets
// (user.* and security.capability) on files and directories. Hardlinks are
// recorded as the file they name (hashed once).
//
// The walk never leaves the tree:
// - every name is looked at with statx(AT_SYMLINK_NOFOLLOW) and opened with
//   openat(O_NOFOLLOW) relative to its parent's fd, never by path, and each
//   opened fd is checked to be the inode that was looked at (a swap between
//   the look and the open is an error, not a detour);
// - symlinks are recorded, never followed;
// - a mount point below the root is refused ("rootfs directory /proc is a
//   mount point"): what it shows depends on the host's mount table, not on
//   the tree that was signed, and a bind mount could lead anywhere (even
//   back to /). The root itself may be a mount point (a rootfs on its own
//   filesystem is fine);
// - names and symlink targets must be UTF-8 (the record keeps them as JSON
//   strings); sockets are refused (the record has no type for them, and
//   neither an image layer nor a signed tree has a use for one).
//
// File contents are hashed by a small pool of threads while one thread
// walks: the walker opens each regular file and hands the fd over through
// a bounded queue (at most kQueueDepth fds are open at once), so a worker
// never resolves a path. Files are read with large read(2)s into a
// per-thread buffer and hashed with OpenSSL's SHA-256 (SHA-NI where the
// CPU has it).
#pragma once

#include "ward/trust/file_record.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace ward::trust {

struct WalkOptions {
    // Hashing threads; 0: the CPUs this process may run on
    // (sched_getaffinity, else the number online).
    unsigned threads = 0;
    uint64_t max_entries = 4000000; // paths in the tree
    size_t max_depth = 256;         // directory levels below the root
    // false: a look at the tree's shape only, no file opened: regular
    // files get statx's size and no digest, no xattr is read (the cheap
    // first pass of trust/rootfs_match, before the hashing one).
    bool hash_contents = true;
};

// Walks the directory `rootfs_dirfd` (any fd of it, O_PATH is fine; not
// consumed). The result's `files` is the record; `entries` counts the paths
// recorded and `content_bytes` the bytes hashed (each hardlinked inode
// once). Errors name the path inside the tree: `rootfs file "/x": read:
// input/output error`, `rootfs directory /proc is a mount point`.
TreeRecord record_tree(int rootfs_dirfd, const WalkOptions& options = {});

// The xattrs of an open file or directory that a record holds (user.* and
// security.capability, as the unpacker sets them); `rel` names it in
// errors.
std::map<std::string, std::string> record_xattrs(int fd, const std::string& rel);

// The number of hashing threads `options` asks for, resolved.
unsigned walk_threads(const WalkOptions& options);

} // namespace ward::trust
