// What a failed create may have left behind: each check looks where a runtime
// puts things (state dir, processes, mounts, cgroups) for one container id.
#include "integration/harness.hpp"

#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ward_it {

namespace {

std::string link_target(const std::string& path) {
    char buf[4096];
    ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

// Processes whose root is the rootfs (after pivot_root the root link reads
// "/", so the inode decides), or whose root, cwd or command line names the
// bundle (before pivot_root).
void scan_processes(const Bundle& b, std::vector<std::string>& found, std::vector<pid_t>* pids) {
    struct stat rootfs {};
    if (::stat(b.rootfs.c_str(), &rootfs) != 0)
        return;
    DIR* d = ::opendir("/proc");
    if (!d)
        return;
    while (dirent* de = ::readdir(d)) {
        std::string name = de->d_name;
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::string base = "/proc/" + name;
        std::string cmdline = slurp(base + "/cmdline");
        for (char& c : cmdline)
            if (c == '\0')
                c = ' ';
        struct stat root {};
        if (::stat((base + "/root").c_str(), &root) == 0 && root.st_dev == rootfs.st_dev &&
            root.st_ino == rootfs.st_ino) {
            found.push_back("process " + name + " (" + cmdline + ") has the rootfs as its root");
            if (pids)
                pids->push_back(static_cast<pid_t>(std::stol(name)));
            continue;
        }
        for (const std::string& what :
             {link_target(base + "/root"), link_target(base + "/cwd"), cmdline}) {
            if (what.find(b.bundle_dir) != std::string::npos) {
                found.push_back("process " + name + " (" + cmdline + ") points at " + what);
                if (pids)
                    pids->push_back(static_cast<pid_t>(std::stol(name)));
                break;
            }
        }
    }
    ::closedir(d);
}

} // namespace

std::vector<std::string> cgroup_dirs_for(const std::string& id) {
    std::set<std::string> dirs;
    std::error_code ec;
    for (const auto& hierarchy : fs::directory_iterator("/sys/fs/cgroup", ec))
        dirs.insert(hierarchy.path().string() + "/" + id);
    // A runtime places relative cgroup paths under the caller's own cgroup in
    // each hierarchy ("12:memory:/some/parent" → /sys/fs/cgroup/memory/some/parent/ID).
    std::ifstream self("/proc/self/cgroup");
    std::string line;
    while (std::getline(self, line)) {
        auto first = line.find(':');
        auto second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos)
            continue;
        std::string controllers = line.substr(first + 1, second - first - 1);
        std::string path = line.substr(second + 1);
        if (path == "/")
            continue;
        std::vector<std::string> names;
        if (controllers.empty())
            names.push_back("unified");
        std::istringstream in(controllers);
        std::string c;
        while (std::getline(in, c, ','))
            names.push_back(c.rfind("name=", 0) == 0 ? c.substr(5) : c);
        for (const auto& n : names)
            if (fs::is_directory("/sys/fs/cgroup/" + n, ec))
                dirs.insert("/sys/fs/cgroup/" + n + path + "/" + id);
    }
    return {dirs.begin(), dirs.end()};
}

std::vector<std::string> leftovers(const Bundle& b, const std::string& id) {
    std::vector<std::string> found;
    if (fs::exists(b.state_dir + "/" + id))
        found.push_back("state dir " + b.state_dir + "/" + id);
    scan_processes(b, found, nullptr);
    std::ifstream mi("/proc/self/mountinfo");
    std::string line;
    while (std::getline(mi, line))
        if (line.find(" " + b.bundle_dir) != std::string::npos)
            found.push_back("mount: " + line);
    // Every hierarchy, unified and v1 alike: a runtime that makes cgroups
    // named after the id must remove them all.
    std::error_code ec;
    for (const auto& cgroup : cgroup_dirs_for(id))
        if (fs::exists(cgroup, ec))
            found.push_back("cgroup " + cgroup);
    return found;
}

std::vector<pid_t> bundle_processes(const Bundle& b) {
    std::vector<std::string> found;
    std::vector<pid_t> pids;
    scan_processes(b, found, &pids);
    return pids;
}

} // namespace ward_it
