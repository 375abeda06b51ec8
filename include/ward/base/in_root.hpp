// The one resolver of paths inside a directory tree ward does not trust: a
// container's rootfs (linux/ mounts, devices, masked paths; container/'s
// trust check) and an image's unpack target (trust/ unpack, oci-archive,
// store). Nothing resolved here can leave the root, and procfs magic links
// are refused. (CVE-2021-30465, CVE-2025-31133, CVE-2025-52565)
//
// openat2 does the work where the kernel has it; otherwise, and to create
// what is missing, one fd walk opens a component at a time with O_NOFOLLOW
// and decides about every symlink and ".." itself, never asking the kernel
// to follow one. Both paths give the same answers for both modes.
//
// What is created is acted on only through the fd it was made or opened
// with, never by name: before the pivot an absolute symlink swapped in
// under a name resolves on the host, so a chmod or mount by name after a
// mkdir could reach a host file. (CVE-2021-30465 with a shared volume)
#pragma once

#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace ward {

// What a symlink met on the way means.
enum class Symlinks {
    in_root, // followed as if the root were "/": absolute targets and ".."
             // stay inside (RESOLVE_IN_ROOT); what a container's own paths need
    refused, // never followed: a symlink anywhere on the path is an error
             // (ELOOP), as is a ".." above the root (EXDEV); what an unpack needs
};

// Whether the path may cross a mount point below the root.
enum class Mounts {
    cross,
    stay, // a component on another mount is an error (EXDEV), bind mounts included
};

// What to create when a component is missing.
enum class Create {
    none,      // every component must exist (ENOENT)
    directory, // missing components become directories (mkdir -p)
    file,      // as directory, but the last component becomes an empty file
};

struct Resolution {
    Symlinks symlinks = Symlinks::in_root;
    Mounts mounts = Mounts::cross;
    Create create = Create::none;
    // New directories get this mode exactly (the umask does not apply);
    // a new file gets 0644.
    unsigned dir_mode = 0755;
    // Called with each directory made, as its path from the root ("a/b").
    std::function<void(const std::string&)> on_created;
};

// A failed resolution. `err` is the errno behind it, so callers can skip a
// missing path (ENOENT) without parsing the message; `op` is the step that
// failed ("openat2", "open", "mkdir", "create", "chmod", "readlink",
// "stat"); `at` is the path from the root up to the component that failed
// ("a/b"; the whole path when openat2 failed, which does not say where).
class PathError : public Error {
  public:
    PathError(const std::string& msg, int err, std::string op, std::string at)
        : Error(msg), err(err), op(std::move(op)), at(std::move(at)) {}
    int err;
    std::string op;
    std::string at;
};

// Opens `path` (absolute or not, always taken from the root) inside
// `root_fd`, resolving and creating as `how` says. `flags` are open(2)
// flags (O_CLOEXEC is always added); with Symlinks::in_root the last
// component is followed when it is a symlink. A component this call made
// comes back as the fd it was made with: a new directory reopened from its
// own fd with `flags`, a new file as a read-only fd. Throws PathError
// "OP "PATH" in rootfs: strerror".
UniqueFd resolve_in_root(int root_fd, std::string_view path, int flags, const Resolution& how);

// resolve_in_root with symlinks followed inside the root, mounts crossed,
// nothing created.
UniqueFd open_in_root(int root_fd, std::string_view path, int flags);

// open_in_root, but a path that does not exist (ENOENT at any component)
// is nullopt rather than an error: a masked or read-only path the image
// lacks. Any other failure throws PathError as open_in_root does. An absent
// path costs no exception: the init meets several at every start, and a
// first throw in a process faults in the unwinder's tables.
std::optional<UniqueFd> open_in_root_if_exists(int root_fd, std::string_view path, int flags);

// The same with O_PATH, creating what is missing as `create` says.
UniqueFd create_in_root(int root_fd, std::string_view path, Create create,
                        unsigned dir_mode = 0755);

// Sets the owner, then the mode (chown clears setuid/setgid) of the file
// `fd` refers to; an O_PATH fd is enough, so a device node or fifo need
// not be opened. Never takes a name.
void set_owner_and_mode(int fd, uid_t uid, gid_t gid, mode_t mode);

// The components of `path` with empty and "." ones dropped ("..": kept).
std::vector<std::string> path_components(std::string_view path);

// `path` as "/" followed by its components ("/dev//pts/." → "/dev/pts",
// "" → "/"): how config paths are compared ("..": kept, not resolved).
std::string normal_path(std::string_view path);

// Tests: force the fd walk even where openat2 exists.
void force_fd_walk(bool on);

} // namespace ward
