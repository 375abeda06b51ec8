// Small cache files in a directory of ward's own (the store's verify memo
// and client trust cache, the state root's seccomp programs), one per key: named by
// FNV-1a of the key and holding the whole key, which a lookup compares, so
// two keys that share a name only evict each other and a name never
// answers for another key. Not a digest on purpose: these lookups sit on
// every start's path, and FNV-1a of a short key costs nothing to set up.
//
// The directory is trusted as its owner is (Store::open checks the store
// and its parents are root's and writable by no one else); each file is
// still read only when it is a regular file (never followed as a symlink)
// owned by ward's euid and writable by no one else. Writes are best
// effort, temp file and rename: a cache that cannot be written costs the
// next start the work it would have saved (said on the debug log).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ward {

class KeyedFiles {
  public:
    // `header` names the format and its version ("ward verify memo v1\n"):
    // bumped whenever what a stored value means changes.
    KeyedFiles(std::string dir, std::string header);

    // The value stored for exactly `key`; nullopt when none, or anything
    // about the file is not as put() leaves it.
    std::optional<std::string> get(std::string_view key) const;
    void put(std::string_view key, std::string_view value) const;

    const std::string& dir() const { return dir_; }

  private:
    std::string path_for(std::string_view key) const;
    std::string prefix(std::string_view key) const;
    std::string dir_;
    std::string header_;
};

} // namespace ward
