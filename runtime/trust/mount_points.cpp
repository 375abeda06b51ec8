// Mount points made at import (mount_points.hpp).
#include "ward/trust/mount_points.hpp"

#include "ward/base/error.hpp"
#include "ward/base/in_root.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/unpack.hpp"

#include <algorithm>
#include <fcntl.h>

namespace ward::trust {
namespace {

constexpr unsigned kMountPointMode = 0755;

FileRecord mount_point_record() {
    FileRecord r;
    r.type = EntryType::directory;
    r.mode = kMountPointMode;
    const StoreOwner owner = store_owner(); // root's, or the caller's in their own store
    r.uid = owner.uid;
    r.gid = owner.gid;
    return r;
}

} // namespace

const std::vector<std::string>& import_mount_points() {
    static const std::vector<std::string> points = {"/dev", "/proc", "/sys"};
    return points;
}

std::vector<std::string> add_mount_points(int rootfs_fd, const TreeRecord& layers) {
    std::vector<std::string> made;
    for (const auto& point : import_mount_points()) {
        if (layers.files.count(point.substr(1)))
            continue;
        Resolution how;
        how.symlinks = Symlinks::refused;
        how.mounts = Mounts::stay;
        how.create = Create::directory;
        how.dir_mode = kMountPointMode;
        UniqueFd dir = with_context("mount point " + point, [&] {
            return resolve_in_root(rootfs_fd, point, O_PATH | O_DIRECTORY, how);
        });
        with_context("mount point " + point, [&] {
            set_owner_and_mode(dir.get(), store_owner().uid, store_owner().gid, kMountPointMode);
        });
        made.push_back(point);
    }
    return made;
}

void check_mount_point(const std::string& path) {
    const auto& points = import_mount_points();
    if (std::find(points.begin(), points.end(), path) == points.end())
        fail(quote(path) + " is not a mount point import makes (" + join(points, ", ") + ")");
}

TreeRecord with_mount_points(TreeRecord layers, const std::vector<std::string>& mount_points) {
    for (const auto& point : mount_points) {
        check_mount_point(point);
        layers.files.emplace(point.substr(1), mount_point_record());
    }
    return layers;
}

} // namespace ward::trust
