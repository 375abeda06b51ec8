#include "ward/cgroups/processes.hpp"

#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"

#include <dirent.h>

namespace ward::cgroups {
namespace {

void collect(const std::string& dir, std::vector<int>& pids, int depth) {
    std::string text;
    try {
        text = read_file(dir + "/cgroup.procs");
    } catch (const Error&) {
        return; // removed meanwhile
    }
    for (auto& line : split(text, '\n'))
        if (auto pid = parse_int(line))
            pids.push_back(static_cast<int>(*pid));
    // cgroup.max.depth bounds real trees; this bounds a pathological one.
    if (depth >= 64)
        return;
    DIR* d = ::opendir(dir.c_str());
    if (!d)
        return;
    std::vector<std::string> children;
    while (dirent* entry = ::readdir(d)) {
        std::string name = entry->d_name;
        if (entry->d_type == DT_DIR && name != "." && name != "..")
            children.push_back(dir + "/" + name);
    }
    ::closedir(d);
    for (const auto& child : children)
        collect(child, pids, depth + 1);
}

} // namespace

std::vector<int> all_processes(const Cgroup& cgroup) {
    std::vector<int> pids;
    if (!cgroup.path().empty())
        collect(cgroup.full_path(), pids, 0);
    return pids;
}

} // namespace ward::cgroups
