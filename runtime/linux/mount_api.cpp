#include "ward/linux/mount_api.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace ward::linux {

namespace {

// The kernel explains fsconfig/fsmount failures in the fs_context's log,
// read back from the fs fd as "e tmpfs: Bad value for 'size'" lines.
std::string fs_log(int fs_fd) {
    std::string messages;
    char buf[512];
    for (int i = 0; i < 8; ++i) {
        ssize_t n = ::read(fs_fd, buf, sizeof buf - 1);
        if (n <= 0)
            break;
        std::string line(buf, static_cast<size_t>(n));
        while (!line.empty() && line.back() == '\n')
            line.pop_back();
        if (line.size() > 2 && line[1] == ' ')
            line.erase(0, 2);
        messages += (messages.empty() ? "" : "; ") + line;
    }
    return messages;
}

void fs_set(int fs_fd, const std::string& option) {
    auto eq = option.find('=');
    int rc;
    if (eq == std::string::npos) {
        rc = ::fsconfig(fs_fd, FSCONFIG_SET_FLAG, option.c_str(), nullptr, 0);
    } else {
        std::string key = option.substr(0, eq);
        std::string value = option.substr(eq + 1);
        rc = ::fsconfig(fs_fd, FSCONFIG_SET_STRING, key.c_str(), value.c_str(), 0);
    }
    if (rc < 0)
        fail_fs_context("fsconfig " + quote(option), fs_fd, errno);
}

} // namespace

void fail_fs_context(std::string_view what, int fs_fd, int err) {
    std::string log = fs_fd >= 0 ? fs_log(fs_fd) : "";
    std::string msg = std::string(what) + ": " + errno_text(err);
    if (!log.empty())
        msg += " (" + log + ")";
    throw Error(msg);
}

namespace {

int setattr(int mount_fd, uint64_t set, uint64_t clear, uint64_t propagation, int userns_fd,
            bool recursive) {
    mount_attr attr{};
    attr.attr_set = set;
    attr.attr_clr = clear;
    attr.propagation = propagation;
    attr.userns_fd = static_cast<uint64_t>(userns_fd < 0 ? 0 : userns_fd);
    unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
    return ::mount_setattr(mount_fd, "", flags, &attr, sizeof attr);
}

} // namespace

UniqueFd clone_mount(int source_fd, bool recursive) {
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;
    if (recursive)
        flags |= AT_RECURSIVE;
    UniqueFd fd(::open_tree(source_fd, "", flags));
    if (!fd)
        fail_errno("open_tree");
    return fd;
}

UniqueFd new_filesystem(const std::string& type, const std::string& source,
                        const std::vector<std::string>& data, unsigned long sb_flags,
                        uint64_t attrs) {
    UniqueFd fs(::fsopen(type.c_str(), FSOPEN_CLOEXEC));
    if (!fs)
        fail_errno("fsopen " + quote(type));
    if (!source.empty() &&
        ::fsconfig(fs.get(), FSCONFIG_SET_STRING, "source", source.c_str(), 0) < 0)
        fail_fs_context("fsconfig source " + quote(source), fs.get(), errno);
    // Superblock flags have fsconfig names of their own; the per-mount ones
    // (ro, nosuid, atime, ...) go to fsmount as attributes instead.
    static const std::pair<unsigned long, const char*> kSbFlags[] = {
        {MS_SYNCHRONOUS, "sync"}, {MS_DIRSYNC, "dirsync"},    {MS_LAZYTIME, "lazytime"},
        {MS_MANDLOCK, "mand"},    {MS_I_VERSION, "iversion"},
    };
    for (const auto& [flag, name] : kSbFlags)
        if (sb_flags & flag)
            fs_set(fs.get(), name);
    for (const auto& option : data)
        fs_set(fs.get(), option);
    if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
        fail_fs_context("create " + type + " filesystem", fs.get(), errno);
    UniqueFd mnt(::fsmount(fs.get(), FSMOUNT_CLOEXEC, static_cast<unsigned>(attrs)));
    if (!mnt)
        fail_fs_context("fsmount", fs.get(), errno);
    return mnt;
}

void attach_mount(int mount_fd, int target_fd) {
    if (::move_mount(mount_fd, "", target_fd, "",
                     MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        fail_errno("move_mount");
}

uint64_t current_mount_attrs(int fd) {
    struct statvfs sv {};
    if (::fstatvfs(fd, &sv) < 0)
        fail_errno("statvfs");
    uint64_t attrs = 0;
    if (sv.f_flag & ST_RDONLY)
        attrs |= MOUNT_ATTR_RDONLY;
    if (sv.f_flag & ST_NOSUID)
        attrs |= MOUNT_ATTR_NOSUID;
    if (sv.f_flag & ST_NODEV)
        attrs |= MOUNT_ATTR_NODEV;
    if (sv.f_flag & ST_NOEXEC)
        attrs |= MOUNT_ATTR_NOEXEC;
    if (sv.f_flag & ST_NODIRATIME)
        attrs |= MOUNT_ATTR_NODIRATIME;
    if (sv.f_flag & ST_NOATIME)
        attrs |= MOUNT_ATTR_NOATIME;
    return attrs;
}

void set_mount_attrs(int mount_fd, uint64_t set, uint64_t clear, bool recursive) {
    if (set == 0 && clear == 0)
        return;
    if (setattr(mount_fd, set, clear, 0, -1, recursive) == 0)
        return;
    int err = errno;
    if (err == EPERM) {
        // A locked flag refused to be cleared: keep what the mount has.
        uint64_t now = current_mount_attrs(mount_fd);
        uint64_t keep = clear & now & ~static_cast<uint64_t>(MOUNT_ATTR__ATIME);
        if ((clear & MOUNT_ATTR__ATIME) && (now & MOUNT_ATTR_NOATIME)) {
            keep |= clear & MOUNT_ATTR__ATIME;
            set = (set & ~static_cast<uint64_t>(MOUNT_ATTR__ATIME)) | MOUNT_ATTR_NOATIME;
        }
        if (keep && setattr(mount_fd, set, clear & ~keep, 0, -1, recursive) == 0)
            return;
    }
    fail_errno("mount_setattr", err);
}

void set_propagation(int mount_fd, unsigned long propagation) {
    bool recursive = (propagation & MS_REC) != 0;
    if (setattr(mount_fd, 0, 0, propagation & ~static_cast<unsigned long>(MS_REC), -1, recursive) <
        0)
        fail_errno("mount_setattr propagation");
}

void set_idmap(int mount_fd, int userns_fd, bool recursive) {
    if (setattr(mount_fd, MOUNT_ATTR_IDMAP, 0, 0, userns_fd, recursive) < 0)
        fail_errno("mount_setattr idmap");
}

} // namespace ward::linux
