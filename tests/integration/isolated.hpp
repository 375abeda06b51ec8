// Running library code as a container's init would run it, in a forked
// child inside fresh namespaces, for tests of the privileged steps
// (test_rootfs.cpp, test_procfs.cpp). The child reports "key=value" lines
// through a pipe and never returns into the test framework; the parent
// parses them.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace ward_it {

using Report = std::map<std::string, std::string>;

// "key=value\n".
std::string report_line(const std::string& key, const std::string& value);

// Runs `inside` after unshare(flags), as pid 1 of a new pid namespace when
// flags has CLONE_NEWPID; "error=..." when it threw or unshare failed.
Report run_in_child(int flags, const std::function<std::string()>& inside);

} // namespace ward_it
