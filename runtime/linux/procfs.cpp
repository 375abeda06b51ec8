#include "ward/linux/procfs.hpp"

#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/vfs.h>

namespace ward::linux {

UniqueFd open_procfs(const std::string& path, int flags) {
    if (!path.starts_with("/proc/"))
        fail("open_procfs: " + quote(path) + " is not under /proc");
    UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW));
    if (!fd)
        fail_errno("open " + path);
    struct statfs fs {};
    if (::fstatfs(fd.get(), &fs) < 0)
        fail_errno("fstatfs " + path);
    if (fs.f_type != PROC_SUPER_MAGIC)
        fail("open " + path + ": not on procfs (something is mounted over it)");
    return fd;
}

void write_procfs(const std::string& path, std::string_view data) {
    UniqueFd fd = open_procfs(path, O_WRONLY);
    write_all(fd.get(), data, "write " + path);
}

namespace {

// The fields of /proc/PID/stat after the command name, which may itself
// contain spaces and parentheses: split after the last ')'.
std::vector<std::string> stat_fields(int pid) {
    std::string text;
    try {
        text = read_file("/proc/" + std::to_string(pid) + "/stat");
    } catch (const Error&) {
        return {};
    }
    auto close = text.rfind(')');
    if (close == std::string::npos || close + 2 >= text.size())
        return {};
    return split(std::string_view(text).substr(close + 2), ' ');
}

} // namespace

unsigned long long process_start_time(int pid) {
    // Field 22 overall; fields[0] is field 3 (state).
    auto fields = stat_fields(pid);
    if (fields.size() < 20)
        return 0;
    return parse_uint(fields[19]).value_or(0);
}

char process_state(int pid) {
    auto fields = stat_fields(pid);
    if (fields.empty() || fields[0].empty())
        return 0;
    return fields[0][0];
}

} // namespace ward::linux
