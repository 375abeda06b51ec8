// The landlock rule's fill (landlock_fill.hpp says what it grants and why).
#include "ward/policy/landlock_fill.hpp"

#include "ward/base/in_root.hpp"
#include "ward/base/strings.hpp"
#include "ward/spec/landlock.hpp"

#include <algorithm>

namespace ward::policy {
namespace {

using spec::landlock::Kind;

uint64_t bits(std::initializer_list<std::string_view> names) {
    return spec::landlock::mask_of(Kind::fs, names);
}

const uint64_t kRead = bits({"read_file", "read_dir"});
const uint64_t kExecute = bits({"execute"});
const uint64_t kWrite =
    bits({"write_file", "remove_dir", "remove_file", "make_char", "make_dir", "make_reg",
          "make_sock", "make_fifo", "make_block", "make_sym", "refer", "truncate"});
const uint64_t kDevices = bits({"write_file", "ioctl_dev"});

// "/a/b" is `dir` or lies beneath it.
bool at_or_under(const std::string& path, const std::string& dir) {
    return path == dir || (path.size() > dir.size() && path.starts_with(dir) &&
                           (dir == "/" || path[dir.size()] == '/'));
}

bool kernel_interface(const std::string& path) {
    return at_or_under(path, "/proc") || at_or_under(path, "/sys");
}

bool writable_mount(const spec::Mount& m) {
    if (m.type == "proc" || m.type == "sysfs" || m.type == "cgroup" || m.type == "cgroup2")
        return false;
    return std::find(m.options.begin(), m.options.end(), "ro") == m.options.end();
}

void add(spec::Landlock& l, uint64_t access, std::vector<std::string> paths) {
    if (!paths.empty())
        l.path_beneath.push_back({access, std::move(paths)});
}

} // namespace

spec::Landlock derived_landlock(const spec::Spec& s,
                                const std::vector<std::string>& rootfs_entries) {
    spec::Landlock l;
    l.handled_access_fs = spec::landlock::all_known(Kind::fs);
    l.scoped = spec::landlock::all_known(Kind::scope);
    std::vector<std::string> destinations;
    // A ".." in a destination hides where the mount lands from a lexical
    // comparison: then no directory can be shown free of mounts, and none
    // gets execute.
    bool unknown_landing = false;
    for (const auto& m : s.mounts) {
        destinations.push_back(normal_path(m.destination));
        for (const auto& part : path_components(m.destination))
            unknown_landing = unknown_landing || part == "..";
    }

    add(l, kRead, {"/"});
    std::vector<std::string> executable, writable_dirs;
    const bool root_writable = !(s.root && s.root->readonly.value_or(false));
    for (const auto& name : rootfs_entries) {
        std::string dir = "/" + name;
        bool holds_mount = std::any_of(destinations.begin(), destinations.end(),
                                       [&](const std::string& d) { return at_or_under(d, dir); });
        if (!holds_mount && !unknown_landing)
            executable.push_back(dir);
        if (root_writable && !kernel_interface(dir))
            writable_dirs.push_back(dir);
    }
    add(l, kRead | kExecute, executable);
    add(l, kRead | kWrite, writable_dirs);

    std::vector<std::string> writable_mounts;
    bool dev =
        std::find(rootfs_entries.begin(), rootfs_entries.end(), "dev") != rootfs_entries.end();
    for (size_t i = 0; i < s.mounts.size(); ++i) {
        const std::string& d = destinations[i];
        dev = dev || d == "/dev";
        if (!kernel_interface(d) && writable_mount(s.mounts[i]) &&
            std::find(writable_mounts.begin(), writable_mounts.end(), d) == writable_mounts.end())
            writable_mounts.push_back(d);
    }
    add(l, kRead | kWrite, writable_mounts);
    if (dev)
        add(l, kDevices, {"/dev"});
    return l;
}

std::string describe_landlock(const spec::Landlock& l) {
    std::vector<std::string> parts;
    for (const auto& rule : l.path_beneath)
        parts.push_back(join(spec::landlock::names(Kind::fs, rule.allowed_access), "+") + " " +
                        join(rule.paths, " "));
    std::string scoped = join(spec::landlock::names(Kind::scope, l.scoped), ", ");
    return "handled " +
           std::to_string(spec::landlock::names(Kind::fs, l.handled_access_fs).size()) +
           " filesystem rights; " + join(parts, "; ") +
           (scoped.empty() ? "" : "; scoped: " + scoped);
}

} // namespace ward::policy
