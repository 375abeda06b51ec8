// The process's cgroup and the limits read back from it. cgroup2 first (its
// "0::" line, under the cgroup2 mount: /sys/fs/cgroup, or
// /sys/fs/cgroup/unified on a hybrid host); on a hybrid host the v1
// controllers (memory, pids, cpu) are read too, since a runtime using v1
// (runc there) enforces its limits through them. A limit whose controller
// is in neither is listed as unreadable, never guessed.
#include "ward/audit/live.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/cgroups/cgroup.hpp"

#include <algorithm>
#include <dirent.h>
#include <initializer_list>
#include <unistd.h>

namespace ward::audit {
namespace {

// A controller and its limit files: a constant table (the list's array
// lives as long as the table), so no process builds it at start-up.
struct ControllerFiles {
    const char* controller;
    std::initializer_list<const char*> files;
};

// The limit files of each cgroup2 controller an audit reads back.
constexpr ControllerFiles kV2Files[] = {
    {"pids", {"pids.max"}},
    {"memory", {"memory.max", "memory.high", "memory.swap.max"}},
    {"cpu", {"cpu.max", "cpu.weight"}},
    {"cpuset", {"cpuset.cpus", "cpuset.mems"}},
    {"io", {"io.max", "io.weight"}},
};

// The v1 equivalents (hybrid hosts).
constexpr ControllerFiles kV1Files[] = {
    {"pids", {"pids.max"}},
    {"memory", {"memory.limit_in_bytes", "memory.memsw.limit_in_bytes"}},
    {"cpu", {"cpu.cfs_quota_us", "cpu.cfs_period_us", "cpu.shares"}},
};

std::optional<std::string> try_read(const std::string& path) {
    try {
        return std::string(trim(read_file(path)));
    } catch (const Error&) {
        return std::nullopt;
    }
}

std::vector<std::string> words(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& w : split(std::string(trim(text)), ' '))
        if (!w.empty())
            out.push_back(w);
    return out;
}

// hugetlb.<size>.max files present in `dir`.
std::vector<std::string> hugetlb_files(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d)) {
            std::string name = e->d_name;
            if (starts_with(name, "hugetlb.") && name.ends_with(".max") &&
                name.find(".rsvd.") == std::string::npos)
                out.push_back(name);
        }
        ::closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

void read_v2(CgroupLimits& cg) {
    std::string root;
    try {
        root = cgroups::hierarchy_root();
    } catch (const Error& e) {
        cg.unreadable.push_back(std::string("cgroup2: ") + e.what());
        return;
    }
    cg.directory = root + (cg.path == "/" ? "" : cg.path);
    auto controllers = try_read(cg.directory + "/cgroup.controllers");
    if (!controllers) {
        cg.unreadable.push_back(cg.directory + ": cannot be read");
        return;
    }
    auto enabled = words(*controllers);
    for (const auto& [controller, files] : kV2Files) {
        bool on = std::find(enabled.begin(), enabled.end(), controller) != enabled.end();
        for (const char* file : files) {
            auto value = on ? try_read(cg.directory + "/" + file) : std::nullopt;
            if (value)
                cg.values[file] = *value;
            else if (!on)
                cg.unreadable.push_back(std::string(file) + ": the " + controller +
                                        " controller is not enabled in " + cg.directory);
        }
    }
    for (const auto& file : hugetlb_files(cg.directory))
        if (auto value = try_read(cg.directory + "/" + file))
            cg.values[file] = *value;
}

// Where each v1 controller is mounted in ward's own mount namespace.
std::map<std::string, std::string> v1_mounts() {
    std::map<std::string, std::string> out;
    std::string text;
    try {
        text = read_file("/proc/self/mountinfo");
    } catch (const Error&) {
        return out;
    }
    for (const auto& m : parse_mountinfo(text))
        if (m.fstype == "cgroup")
            for (const auto& opt : m.super_options)
                out.emplace(opt, m.mount_point);
    return out;
}

void read_v1(CgroupLimits& cg) {
    if (cg.v1.empty())
        return;
    auto mounts = v1_mounts();
    for (const auto& [controller, files] : kV1Files) {
        auto path = cg.v1.find(controller);
        auto mount = mounts.find(controller);
        if (path == cg.v1.end() || mount == mounts.end())
            continue;
        std::string dir = mount->second + (path->second == "/" ? "" : path->second);
        for (const char* file : files)
            if (auto value = try_read(dir + "/" + file))
                cg.values[std::string("v1:") + file] = *value;
    }
}

} // namespace

CgroupLimits read_cgroup(const ProcessHandle& process) {
    CgroupLimits cg;
    for (const auto& line : split(process.read("cgroup"), '\n')) {
        // "0::/path" (cgroup2) or "4:memory:/path" / "1:cpu,cpuacct:/path" (v1)
        auto first = line.find(':');
        auto second = first == std::string::npos ? first : line.find(':', first + 1);
        if (second == std::string::npos)
            continue;
        std::string controllers = line.substr(first + 1, second - first - 1);
        std::string path = line.substr(second + 1);
        if (line.substr(0, first) == "0" && controllers.empty())
            cg.path = path;
        else
            for (const auto& c : split(controllers, ','))
                cg.v1[c] = path;
    }
    if (!cg.path.empty())
        read_v2(cg);
    else
        cg.unreadable.push_back("the process is in no cgroup2 cgroup");
    read_v1(cg);
    return cg;
}

} // namespace ward::audit
