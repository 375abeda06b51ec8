// /proc/PID/mountinfo, parsed: the one reader of it, for the live audit
// (audit/live_mounts, live_cgroup) and the trust step's overlay layers
// (container/overlay_layers).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ward::linux {

// One line of /proc/PID/mountinfo.
struct MountEntry {
    uint64_t mount_id = 0;                    // as statx's STATX_MNT_ID gives it
    std::string root;                         // the path within the mounted filesystem ("/null")
    std::string mount_point;                  // as the target sees it
    std::vector<std::string> options;         // per-mount ("ro", "nosuid", ...)
    std::vector<std::string> optional_fields; // "shared:1", "master:3"
    std::string fstype;
    std::string source;
    std::vector<std::string> super_options; // the filesystem's ("rw,memory"), still escaped
};

// Strict: a line without its fields is an error naming it. Paths are
// unescaped (mountinfo writes space, tab, newline and backslash as \ooo).
std::vector<MountEntry> parse_mountinfo(const std::string& text);

// The \ooo escapes of mountinfo undone.
std::string unescape_mountinfo(std::string_view s);

} // namespace ward::linux
