// Path resolution confined to a root directory fd, for every path the
// runtime touches inside a container's rootfs. Symlinks and ".." never leave
// the root (they resolve as if the root were "/"), and procfs magic links are
// refused, so a hostile image cannot aim a mount or a device node at the
// host. (CVE-2021-30465, CVE-2025-31133, CVE-2025-52565)
//
// openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS) does the work where the
// kernel has it; otherwise an fd walk opens one component at a time with
// O_NOFOLLOW and resolves symlinks itself, never asking the kernel to follow
// a link or a "..".
#pragma once

#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ward::linux {

// What to create when a component is missing.
enum class Create {
    none,      // every component must exist
    directory, // missing components become directories (mkdir -p)
    file,      // as directory, but the last component becomes an empty file
};

// A failed resolution; `err` is the errno behind it, so callers can skip a
// missing path (ENOENT) without parsing the message.
class PathError : public Error {
  public:
    PathError(const std::string& msg, int err) : Error(msg), err(err) {}
    int err;
};

// Opens `path` (absolute or not, always taken from the root) inside
// `root_fd`. `flags` are open(2) flags; O_CLOEXEC is always added. The last
// component is followed when it is a symlink (inside the root). Throws
// PathError "openat2 "PATH" in rootfs: strerror" ("open ..." from the fd
// walk).
UniqueFd open_in_root(int root_fd, std::string_view path, int flags);

// Like open_in_root with O_PATH, creating what is missing as `create` says
// (directories with `dir_mode`, a file with 0644; the umask applies to
// neither). Returns an O_PATH fd of the (possibly new) last component.
UniqueFd create_in_root(int root_fd, std::string_view path, Create create,
                        unsigned dir_mode = 0755);

// The components of `path` with empty and "." ones dropped ("..": kept).
std::vector<std::string> path_components(std::string_view path);

// "/proc/self/fd/N": a string only the kernel resolves, to the fd's file.
std::string fd_path(int fd);

// Tests: force the fd walk even where openat2 exists.
void force_fd_walk(bool on);

} // namespace ward::linux
