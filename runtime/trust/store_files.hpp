// Private to trust/: the store's files and temporary directories, shared by
// store.cpp (lookup, rm) and import.cpp.
#pragma once

#include "ward/base/fd.hpp"
#include "ward/trust/signature.hpp"
#include "ward/trust/store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ward::trust::detail {

// signatures.json: [{"payload": b64, "signature": b64 DER, "origin": "..."}], a Sigstore
// bundle as {"format": "sigstore bundle v0.3", "bundle": b64, "origin": "..."}.
std::string serialize_signatures(const std::vector<Signature>& signatures);
std::vector<Signature> parse_signatures(std::string_view text, const std::string& what);

// A fresh directory STORE/tmp/PREFIX-XXXXXX (0700), flock'd while this
// object lives so sweep_tmp never takes it for an abandoned one, and
// removed (everything below it, nothing followed) when it goes, unless
// released (it was renamed into images/).
class TempDir {
  public:
    TempDir(const Store& store, const std::string& prefix);
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    const std::string& name() const { return name_; }
    int fd() const { return fd_.get(); }
    int tmp_fd() const { return tmp_.get(); }
    void release() { released_ = true; }

  private:
    UniqueFd tmp_; // STORE/tmp
    UniqueFd fd_;  // the directory itself, flock'd
    std::string name_, path_;
    bool released_ = false;
};

// Removes what an import or rm killed half-way left in STORE/tmp (the
// directories no live TempDir holds a lock on). Call with the store lock held.
void sweep_tmp(const Store& store);

// Writes NAME in dir_fd (must not exist), fsync'd.
void write_new_file(int dir_fd, const std::string& name, std::string_view data);
// Replaces NAME in dir_fd atomically: NAME.tmp, fsync, rename, fsync of the directory.
void replace_file(int dir_fd, const std::string& name, std::string_view data);
void fsync_dir(int dir_fd, const std::string& what);

// STORE/images/sha256, created when `create`; invalid fd when missing.
UniqueFd open_images_dir(const Store& store, bool create);

// Rewrites an entry's image.json with `entry` (names changed). Store lock held.
void rewrite_image_json(const StoreEntry& entry);

} // namespace ward::trust::detail
