#include "ward/cgroups/cgroup.hpp"

#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"

#include <chrono>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <thread>
#include <unistd.h>

namespace ward::cgroups {
namespace {

bool is_cgroup2(const char* path) {
    struct statfs fs {};
    return ::statfs(path, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

// Joins and normalises a cgroup path; refuses "..".
std::string clean_path(const std::string& path) {
    std::vector<std::string> parts;
    for (auto& part : split(path, '/')) {
        if (part.empty() || part == ".")
            continue;
        if (part == "..")
            fail("cgroup path " + quote(path) + ": \"..\" is not allowed");
        parts.push_back(part);
    }
    return "/" + join(parts, "/");
}

std::string parent_of(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

} // namespace

std::string self_cgroup() {
    for (auto& line : split(read_file("/proc/self/cgroup"), '\n'))
        if (line.starts_with("0::"))
            return line.substr(3);
    return "/";
}

std::string move_refused(const std::string& path) {
    std::vector<std::string> from = split(clean_path(self_cgroup()), '/');
    std::vector<std::string> to = split(clean_path(path), '/');
    std::string common = hierarchy_root();
    for (std::size_t i = 0; i < from.size() && i < to.size() && from[i] == to[i]; ++i)
        if (!from[i].empty())
            common += "/" + from[i];
    std::string procs = common + "/cgroup.procs";
    if (::faccessat(AT_FDCWD, procs.c_str(), W_OK, AT_EACCESS) == 0)
        return "";
    return procs;
}

std::string hierarchy_root() {
    // Asked by every cgroup step of a create (about ten times); the mounts do
    // not move under one ward process, so two statfs calls are enough. A
    // failed lookup throws and is tried again on the next call.
    static const std::string root = [] {
        for (const char* path : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"})
            if (is_cgroup2(path))
                return std::string(path);
        fail("no cgroup2 hierarchy mounted at /sys/fs/cgroup or /sys/fs/cgroup/unified");
    }();
    return root;
}

std::string resolve_path(const std::string& cgroups_path, const std::string& id) {
    std::string inner = cgroups_path.empty() ? id : cgroups_path;
    if (inner.starts_with("/"))
        return clean_path(inner);
    if (inner.find(':') != std::string::npos)
        fail("linux.cgroupsPath: " + quote(cgroups_path) +
             " is a systemd slice:prefix:name path: it needs the systemd cgroup driver "
             "(--systemd-cgroup)");
    return clean_path(parent_of(clean_path(self_cgroup())) + "/" + inner);
}

std::string undelegated_dir(const std::string& path) {
    std::string root = hierarchy_root();
    std::string deepest = root;
    std::string current = root;
    for (auto& part : split(path, '/')) {
        if (part.empty())
            continue;
        current += "/" + part;
        struct stat st {};
        if (::stat(current.c_str(), &st) < 0 || !S_ISDIR(st.st_mode))
            break;
        deepest = current;
    }
    if (::faccessat(AT_FDCWD, deepest.c_str(), W_OK, AT_EACCESS) == 0)
        return "";
    return deepest;
}

Cgroup Cgroup::attach(const std::string& path) {
    Cgroup cg;
    cg.path_ = path;
    return cg;
}

Cgroup Cgroup::create(const std::string& path) {
    Cgroup cg;
    cg.path_ = path;
    std::string root = hierarchy_root();
    std::string current = root;
    for (auto& part : split(path, '/')) {
        if (part.empty())
            continue;
        current += "/" + part;
        if (::mkdir(current.c_str(), 0755) == 0)
            cg.created_.push_back(current);
        else if (errno != EEXIST)
            fail_errno("create cgroup " + current);
    }
    if (cg.created_.empty() || cg.created_.back() != current) {
        // The leaf existed: only reuse it when it is empty.
        if (!cg.processes().empty())
            fail("cgroup " + path + " already has processes (another container's?)");
    }
    return cg;
}

std::string Cgroup::full_path() const {
    return hierarchy_root() + path_;
}

UniqueFd Cgroup::open_dir() const {
    std::string dir = full_path();
    UniqueFd fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        fail_errno("open cgroup " + dir);
    return fd;
}

bool Cgroup::exists() const {
    struct stat st {};
    return !path_.empty() && ::stat(full_path().c_str(), &st) == 0;
}

void Cgroup::add_process(int pid) const {
    std::string procs = full_path() + "/cgroup.procs";
    UniqueFd fd(::open(procs.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd)
        fail_errno("open " + procs);
    write_all(fd.get(), std::to_string(pid), "add pid " + std::to_string(pid) + " to " + procs);
}

std::vector<int> Cgroup::processes() const {
    std::vector<int> pids;
    std::string text;
    try {
        text = read_file(full_path() + "/cgroup.procs");
    } catch (const Error&) {
        return pids;
    }
    for (auto& line : split(text, '\n'))
        if (auto pid = parse_int(line))
            pids.push_back(static_cast<int>(*pid));
    return pids;
}

void Cgroup::destroy(bool created_parents) const {
    if (!exists())
        return;
    std::string dir = full_path();
    // cgroup.kill (5.14+) kills every process, including ones forked meanwhile.
    UniqueFd kill_fd(::open((dir + "/cgroup.kill").c_str(), O_WRONLY | O_CLOEXEC));
    for (int attempt = 0; attempt < 200; ++attempt) {
        auto pids = processes();
        // errno only means something right after the rmdir: with processes
        // left it is stale, and an old ENOENT must not end the loop early.
        if (pids.empty() && (::rmdir(dir.c_str()) == 0 || errno == ENOENT))
            break;
        if (kill_fd && ::pwrite(kill_fd.get(), "1", 1, 0) == 1)
            ;
        else
            for (int pid : pids)
                ::kill(pid, SIGKILL);
        std::this_thread::sleep_for(std::chrono::milliseconds(attempt < 20 ? 1 : 10));
    }
    if (exists())
        fail_errno("remove cgroup " + dir);
    if (created_parents)
        for (auto it = created_.rbegin(); it != created_.rend(); ++it)
            if (*it != dir)
                ::rmdir(it->c_str());
}

} // namespace ward::cgroups
