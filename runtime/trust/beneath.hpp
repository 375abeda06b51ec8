// Private to trust/: directories of an unpack target opened through the
// one in-root resolver (base/in_root) in the mode an unpack needs, where a
// path through any symlink or mount point is refused, never followed; and
// removal that never leaves the tree.
#pragma once

#include "ward/base/fd.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ward::trust::detail {

// "a/b/c" for the first `count` components.
std::string join_components(const std::vector<std::string>& comps, size_t count);

// An O_PATH fd of the directory made of the first `count` components of
// `comps` under `root_fd`. No component may be a symlink, a non-directory
// or a mount point (Error: parent "a/b" is a symlink / is not a directory
// / is a mount point). Missing ones: created (0755, owned by whoever runs
// this) when `created` is given, which is then called with each new path;
// else the result is an invalid fd.
UniqueFd open_dir_beneath(int root_fd, const std::vector<std::string>& comps, size_t count,
                          const std::function<void(const std::string&)>* created);

// Removes `name` in `dir_fd` and, for a directory, everything below it;
// nothing is followed. A missing name is not an error.
void remove_all_at(int dir_fd, const std::string& name);

// The names in a directory (fd not consumed), without "." and "..".
std::vector<std::string> list_dir(int dir_fd);

} // namespace ward::trust::detail
