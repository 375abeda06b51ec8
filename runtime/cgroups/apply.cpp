#include "ward/cgroups/apply.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/cgroups/cgroup.hpp"

#include <algorithm>
#include <fcntl.h>
#include <unistd.h>

namespace ward::cgroups {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::vector<std::string> words(const std::string& text) {
    std::vector<std::string> out;
    for (auto& line : split(text, '\n'))
        for (auto& w : split(line, ' '))
            if (!w.empty())
                out.push_back(w);
    return out;
}

// One write(2) of `value` to an existing file: cgroupfs takes one setting
// per write and reports a refusal as the write's errno. -1 and errno set
// on failure (ENOENT: no such interface file).
int write_once(const std::string& dir, const std::string& file, const std::string& value) {
    UniqueFd fd(::open((dir + "/" + file).c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd)
        return -1;
    ssize_t n;
    do {
        n = ::write(fd.get(), value.data(), value.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    return 0;
}

std::string describe(const Write& w) {
    return w.field + (w.given.empty() ? "" : " (" + w.given + ")");
}

// Returns 0 or the errno of the write that failed; ENOENT with neither a
// fallback nor optional means the interface file is missing.
int write_one(const std::string& dir, const Write& w, std::string& used_file,
              std::string& used_value) {
    used_file = w.file;
    used_value = w.value;
    if (write_once(dir, w.file, w.value) == 0)
        return 0;
    int err = errno;
    if (err == ENOENT && !w.fallback_file.empty()) {
        used_file = w.fallback_file;
        used_value = w.fallback_value;
        if (write_once(dir, w.fallback_file, w.fallback_value) == 0)
            return 0;
        err = errno;
    }
    if (err == ENOENT && w.optional) {
        log::debug("cgroup: " + w.file + " does not exist here; " + w.field + " needs no write");
        return 0;
    }
    return err;
}

[[noreturn]] void write_failed(const std::string& dir, const Write& w, const std::string& file,
                               const std::string& value, int err) {
    std::string msg = describe(w) + ": write " + value + " to " + file + ": " + errno_text(err);
    if (err == ENOENT)
        msg += " (no such interface file in " + dir + ")";
    fail(msg);
}

void check_usage(const std::string& dir, int64_t limit) {
    std::string text;
    try {
        text = read_file(dir + "/memory.current");
    } catch (const Error&) {
        return; // best effort, as runc: no usage to compare with
    }
    auto usage = parse_uint(trim(text));
    if (usage && static_cast<uint64_t>(limit) <= *usage)
        fail("linux.resources.memory.limit: rejecting memory limit " + std::to_string(limit) +
             " <= usage " + std::to_string(*usage) + " (memory.checkBeforeUpdate is set)");
}

} // namespace

std::vector<std::string> available_controllers() {
    return words(read_file(hierarchy_root() + "/cgroup.controllers"));
}

Controllers controllers_for(const std::string& cgroup_path) {
    std::string root = hierarchy_root();
    if (cgroup_path.empty())
        return {root, available_controllers()};
    std::string dir = root;
    std::vector<std::string> parts = split(cgroup_path, '/');
    for (std::size_t i = 0;; ++i) {
        if (::faccessat(AT_FDCWD, (dir + "/cgroup.subtree_control").c_str(), W_OK, AT_EACCESS) == 0)
            return {dir, words(read_file(dir + "/cgroup.controllers"))};
        while (i < parts.size() && parts[i].empty())
            ++i;
        if (i >= parts.size() || ::access((dir + "/" + parts[i]).c_str(), F_OK) != 0)
            break;
        dir += "/" + parts[i];
    }
    return {root, available_controllers()};
}

Split split_by_controller(const std::vector<Write>& writes,
                          const std::vector<std::string>& available) {
    Split out;
    for (const auto& w : writes) {
        std::string c = w.controller();
        if (c.empty() || contains(available, c))
            out.applicable.push_back(w);
        else
            out.unavailable.push_back(w);
    }
    return out;
}

void enable_controllers(const std::string& cgroup_path, const std::vector<std::string>& required) {
    std::string root = hierarchy_root();
    std::vector<std::string> available = available_controllers();
    std::vector<std::string> wanted = required;
    for (const char* c : {"cpu", "io", "memory", "pids"})
        if (contains(available, c) && !contains(wanted, c))
            wanted.push_back(c);
    if (wanted.empty())
        return;
    // From the root down to the container's parent; the container's own
    // subtree_control stays empty (it holds processes).
    std::vector<std::string> parts;
    for (auto& part : split(cgroup_path, '/'))
        if (!part.empty())
            parts.push_back(part);
    std::string dir = root;
    for (size_t i = 0; i + 1 <= parts.size(); ++i) {
        std::vector<std::string> enabled = words(read_file(dir + "/cgroup.subtree_control"));
        for (const auto& c : wanted) {
            if (contains(enabled, c))
                continue;
            if (write_once(dir, "cgroup.subtree_control", "+" + c) == 0)
                continue;
            int err = errno;
            if (contains(required, c))
                fail("enable the " + c + " controller in " + dir +
                     "/cgroup.subtree_control: " + errno_text(err));
            log::debug("cgroup: " + c + " not enabled in " + dir + ": " + errno_text(err));
        }
        dir += "/" + parts[i];
    }
}

void apply_plan(const std::string& dir, const Plan& plan) {
    if (plan.refuse_below_usage)
        check_usage(dir, *plan.refuse_below_usage);
    std::vector<const Write*> retry;
    for (const auto& w : plan.writes) {
        std::string file, value;
        int err = write_one(dir, w, file, value);
        if (err == EINVAL && w.retry_after_rest) {
            retry.push_back(&w);
            continue;
        }
        if (err != 0)
            write_failed(dir, w, file, value, err);
        log::debug("cgroup: " + file + " = " + value + " (" + w.field + ")");
    }
    for (const Write* w : retry) {
        std::string file, value;
        if (int err = write_one(dir, *w, file, value))
            write_failed(dir, *w, file, value, err);
    }
}

void write_limits(const Cgroup& cgroup, const Plan& plan,
                  const std::vector<std::string>& controllers) {
    enable_controllers(cgroup.path(), controllers);
    apply_plan(cgroup.full_path(), plan);
}

} // namespace ward::cgroups
