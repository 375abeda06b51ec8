// oci-archive: a tar of an OCI image layout (what `skopeo copy ...
// oci-archive:F.tar:tag` and `podman save --format oci-archive` write).
// ward never reads an image out of a tar directly: the archive is
// extracted, with the same strict tar reader the layers go through, into a
// private directory the caller owns, and that directory is then opened and
// verified as any layout. Extraction trusts nothing in the archive: the
// digests are checked afterwards, by the layout verification.
//
// Refused (an Error naming the entry): anything but regular files and
// directories (symlinks, hardlinks, devices, fifos), absolute names, ".."
// components, a name given twice, a file where a directory is needed, and
// going past the limits. Modes, owners and times in the archive are
// ignored: the files are 0644 and the directories 0755, owned by ward.
#pragma once

#include <cstdint>
#include <string>

namespace ward::trust {

struct ArchiveLimits {
    uint64_t max_bytes = uint64_t(64) << 30; // file content, all entries
    uint64_t max_entries = 100000;
    size_t max_path = 4096;
};

// True when `path` (followed, as a user naming a file expects) is a
// regular file: an archive rather than a layout directory.
bool is_archive_file(const std::string& path);

// Extracts `archive_path` (a plain tar, or a gzip- or zstd-compressed one,
// told by its first bytes) into `target_fd`, an empty directory. Errors:
// "oci-archive F: tar entry "x": symlinks are not allowed in an oci-archive".
void extract_archive(const std::string& archive_path, int target_fd,
                     const ArchiveLimits& limits = {});

} // namespace ward::trust
