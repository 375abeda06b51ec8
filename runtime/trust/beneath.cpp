#include "beneath.hpp"

#include "ward/base/error.hpp"
#include "ward/base/in_root.hpp"
#include "ward/base/strings.hpp"

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ward::trust::detail {

std::string join_components(const std::vector<std::string>& comps, size_t count) {
    std::string out;
    for (size_t i = 0; i < count; ++i) {
        if (i)
            out += '/';
        out += comps[i];
    }
    return out;
}

UniqueFd open_dir_beneath(int root_fd, const std::vector<std::string>& comps, size_t count,
                          const std::function<void(const std::string&)>* created) {
    Resolution how;
    how.symlinks = Symlinks::refused;
    how.mounts = Mounts::stay;
    if (created) {
        how.create = Create::directory;
        how.dir_mode = 0755; // what an implied parent gets
        how.on_created = *created;
    }
    try {
        return resolve_in_root(root_fd, join_components(comps, count), O_PATH | O_DIRECTORY, how);
    } catch (const PathError& e) {
        if (e.err == ENOENT && !created)
            return UniqueFd();
        std::string shown = quote(e.at);
        if (e.op != "open") // mkdir, chmod, stat
            fail_errno(e.op + " " + shown, e.err);
        if (e.err == ELOOP)
            fail("parent " + shown + " is a symlink (names are never resolved through one)");
        if (e.err == ENOTDIR)
            fail("parent " + shown + " is not a directory");
        if (e.err == EXDEV)
            fail("parent " + shown + " is a mount point (names never cross one)");
        fail_errno("open parent " + shown, e.err);
    }
}

std::vector<std::string> list_dir(int dir_fd) {
    int dup = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dup < 0)
        fail_errno("open directory");
    DIR* d = ::fdopendir(dup);
    if (!d) {
        int err = errno;
        ::close(dup);
        fail_errno("read directory", err);
    }
    std::vector<std::string> names;
    errno = 0;
    while (dirent* ent = ::readdir(d)) {
        std::string_view n = ent->d_name;
        if (n != "." && n != "..")
            names.emplace_back(n);
    }
    int err = errno;
    ::closedir(d);
    if (err)
        fail_errno("read directory", err);
    return names;
}

void remove_all_at(int dir_fd, const std::string& name) {
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT)
            return;
        fail_errno("stat " + quote(name));
    }
    if (S_ISDIR(st.st_mode)) {
        // One open directory per level: depth is capped by the unpack limits.
        UniqueFd sub(::openat(dir_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!sub)
            fail_errno("open " + quote(name));
        for (auto& child : list_dir(sub.get()))
            remove_all_at(sub.get(), child);
        if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT)
            fail_errno("rmdir " + quote(name));
        return;
    }
    if (::unlinkat(dir_fd, name.c_str(), 0) < 0 && errno != ENOENT)
        fail_errno("unlink " + quote(name));
}

} // namespace ward::trust::detail
