// A file on this host by identity (device and inode): what two opens of
// "the same path" are compared by, since a name can be swapped in between.
#pragma once

#include <cstdint>

namespace ward {

struct FileId {
    uint64_t dev = 0;
    uint64_t ino = 0;
    bool operator==(const FileId&) const = default;
};

} // namespace ward
