// What create opens once, before any check, and hands to the container
// init: the rootfs directory and the source of every bind mount. Each check
// (the trust step, the hostMounts rule) looks at these fds, and the init
// mounts and pivots from the very same fds, so nothing a check approved is
// resolved by name again after the check or a hook. (CVE-2021-30465 class:
// a symlink swapped between check and use; relative bind sources that
// climb out of the bundle.)
#pragma once

#include "ward/base/fd.hpp"
#include "ward/base/file_id.hpp"
#include "ward/spec/config.hpp"

#include <string>
#include <vector>

namespace ward::linux {

struct RootfsHandles {
    // What the checks look at: O_PATH fds of root.path (O_DIRECTORY;
    // symlinks followed once, here) and of each bind mount's source (one
    // entry per config mount, invalid for mounts that are not binds;
    // relative sources taken from the bundle, symlinks followed as mount(2)
    // would).
    UniqueFd rootfs;
    std::vector<UniqueFd> sources;
    // What the init mounts: detached copies (open_tree OPEN_TREE_CLONE) of
    // exactly those fds, made in ward's mount namespace (a mount of it
    // cannot be cloned from the container's new one) and made slaves, so
    // nothing mounted on them in the container propagates back to the
    // host. The rootfs copy is recursive; a source's as its options say.
    UniqueFd rootfs_tree;
    std::vector<UniqueFd> source_trees;
    // Why a bind source could not be opened (one entry per config mount,
    // empty when it was): kept until require_sources, so a config the
    // policy refuses is refused for that rather than for a missing path.
    std::vector<std::string> source_errors;

    // One more bind source, for a mount ward itself appends to the config
    // after the checks (the NOTIFY_SOCKET directory in the state dir):
    // `path` is opened as a directory without following a symlink, and
    // its copy is not recursive.
    void append_directory_source(const std::string& path);

    // Makes rootfs_tree and source_trees of the fds opened (in the mount
    // namespace ward is in now).
    void make_copies(const spec::Spec& spec);

    // Rootless (linux/rootless.hpp): the copies must be made in the mount
    // namespace ward enters after the checks, where the fds opened before
    // belong to another namespace, which open_tree refuses. The kernel's
    // names of the opened fds (rootfs first, "" for a source not opened),
    // taken before ward moves; then, in the new namespace, each reopened
    // by that name and refused unless it is the same file (device and
    // inode) the checks looked at.
    std::vector<std::string> kernel_paths() const;
    void reopen_here(const std::vector<std::string>& paths);

    // Throws the first source error, if any.
    void require_sources() const;

    // Every fd, for the init's list of fds to keep across its fd cleanup
    // (so each is closed once, by its owner).
    std::vector<int> fds() const;
    // The init needs only the copies: it closes the O_PATH fds first thing.
    void close_checked();
    // Closes everything left: the init does so once the mounts are made, so
    // the container process can never reach them (CVE-2024-21626).
    void close_all();
};

// Opens root.path (throws when it cannot) and each bind source (errors
// kept in source_errors, naming the field: `mounts[2].source "data":
// open: no such file or directory`), and with `copies` makes their copies.
RootfsHandles open_rootfs_handles(const spec::Spec& spec, const std::string& bundle,
                                  bool copies = true);

// The kernel's name for the file open at `fd` (readlink of /proc/self/fd/N).
std::string kernel_path(int fd);

// Where an opened file really is: the kernel's name for it and its
// identity followed by that of every directory above it up to "/"
// (reached with "..", which crosses bind mounts the way the kernel
// resolves them). For a non-directory the parent is found by the kernel's
// name and checked to still hold that very inode. Throws when the file
// moved while it was looked at.
struct FileLocation {
    std::string path;
    std::vector<FileId> chain; // [the file, its directory, ..., "/"]
};
FileLocation locate(int fd);

} // namespace ward::linux
