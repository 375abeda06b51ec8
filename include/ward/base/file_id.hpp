// A file on this host by identity (device and inode): what two opens of
// "the same path" are compared by, since a name can be swapped in between.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <sys/stat.h>

namespace ward {

struct FileId {
    uint64_t dev = 0;
    uint64_t ino = 0;
    bool operator==(const FileId&) const = default;

    static FileId of(const struct stat& st) {
        return {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
    }
};

// The identity of an open file, or of a path (symlinks followed); nullopt
// when it cannot be had (the caller says what that means).
inline std::optional<FileId> file_id(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) < 0)
        return std::nullopt;
    return FileId::of(st);
}
inline std::optional<FileId> file_id(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) < 0)
        return std::nullopt;
    return FileId::of(st);
}

} // namespace ward
