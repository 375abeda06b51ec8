#include "overlay_layers.hpp"

#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/in_root.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/rootfs_match.hpp"
#include "ward/trust/tree_walk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace ward::container {

namespace {

constexpr size_t kMaxDepth = 256;

// The overlay xattrs that make the merged tree differ from the lower
// layers in ways the upper walk cannot see: a directory hiding what is
// below it, one redirected to another lower path, a file whose data comes
// from elsewhere.
constexpr const char* kOverlayXattrs[] = {
    "trusted.overlay.opaque", "trusted.overlay.redirect", "trusted.overlay.metacopy",
    "user.overlay.opaque",    "user.overlay.redirect",    "user.overlay.metacopy",
};

// A host directory named by an absolute path, opened through the one
// resolver from "/" with no symlink anywhere on the way; an empty fd (errno
// saying why) when that cannot be done.
UniqueFd open_host_dir(const std::string& path, int flags = O_RDONLY) {
    UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root)
        return root;
    Resolution how;
    how.symlinks = Symlinks::refused;
    try {
        return resolve_in_root(root.get(), path, flags | O_DIRECTORY, how);
    } catch (const PathError& e) {
        errno = e.err;
        return UniqueFd();
    }
}

bool stat_at(int dirfd, const std::string& name, struct statx& sx) {
    return ::statx(dirfd, name.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
                   STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID | STATX_SIZE | STATX_INO,
                   &sx) == 0;
}

bool has_overlay_xattr(int fd) {
    for (const char* name : kOverlayXattrs)
        if (::fgetxattr(fd, name, nullptr, 0) >= 0)
            return true;
    return false;
}

std::vector<std::string> names_in(int dirfd) {
    std::vector<std::string> names;
    UniqueFd dup(::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dup)
        fail_errno("upper layer: open");
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(dup.get()), ::closedir);
    if (!dir)
        fail_errno("upper layer: read");
    dup.release();
    while (dirent* de = ::readdir(dir.get())) {
        std::string_view n = de->d_name;
        if (n != "." && n != "..")
            names.emplace_back(n);
    }
    return names;
}

bool link_target(int dirfd, const std::string& name, trust::FileRecord& r) {
    char buf[4096];
    ssize_t n = ::readlinkat(dirfd, name.c_str(), buf, sizeof buf);
    if (n < 0 || static_cast<size_t>(n) >= sizeof buf)
        return false;
    r.target.assign(buf, static_cast<size_t>(n));
    return true;
}

trust::FileRecord record_of(const struct statx& sx) {
    trust::FileRecord r;
    r.type = S_ISDIR(sx.stx_mode)   ? trust::EntryType::directory
             : S_ISLNK(sx.stx_mode) ? trust::EntryType::symlink
                                    : trust::EntryType::file;
    r.mode = sx.stx_mode & 07777;
    r.uid = sx.stx_uid;
    r.gid = sx.stx_gid;
    r.size = sx.stx_size;
    return r;
}

// The walk of the upper layer, beside the lower layers' directories at
// the same path (-1 where a lower layer has none).
class UpperWalk {
  public:
    explicit UpperWalk(const std::set<std::string>& mount_points) : mount_points_(mount_points) {}

    std::optional<std::string> directory(int upper, const std::vector<int>& lowers,
                                         const std::string& rel, size_t depth) {
        if (depth > kMaxDepth)
            return shown(rel) + ": deeper than " + std::to_string(kMaxDepth) + " levels";
        for (const auto& name : names_in(upper)) {
            std::string child = rel.empty() ? name : rel + "/" + name;
            if (auto change = entry(upper, lowers, name, child, depth))
                return change;
        }
        return std::nullopt;
    }

  private:
    static std::string shown(const std::string& rel) { return "/" + rel; }

    std::optional<std::string> entry(int upper, const std::vector<int>& lowers,
                                     const std::string& name, const std::string& rel,
                                     size_t depth) {
        struct statx sx {};
        if (!stat_at(upper, name, sx))
            return shown(rel) + ": stat failed in the upper layer";
        // The topmost lower layer's entry of that name decides the merged one.
        int top = -1;
        struct statx below {};
        for (int lower : lowers)
            if (lower >= 0 && stat_at(lower, name, below)) {
                top = lower;
                break;
            }
        if (!S_ISDIR(sx.stx_mode)) {
            if (top >= 0 || !(S_ISREG(sx.stx_mode) || S_ISLNK(sx.stx_mode)))
                return shown(rel) + ": a file in the upper layer over or beside the image's";
            trust::FileRecord r = record_of(sx);
            if (S_ISLNK(sx.stx_mode) && !link_target(upper, name, r))
                return shown(rel) + ": unreadable symlink in the upper layer";
            return trust::client_extra_refusal(rel, r, mount_points_);
        }
        UniqueFd dir(
            ::openat(upper, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!dir || has_overlay_xattr(dir.get()))
            return shown(rel) + ": an opaque or redirected directory in the upper layer";
        if (top < 0) {
            if (auto refusal = trust::client_extra_refusal(rel, record_of(sx), mount_points_))
                return refusal;
        } else if (!S_ISDIR(below.stx_mode) || (below.stx_mode & 07777) != (sx.stx_mode & 07777) ||
                   below.stx_uid != sx.stx_uid || below.stx_gid != sx.stx_gid) {
            return shown(rel) + ": the upper layer's directory differs from the image's";
        }
        std::vector<UniqueFd> opened;
        std::vector<int> next;
        for (int lower : lowers) {
            UniqueFd sub;
            if (lower >= 0)
                sub = UniqueFd(
                    ::openat(lower, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            next.push_back(sub ? sub.get() : -1);
            opened.push_back(std::move(sub));
        }
        if (top >= 0) {
            UniqueFd top_dir(
                ::openat(top, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!top_dir ||
                trust::record_xattrs(top_dir.get(), rel) != trust::record_xattrs(dir.get(), rel))
                return shown(rel) + ": the upper layer's directory has other xattrs";
        }
        return directory(dir.get(), next, rel, depth + 1);
    }

    const std::set<std::string>& mount_points_;
};

} // namespace

std::optional<OverlayLayers> overlay_layers(const linux::MountEntry& mount) {
    if (mount.fstype != "overlay")
        return std::nullopt;
    OverlayLayers out;
    for (const auto& option : mount.super_options) {
        // A '\' is an escaped ',' or ':' (or a mountinfo escape): a path
        // the cache does not try to read back.
        if (option.find('\\') != std::string::npos)
            return std::nullopt;
        if (starts_with(option, "lowerdir=")) {
            std::string value = option.substr(9);
            if (value.find("::") != std::string::npos) // data-only layers follow
                return std::nullopt;
            for (auto& lower : split(value, ':'))
                out.lowers.push_back(lower);
        } else if (starts_with(option, "lowerdir+=")) {
            out.lowers.push_back(option.substr(10));
        } else if (starts_with(option, "datadir+=")) {
            return std::nullopt;
        } else if (starts_with(option, "upperdir=")) {
            out.upper = option.substr(9);
        }
    }
    if (out.lowers.empty())
        return std::nullopt;
    for (const auto& path : out.lowers)
        if (path.empty() || path[0] != '/')
            return std::nullopt;
    if (!out.upper.empty() && out.upper[0] != '/')
        return std::nullopt;
    return out;
}

std::optional<OverlayLayers> rootfs_overlay(int rootfs_fd) {
    struct statx sx {};
    if (::statx(rootfs_fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0 ||
        !(sx.stx_mask & STATX_MNT_ID) || !(sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) ||
        !(sx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
        return std::nullopt;
    std::string text;
    try {
        text = read_file("/proc/self/mountinfo");
    } catch (const Error&) {
        return std::nullopt;
    }
    // Only the rootfs's own line is parsed: a host running many containers
    // has thousands, and this runs at every start.
    std::string id = std::to_string(sx.stx_mnt_id) + " ";
    size_t at = starts_with(text, id) ? 0 : text.find("\n" + id);
    if (at == std::string::npos)
        return std::nullopt;
    at += text[at] == '\n' ? 1 : 0;
    size_t end = text.find('\n', at);
    for (const auto& mount :
         linux::parse_mountinfo(text.substr(at, end == std::string::npos ? end : end - at + 1)))
        if (mount.mount_id == sx.stx_mnt_id)
            return mount.root == "/" ? overlay_layers(mount) : std::nullopt;
    return std::nullopt;
}

namespace {

// A lower layer's directory. podman names each layer through a symlink of
// its own (STORAGE/overlay/l/ID -> ../LAYER/diff, to keep mount options
// short), so one symlink is followed as the last component, its target
// opened from the link's directory with no further symlink; none anywhere
// else. What the kernel stacked is what the link named at mount time;
// rewriting a link in the engine's root-only storage afterwards is the
// same trust boundary as rewriting a committed layer (docs/trust.md).
// `shown` gets "PATH" or "PATH -> TARGET" for the identity.
UniqueFd open_lower(const std::string& path, std::string& shown) {
    shown = path;
    UniqueFd fd = open_host_dir(path);
    if (fd || (errno != ELOOP && errno != ENOTDIR))
        return fd;
    std::vector<std::string> parts = path_components(path);
    if (parts.empty())
        return fd;
    std::string last = parts.back();
    parts.pop_back();
    UniqueFd dir = open_host_dir("/" + join(parts, "/"), O_PATH);
    trust::FileRecord link;
    if (!dir || !link_target(dir.get(), last, link) || link.target.empty())
        return UniqueFd();
    shown = path + " -> " + link.target;
    // The target, relative to the link's directory (opened above with no
    // symlink on the way, so ".." here is what the kernel would take).
    if (link.target[0] == '/')
        parts.clear();
    for (const auto& part : path_components(link.target)) {
        if (part != "..")
            parts.push_back(part);
        else if (parts.empty())
            return UniqueFd();
        else
            parts.pop_back();
    }
    return open_host_dir("/" + join(parts, "/"));
}

} // namespace

std::optional<OpenedLayers> open_layers(const OverlayLayers& layers) {
    OpenedLayers out;
    for (const auto& path : layers.lowers) {
        std::string shown;
        UniqueFd fd = open_lower(path, shown);
        struct statx sx {};
        if (!fd || ::statx(fd.get(), "", AT_EMPTY_PATH, STATX_INO | STATX_BTIME, &sx) < 0 ||
            !(sx.stx_mask & STATX_BTIME))
            return std::nullopt;
        out.identity += "lower " + std::to_string(sx.stx_dev_major) + ":" +
                        std::to_string(sx.stx_dev_minor) + " " + std::to_string(sx.stx_ino) + " " +
                        std::to_string(sx.stx_btime.tv_sec) + "." +
                        std::to_string(sx.stx_btime.tv_nsec) + " " + shown + "\n";
        out.lowers.push_back(std::move(fd));
    }
    if (!layers.upper.empty()) {
        out.upper = open_host_dir(layers.upper);
        if (!out.upper)
            return std::nullopt;
    }
    return out;
}

std::optional<std::string> upper_layer_change(const OpenedLayers& layers,
                                              const std::set<std::string>& mount_points) {
    if (!layers.upper)
        return std::nullopt;
    std::vector<int> lowers;
    for (const auto& fd : layers.lowers)
        lowers.push_back(fd.get());
    try {
        return UpperWalk(mount_points).directory(layers.upper.get(), lowers, "", 0);
    } catch (const Error& e) {
        return std::string(e.what());
    }
}

} // namespace ward::container
