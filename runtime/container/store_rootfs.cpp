#include "store_rootfs.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file_id.hpp"
#include "ward/base/in_root.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/rootfs_handles.hpp"
#include "ward/trust/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>

namespace ward::container {

namespace {

[[noreturn]] void refuse(const std::string& why) {
    fail("refusing to start: " + why);
}

std::string image_digest(const spec::Spec& spec) {
    for (const auto& [key, value] : spec.annotations)
        if (key == trust::kImageDigestAnnotation)
            return value;
    return "";
}

// How messages name the image: its digest, or where its rootfs is.
std::string image_named(const spec::Spec& spec, int rootfs_fd) {
    std::string digest = image_digest(spec);
    if (!digest.empty())
        return "image " + digest;
    return "the store image at " + linux::kernel_path(rootfs_fd);
}

bool below(const std::string& dest, const std::string& parent) {
    return parent == "/" ||
           (dest.size() > parent.size() && dest.compare(0, parent.size(), parent) == 0 &&
            dest[parent.size()] == '/');
}

bool exists_in_root(int rootfs_fd, const std::string& path) {
    // Resolved as the mount setup will resolve it: inside the rootfs,
    // symlinks kept within it (a plain fstatat could follow a link out of
    // the store and find a target the image does not have).
    try {
        open_in_root(rootfs_fd, path, O_PATH);
        return true;
    } catch (const PathError& e) {
        if (e.err != ENOENT)
            throw;
        return false;
    }
}

} // namespace

bool is_store_rootfs(const spec::Spec& spec, int rootfs_fd, const std::string& store_flag) {
    if (!image_digest(spec).empty())
        return true;
    auto store = file_id(trust::store_root(store_flag));
    if (!store)
        return false;
    // rootfs → <hex> → sha256 → images → the store root.
    UniqueFd cur(::openat(rootfs_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
    for (int up = 0; cur && up < 4; ++up)
        cur.reset(::openat(cur.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
    return cur && file_id(cur.get()) == store;
}

bool wants_writable_root(const spec::Spec& spec) {
    return !spec.root || !spec.root->readonly.value_or(false);
}

void check_store_rootfs_use(const spec::Spec& spec, int rootfs_fd) {
    bool dev_mounted = false;
    for (const auto& m : spec.mounts)
        dev_mounted = dev_mounted || normal_path(m.destination) == "/dev";
    if (!dev_mounted)
        refuse("mounts: no mount on /dev, so device nodes would be made in the rootfs of " +
               image_named(spec, rootfs_fd) +
               ", which is never written (add a tmpfs on /dev, as `ward spec` has)");
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        std::string dest = normal_path(spec.mounts[i].destination);
        bool on_earlier_mount = false;
        for (size_t j = 0; j < i && !on_earlier_mount; ++j)
            on_earlier_mount = below(dest, normal_path(spec.mounts[j].destination));
        if (!on_earlier_mount && !exists_in_root(rootfs_fd, dest))
            refuse("mounts[" + std::to_string(i) + "].destination " + spec.mounts[i].destination +
                   " does not exist in the rootfs of " + image_named(spec, rootfs_fd) +
                   ", and a store rootfs is never written to create it");
    }
}

} // namespace ward::container
