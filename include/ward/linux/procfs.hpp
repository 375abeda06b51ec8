// Writes and reads under /proc through fds verified to be on procfs
// (fstatfs magic), so a container that mounts something over /proc cannot
// redirect a runtime write. (CVE-2019-16884, CVE-2025-52881)
#pragma once

#include "ward/base/fd.hpp"

#include <string>
#include <string_view>

namespace ward::linux {

// Opens `path` (absolute, under /proc) with O_CLOEXEC|O_NOFOLLOW added and
// verifies that the opened file is on procfs. Throws otherwise.
UniqueFd open_procfs(const std::string& path, int flags);

// Writes the whole of `data` to a procfs file opened with open_procfs.
void write_procfs(const std::string& path, std::string_view data);

// Reads /proc/PID/stat field 22 (start time in clock ticks since boot);
// nullopt-like 0 when the process is gone.
unsigned long long process_start_time(int pid);

// 'R', 'S', 'Z', ... from /proc/PID/stat; 0 when gone.
char process_state(int pid);

} // namespace ward::linux
