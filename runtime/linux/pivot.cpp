// Making the prepared rootfs the process's "/": pivot_root, or for
// --no-pivot (a rootfs on ramfs cannot be pivoted from) a move plus chroot.
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/rootfs_handles.hpp"
#include "ward/linux/rootfs_steps.hpp"

#include <algorithm>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ward::linux {

namespace {

// Mount points in /proc/self/mountinfo (field 5), octal escapes undone.
std::vector<std::string> mount_points() {
    std::vector<std::string> points;
    for (const auto& line : split(read_file("/proc/self/mountinfo"), '\n')) {
        auto fields = split(line, ' ');
        if (fields.size() < 5)
            continue;
        const std::string& raw = fields[4];
        std::string point;
        for (size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '\\' && i + 3 < raw.size()) {
                point += static_cast<char>((raw[i + 1] - '0') * 64 + (raw[i + 2] - '0') * 8 +
                                           (raw[i + 3] - '0'));
                i += 3;
            } else {
                point += raw[i];
            }
        }
        points.push_back(point);
    }
    return points;
}

bool is_under(const std::string& path, const std::string& dir) {
    return path == dir || dir == "/" || (path.starts_with(dir) && path[dir.size()] == '/');
}

// Without pivot_root the old root stays underneath; detach every host mount
// that is neither the rootfs (or below it) nor on the way to it, so there
// is as little as possible to find by escaping the chroot.
void detach_host_mounts(const std::string& rootfs) {
    auto points = mount_points();
    std::sort(points.begin(), points.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    for (const auto& point : points)
        if (!is_under(point, rootfs) && !is_under(rootfs, point))
            ::umount2(point.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW);
}

} // namespace

void pivot_into(int root_fd) {
    UniqueFd old_root(::open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    if (!old_root)
        fail_errno("open old root");
    if (::fchdir(root_fd) < 0)
        fail_errno("chdir to rootfs");
    // pivot_root(".", "."): the old root ends up stacked on the new one,
    // needing no directory for it inside the image.
    if (::syscall(SYS_pivot_root, ".", ".") < 0)
        fail_errno("pivot_root");
    if (::fchdir(old_root.get()) < 0)
        fail_errno("chdir to old root");
    // Slave first so the detach cannot propagate an unmount to the host.
    if (::mount("", ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
        fail_errno("make old root rslave");
    if (::umount2(".", MNT_DETACH) < 0)
        fail_errno("detach old root");
    if (::chdir("/") < 0)
        fail_errno("chdir /");
}

void move_into(int root_fd) {
    // The mount's own name in this namespace, from the fd: not root.path,
    // which could name something else by now.
    detach_host_mounts(kernel_path(root_fd));
    if (::fchdir(root_fd) < 0)
        fail_errno("chdir to rootfs");
    if (::mount(".", "/", nullptr, MS_MOVE, nullptr) < 0)
        fail_errno("move rootfs to /");
    if (::chroot(".") < 0)
        fail_errno("chroot");
    if (::chdir("/") < 0)
        fail_errno("chdir /");
}

} // namespace ward::linux
