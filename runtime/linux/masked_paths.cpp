// linux.readonlyPaths and linux.maskedPaths, after the pivot. Both resolve
// inside the new root and mount onto the resolved fd; a path the image does
// not have is skipped, as the spec allows.
#include "ward/base/error.hpp"
#include "ward/base/in_root.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/mount_api.hpp"
#include "ward/linux/rootfs_steps.hpp"

#include <fcntl.h>
#include <optional>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace ward::linux {

namespace {

// The container's /dev/null, refused unless it is the real 1:3 device: a
// masked path bound to a file the image controls would not be masked at
// all. (CVE-2025-31133)
UniqueFd open_dev_null(int root_fd) {
    UniqueFd fd = open_in_root(root_fd, "/dev/null", O_PATH);
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0)
        fail_errno("stat /dev/null");
    if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
        fail("/dev/null in the container is not the null device");
    return fd;
}

} // namespace

void apply_readonly_paths(int root_fd, const std::vector<std::string>& paths) {
    for (const auto& path : paths)
        with_context("readonly path " + path, [&] {
            auto target = open_in_root_if_exists(root_fd, path, O_PATH);
            if (!target)
                return;
            // A recursive bind on itself, then read-only across the tree;
            // mount_setattr keeps nosuid/nodev/noexec as they are.
            UniqueFd mnt = clone_mount(target->get(), true);
            attach_mount(mnt.get(), target->get());
            set_mount_attrs(mnt.get(), MOUNT_ATTR_RDONLY, 0, true);
        });
}

void apply_masked_paths(int root_fd, const std::vector<std::string>& paths) {
    std::optional<UniqueFd> null;
    for (const auto& path : paths)
        with_context("masked path " + path, [&] {
            auto target = open_in_root_if_exists(root_fd, path, O_PATH);
            if (!target)
                return;
            struct stat st {};
            if (::fstat(target->get(), &st) < 0)
                fail_errno("stat");
            UniqueFd mnt;
            if (S_ISDIR(st.st_mode)) {
                mnt = new_filesystem("tmpfs", "tmpfs", {"size=0", "mode=0755"}, 0,
                                     MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                         MOUNT_ATTR_NOEXEC);
            } else {
                if (!null)
                    null = open_dev_null(root_fd);
                mnt = clone_mount(null->get(), false);
            }
            attach_mount(mnt.get(), target->get());
        });
}

} // namespace ward::linux
