// A strict, streaming reader of the tar stream inside an image layer:
// POSIX ustar, GNU long names/links ('L'/'K'), PAX extended headers ('x'
// and global 'g': path, linkpath, size, uid, gid, mtime, SCHILY.xattr.*).
//
// Strict means: every header checksum is verified, number fields are octal
// or GNU base-256 and nothing else, header kinds this reader does not know
// (sparse files, volume labels, multi-volume parts, old V7 headers) are
// refused rather than guessed at, sizes and path lengths are capped, and
// after an end-of-archive block nothing but zero padding may follow. A
// stream that simply stops after a whole entry (no padding, no
// end-of-archive block) ends the archive, as Go's archive/tar has it
// (umoci 0.4.7 writes such layers); one cut inside a header, an entry's
// content or its padding is truncated. Every byte of the stream passes through an optional
// sink, so the layer's diff_id (SHA-256 of the uncompressed tar) is
// computed by the same single read that unpacks it.
//
// Errors name the entry ("tar entry "etc/passwd": ...") or the offset of a
// bad header ("tar header at offset 1536: checksum mismatch").
#pragma once

#include "ward/trust/stream.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ward::trust {

enum class EntryType { file, hardlink, symlink, char_device, block_device, directory, fifo };

// "file", "hardlink", "symlink", "char", "block", "dir", "fifo"
const char* entry_type_name(EntryType type);

struct TarEntry {
    std::string path; // as in the archive (PAX/GNU long names applied)
    EntryType type = EntryType::file;
    uint32_t mode = 0; // permission bits and setuid/setgid/sticky (07777)
    uint32_t uid = 0;
    uint32_t gid = 0;
    uint64_t size = 0;       // content bytes (regular files)
    int64_t mtime = 0;       // seconds since the epoch
    uint32_t mtime_nsec = 0; // from a PAX mtime with a fraction
    std::string link_target; // symlink target, or the archive path a hardlink names
    uint32_t dev_major = 0;
    uint32_t dev_minor = 0;
    // SCHILY.xattr.NAME records: name → raw value bytes, sorted by name.
    std::map<std::string, std::string> xattrs;
};

struct TarLimits {
    uint64_t max_entry_size = uint64_t(1) << 36; // 64 GiB for one file
    size_t max_path = 4096;                      // PATH_MAX, for names and link targets
    size_t max_extended_header = 1 << 20;        // one PAX or GNU long-name header
    // PAX global ('g') records in force at once, applied to every later entry.
    size_t max_global_records = 64;
    size_t max_global_bytes = 64 << 10; // keys and values, all records in force
};

class TarReader {
  public:
    // `in` and `sink` (may be null) are not owned.
    TarReader(ByteSource& in, ByteSink* sink, TarLimits limits = {});

    // The next entry; false at the end of the archive, after the rest of
    // the stream (zero padding only) was read through the sink. Content of
    // the previous entry not read yet is skipped (and still hashed).
    bool next(TarEntry& entry);

    // Content of the current entry: up to n bytes, 0 at its end.
    size_t read(void* buf, size_t n);

    // Uncompressed bytes read so far (headers, content, padding).
    uint64_t offset() const { return offset_; }

  private:
    void pull(void* buf, size_t n, const char* what);
    void skip(uint64_t n);
    void finish_archive();

    ByteSource& in_;
    ByteSink* sink_;
    TarLimits limits_;
    uint64_t offset_ = 0;
    uint64_t remaining_ = 0;                    // content left in the current entry
    uint64_t padding_ = 0;                      // padding after it
    std::string current_;                       // current entry's path, for messages
    std::map<std::string, std::string> global_; // PAX 'g' records in force
    bool ended_ = false;
};

} // namespace ward::trust
