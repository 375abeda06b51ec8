// create's Landlock facts (landlock_facts.hpp).
#include "landlock_facts.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/linux/landlock.hpp"

#include <algorithm>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

namespace ward::container {

void add_landlock_facts(int rootfs_fd, policy::CreateFacts& facts) {
    facts.landlock_abi = linux::landlock_abi();
    // Real directories and files only: a symlink at the top ("bin ->
    // usr/bin") would be followed by the init's in-root open, possibly onto
    // a mount. (A merged-/usr image's /bin is reached through /usr.)
    UniqueFd dir(::openat(rootfs_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir)
        fail_errno("landlock: list the rootfs");
    DIR* stream = ::fdopendir(dir.get());
    if (!stream)
        fail_errno("landlock: list the rootfs");
    dir.release(); // closedir closes it
    while (dirent* entry = ::readdir(stream)) {
        std::string name = entry->d_name;
        if (name == "." || name == "..")
            continue;
        bool wanted = entry->d_type == DT_DIR || entry->d_type == DT_REG;
        if (entry->d_type == DT_UNKNOWN) {
            struct stat st {};
            wanted = ::fstatat(::dirfd(stream), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                     (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode));
        }
        if (wanted)
            facts.rootfs_entries.push_back(name);
    }
    ::closedir(stream);
    std::sort(facts.rootfs_entries.begin(), facts.rootfs_entries.end());
}

} // namespace ward::container
