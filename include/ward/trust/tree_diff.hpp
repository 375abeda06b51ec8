// Comparing two per-file records: what a check of a rootfs against the
// record it was signed (or imported) with tells the user.
#pragma once

#include "ward/trust/file_record.hpp"

#include <optional>
#include <string>

namespace ward::trust {

// "/etc/passwd" for the record path "etc/passwd", quoted when it holds
// control characters, spaces or quotes (which would make a message
// misleading). Shared by the walk's and the diff's messages.
std::string shown_path(const std::string& rel);

// The first path (in the record's sorted order) where `got` differs from
// `want`, as a message ending in `since` ("since signing", "since
// import"), or nullopt when the records are equal:
//   rootfs file /bin/sh changed since signing                (content or size)
//   rootfs file /bin/sh mode changed since signing (want 0755, got 0777)
//   rootfs file /etc owner changed since signing (want 0:0, got 1000:1000)
//   rootfs file /x added since signing
//   rootfs file /x removed since signing
//   rootfs file /x type changed since signing (want file, got symlink)
//   rootfs symlink /lib target changed since signing (want "usr/lib", got "/")
//   rootfs device /dev/null changed since signing (want char 1:3, got char 1:5)
//   rootfs file /bin/ping xattr security.capability changed since signing
// When one path differs in several ways, the first of this list is named.
// How one path's record differs, in the words of first_difference (which
// calls it for each path both records hold); nullopt when equal.
std::optional<std::string> path_difference(const std::string& rel, const FileRecord& want,
                                           const FileRecord& got, const std::string& since);

std::optional<std::string> first_difference(const TreeRecord& want, const TreeRecord& got,
                                            const std::string& since);

} // namespace ward::trust
