// A detached overlay over fds (overlay.hpp).
#include "ward/linux/overlay.hpp"

#include "ward/base/error.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/mount_api.hpp"

#include <array>
#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/mount.h>

namespace ward::linux {
namespace {

struct Layer {
    const char* by_fd;   // the key FSCONFIG_SET_FD takes (6.13+)
    const char* by_path; // the key of the /proc/self/fd/N form
    int fd;
};

// FSCONFIG_SET_FD needs an fd that is not O_PATH; "." of the fd is the
// same directory on the same mount.
UniqueFd reopen_dir(int fd, const char* what) {
    UniqueFd dir(::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir)
        fail_errno(std::string("open the overlay's ") + what + " directory");
    return dir;
}

// The overlay with its layers given as fds, or as /proc/self/fd/N names
// when `by_fd` is false. Returns an invalid fd when the kernel refused the
// first fd (EINVAL, or EOPNOTSUPP before 6.5): it does not take layers by
// fd (before 6.13).
UniqueFd try_overlay(const std::array<Layer, 3>& layers, bool by_fd) {
    UniqueFd fs(::fsopen("overlay", FSOPEN_CLOEXEC));
    if (!fs)
        fail_errno("fsopen \"overlay\"");
    if (::fsconfig(fs.get(), FSCONFIG_SET_STRING, "source", "overlay", 0) < 0)
        fail_fs_context("fsconfig source", fs.get(), errno);
    for (size_t i = 0; i < layers.size(); ++i) {
        const Layer& layer = layers[i];
        int rc;
        if (by_fd) {
            rc = ::fsconfig(fs.get(), FSCONFIG_SET_FD, layer.by_fd, nullptr, layer.fd);
            // EINVAL from 6.5's overlayfs, EOPNOTSUPP from the legacy
            // context of earlier kernels (Debian's 6.1).
            if (rc < 0 && (errno == EINVAL || errno == EOPNOTSUPP) && i == 0)
                return {};
        } else {
            std::string link = "/proc/self/fd/" + std::to_string(layer.fd);
            rc = ::fsconfig(fs.get(), FSCONFIG_SET_STRING, layer.by_path, link.c_str(), 0);
        }
        if (rc < 0)
            fail_fs_context(std::string("fsconfig ") + layer.by_path, fs.get(), errno);
    }
    if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
        fail_fs_context("create overlay filesystem", fs.get(), errno);
    UniqueFd mnt(::fsmount(fs.get(), FSMOUNT_CLOEXEC, 0));
    if (!mnt)
        fail_fs_context("fsmount overlay", fs.get(), errno);
    return mnt;
}

} // namespace

UniqueFd mount_overlay(int lower_fd, int upper_fd, int work_fd) {
    UniqueFd lower = reopen_dir(lower_fd, "lower");
    UniqueFd upper = reopen_dir(upper_fd, "upper");
    UniqueFd work = reopen_dir(work_fd, "work");
    std::array<Layer, 3> layers = {{{"lowerdir+", "lowerdir", lower.get()},
                                    {"upperdir", "upperdir", upper.get()},
                                    {"workdir", "workdir", work.get()}}};
    if (UniqueFd mnt = try_overlay(layers, true))
        return mnt;
    log::debug("overlay: this kernel takes no layer fds (FSCONFIG_SET_FD); using /proc/self/fd");
    return try_overlay(layers, false);
}

} // namespace ward::linux
