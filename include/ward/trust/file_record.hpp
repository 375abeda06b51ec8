// The per-file record of an unpacked image: one line per path of the final
// tree (after every layer's whiteouts), kept by the store next to the rootfs
// so a later check can re-hash the tree against it.
//
// Serialised as JSON lines sorted by path (byte order), keys in a fixed
// order, so the same tree always gives the same bytes:
//   {"path":"/","type":"dir","mode":"0755","uid":0,"gid":0}
//   {"path":"/bin/sh","type":"file","mode":"0755","uid":0,"gid":0,"size":5,"digest":"sha256:…"}
//   {"path":"/lib","type":"symlink","mode":"0777","uid":0,"gid":0,"target":"usr/lib"}
//   {"path":"/dev/null","type":"char","mode":"0666","uid":0,"gid":0,"major":1,"minor":3}
// plus "xattrs":{"NAME":"<base64 value>",…} (sorted) when a file has any.
// A hardlink is recorded as the file it names (type "file", same digest).
#pragma once

#include "ward/trust/tar_reader.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace ward::trust {

struct FileRecord {
    EntryType type = EntryType::file; // never hardlink
    uint32_t mode = 0;                // 07777 bits as applied
    uint32_t uid = 0;
    uint32_t gid = 0;
    uint64_t size = 0;                         // regular files
    std::string digest;                        // regular files: "sha256:<hex>" of the content
    std::string target;                        // symlinks
    uint32_t major = 0, minor = 0;             // devices
    std::map<std::string, std::string> xattrs; // as set on the file (raw values)

    bool operator==(const FileRecord&) const = default;
};

// The final tree: path relative to the rootfs ("" is the root itself,
// "etc/passwd"), plus the running totals the unpack limits apply to.
struct TreeRecord {
    std::map<std::string, FileRecord> files;
    uint64_t entries = 0;            // tar entries unpacked, all layers
    uint64_t content_bytes = 0;      // file content written, all layers
    uint64_t uncompressed_bytes = 0; // tar stream bytes read, all layers

    // Drops `path` and everything below it.
    void erase_tree(const std::string& path);
};

// JSON lines as above (paths shown with a leading "/"). Only `files` is
// written.
std::string serialize_records(const TreeRecord& tree);

// The inverse; strict: unknown keys, a bad type or mode, unsorted or
// duplicate paths are errors ("file record line N: ...").
TreeRecord parse_records(std::string_view text);

} // namespace ward::trust
