// The writable root of a store image's container (writable_root.hpp).
#include "writable_root.hpp"

#include "ward/base/error.hpp"
#include "ward/base/in_root.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/overlay.hpp"
#include "ward/linux/rootfs_handles.hpp"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>

namespace ward::container {
namespace {

constexpr const char* kUpper = "rootfs-upper";
constexpr const char* kWork = "rootfs-work";

// A new directory NAME in the state dir, acted on through its own fd.
UniqueFd make_dir(int state_fd, const std::string& state_path, const char* name, uid_t uid,
                  gid_t gid, mode_t mode) {
    const std::string path = state_path + "/" + name;
    if (::mkdirat(state_fd, name, 0700) < 0)
        fail_errno("mkdir " + path);
    UniqueFd fd(::openat(state_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        fail_errno("open " + path);
    with_context(path, [&] { set_owner_and_mode(fd.get(), uid, gid, mode); });
    return fd;
}

} // namespace

UniqueFd mount_writable_root(const StateDir& dir, int lower_fd, RootfsOverlay& record) {
    struct stat root {};
    if (::fstat(lower_fd, &root) < 0)
        fail_errno("stat the store rootfs");
    UniqueFd state(::open(dir.path().c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!state)
        fail_errno("open " + dir.path());
    record.lower = linux::kernel_path(lower_fd);
    record.upper = dir.path() + "/" + kUpper;
    record.work = dir.path() + "/" + kWork;
    // The overlay's root directory is the upper one: it shows the image's
    // owner and mode for "/", as the read-only root would.
    UniqueFd upper =
        make_dir(state.get(), dir.path(), kUpper, root.st_uid, root.st_gid, root.st_mode & 07777);
    UniqueFd work = make_dir(state.get(), dir.path(), kWork, 0, 0, 0700);
    return with_context("writable root (overlay on " + record.lower + ")",
                        [&] { return linux::mount_overlay(lower_fd, upper.get(), work.get()); });
}

void remove_writable_root(const StateDir& dir) {
    for (const char* name : {kUpper, kWork}) {
        std::error_code ec;
        std::filesystem::remove_all(dir.path() + "/" + name, ec);
        if (ec)
            fail("remove the writable root's " + dir.path() + "/" + name + ": " + ec.message());
    }
}

} // namespace ward::container
