#include "ward/trust/unpack.hpp"

#include "beneath.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/in_root.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/decompress.hpp"
#include "ward/trust/digest.hpp"
#include "ward/trust/oci.hpp"
#include "ward/trust/tar_reader.hpp"

#include <cerrno>
#include <climits>
#include <fcntl.h>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <vector>

namespace ward::trust {

namespace {

using detail::join_components;
using detail::open_dir_beneath;

constexpr std::string_view kWhiteout = ".wh.";
constexpr std::string_view kOpaque = ".wh..wh..opq";

// The components of an archive name, or an Error saying why it is refused.
// "./a//b/" → {a, b}; "." and "./" → {} (the root itself).
std::vector<std::string> archive_components(const std::string& name, const UnpackLimits& lim,
                                            const char* what) {
    if (name.front() == '/')
        fail(std::string(what) + " is an absolute path (refused, not stripped)");
    if (!valid_utf8(name))
        // The record keeps names as JSON strings: a name it cannot keep
        // exactly could not be checked later.
        fail(std::string(what) + " is not valid UTF-8");
    std::vector<std::string> comps;
    for (auto& c : split(name, '/')) {
        if (c.empty() || c == ".")
            continue;
        if (c == "..")
            fail(std::string(what) + " has a \"..\" component");
        if (c.size() > NAME_MAX)
            fail(std::string(what) + " has a component longer than " + std::to_string(NAME_MAX) +
                 " bytes");
        comps.push_back(std::move(c));
    }
    if (name.size() > lim.max_path)
        fail(std::string(what) + " is longer than " + std::to_string(lim.max_path) + " bytes");
    if (comps.size() > lim.max_depth)
        fail(std::string(what) + " is deeper than " + std::to_string(lim.max_depth) +
             " components");
    return comps;
}

mode_t kind_bits(EntryType t) {
    switch (t) {
    case EntryType::char_device:
        return S_IFCHR;
    case EntryType::block_device:
        return S_IFBLK;
    default:
        return S_IFIFO;
    }
}

class LayerUnpacker {
  public:
    LayerUnpacker(int root_fd, const UnpackLimits& lim, const UnpackOptions& opt, TreeRecord& tree,
                  LayerResult& result)
        : root_(root_fd), lim_(lim), opt_(opt), tree_(tree), res_(result) {}

    void entry(const TarEntry& e, TarReader& reader) {
        if (tree_.entries >= lim_.max_entries)
            fail("more than " + std::to_string(lim_.max_entries) + " entries in the image");
        ++tree_.entries;
        ++res_.entries;
        auto comps = archive_components(e.path, lim_, "name");
        std::string rel = join_components(comps, comps.size());

        if (!comps.empty() && starts_with(comps.back(), kWhiteout)) {
            whiteout(comps, rel);
            return;
        }
        if (entries_.count(rel))
            fail("the layer has this entry twice");
        if (touched_.count(rel) && e.type != EntryType::directory)
            fail("replaces a directory the same layer already wrote into");
        entries_.insert(rel);

        if (comps.empty()) {
            if (e.type != EntryType::directory)
                fail("the archive root is not a directory");
            UniqueFd dir(::openat(root_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            if (!dir)
                fail_errno("open unpack target");
            directory_metadata(dir.get(), e, rel);
            return;
        }

        std::function<void(const std::string&)> created = [this](const std::string& path) {
            FileRecord r;
            r.type = EntryType::directory;
            r.mode = 0755;
            r.uid = static_cast<uint32_t>(::geteuid());
            r.gid = static_cast<uint32_t>(::getegid());
            tree_.files[path] = r;
        };
        for (size_t i = 0; i < comps.size(); ++i)
            touched_.insert(join_components(comps, i));
        UniqueFd parent = open_dir_beneath(root_, comps, comps.size() - 1, &created);
        const std::string& name = comps.back();

        if (e.type == EntryType::char_device || e.type == EntryType::block_device) {
            if (opt_.devices == Treatment::refuse)
                fail(std::string("device node (") + entry_type_name(e.type) + " " +
                     std::to_string(e.dev_major) + ":" + std::to_string(e.dev_minor) +
                     ") refused by policy");
            if (opt_.devices == Treatment::drop) {
                ++res_.dropped_devices;
                return;
            }
        }

        // Whatever is at the name is replaced, never followed or written
        // into; a directory over a directory is kept (its lower contents
        // merge), as every layer tool does.
        struct stat st {};
        bool exists = ::fstatat(parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
        if (!exists && errno != ENOENT)
            fail_errno("stat");
        if (exists && !(e.type == EntryType::directory && S_ISDIR(st.st_mode))) {
            detail::remove_all_at(parent.get(), name);
            tree_.erase_tree(rel);
        }

        switch (e.type) {
        case EntryType::directory:
            make_directory(parent.get(), name, e, rel);
            break;
        case EntryType::file:
            make_file(parent.get(), name, e, rel, reader);
            break;
        case EntryType::symlink:
            make_symlink(parent.get(), name, e, rel);
            break;
        case EntryType::hardlink:
            make_hardlink(parent.get(), name, e, rel);
            break;
        case EntryType::char_device:
        case EntryType::block_device:
        case EntryType::fifo:
            make_node(parent.get(), name, e, rel);
            break;
        }
    }

    // Directory mtimes last: entries written into a directory change it.
    void finish() {
        for (auto& [rel, e] : dir_times_) {
            auto comps = split(rel, '/');
            if (rel.empty())
                comps.clear();
            UniqueFd dir;
            if (comps.empty()) {
                dir.reset(::openat(root_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            } else {
                UniqueFd parent = open_dir_beneath(root_, comps, comps.size() - 1, nullptr);
                if (!parent)
                    continue; // removed by a later whiteout of this layer
                dir.reset(::openat(parent.get(), comps.back().c_str(),
                                   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            }
            if (!dir)
                continue;
            timespec times[2] = {{e.first, e.second}, {e.first, e.second}};
            if (::futimens(dir.get(), times) < 0)
                fail_errno("set mtime of " + quote("/" + rel));
        }
    }

  private:
    void whiteout(const std::vector<std::string>& comps, const std::string& rel) {
        if (entries_.count(rel))
            fail("the layer has this whiteout twice");
        entries_.insert(rel);
        const std::string& base = comps.back();
        UniqueFd parent = open_dir_beneath(root_, comps, comps.size() - 1, nullptr);
        std::string parent_rel = join_components(comps, comps.size() - 1);
        if (base == kOpaque) {
            if (!parent)
                return; // nothing below to hide
            for (auto& child : detail::list_dir(parent.get()))
                remove_lower(parent.get(), child, child_rel(parent_rel, child));
            return;
        }
        if (starts_with(base, ".wh..wh."))
            fail("unsupported whiteout " + quote(base));
        std::string target = base.substr(kWhiteout.size());
        if (target.empty() || target == "." || target == "..")
            fail("whiteout of " + quote(target) + " refused");
        if (parent)
            remove_lower(parent.get(), target, child_rel(parent_rel, target));
    }

    static std::string child_rel(const std::string& parent, const std::string& name) {
        return parent.empty() ? name : parent + "/" + name;
    }

    // Removes what lower layers put at `rel`, keeping what this layer
    // added: an entry of this layer stays, and a directory this layer wrote
    // into keeps exactly this layer's entries below it.
    void remove_lower(int dir_fd, const std::string& name, const std::string& rel) {
        if (entries_.count(rel) || touched_.count(rel)) {
            struct stat st {};
            if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                !S_ISDIR(st.st_mode))
                return;
            UniqueFd sub(
                ::openat(dir_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!sub)
                fail_errno("open " + quote("/" + rel));
            for (auto& child : detail::list_dir(sub.get()))
                remove_lower(sub.get(), child, rel + "/" + child);
            return;
        }
        detail::remove_all_at(dir_fd, name);
        tree_.erase_tree(rel);
    }

    void make_directory(int parent, const std::string& name, const TarEntry& e,
                        const std::string& rel) {
        if (::mkdirat(parent, name.c_str(), 0700) < 0 && errno != EEXIST)
            fail_errno("mkdir");
        UniqueFd dir(
            ::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!dir)
            fail_errno("open directory");
        directory_metadata(dir.get(), e, rel);
    }

    void directory_metadata(int dir, const TarEntry& e, const std::string& rel) {
        FileRecord r = base_record(e);
        apply_owner_mode(dir, r);
        apply_xattrs(dir, e, r);
        dir_times_.emplace_back(rel, std::make_pair(e.mtime, static_cast<long>(e.mtime_nsec)));
        tree_.files[rel] = std::move(r);
    }

    void make_file(int parent, const std::string& name, const TarEntry& e, const std::string& rel,
                   TarReader& reader) {
        if (tree_.content_bytes + e.size > lim_.max_content || e.size > lim_.max_content)
            fail("file content of the image is over the limit of " +
                 std::to_string(lim_.max_content) + " bytes");
        tree_.content_bytes += e.size;
        UniqueFd fd(::openat(parent, name.c_str(),
                             O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd)
            fail_errno("create");
        static thread_local std::vector<char> buf(256 * 1024);
        uint64_t left = e.size;
        while (left > 0) {
            size_t got = reader.read(buf.data(), buf.size());
            if (got == 0)
                fail("content ends early");
            hash_.write(buf.data(), got);
            write_all(fd.get(), std::string_view(buf.data(), got), "write " + quote("/" + rel));
            left -= got;
        }
        FileRecord r = base_record(e);
        r.size = e.size;
        r.digest = hash_.finish().str();
        setid(r);
        apply_owner_mode(fd.get(), r);
        apply_xattrs(fd.get(), e, r);
        timespec times[2] = {{e.mtime, static_cast<long>(e.mtime_nsec)},
                             {e.mtime, static_cast<long>(e.mtime_nsec)}};
        if (::futimens(fd.get(), times) < 0)
            fail_errno("set mtime");
        tree_.files[rel] = std::move(r);
    }

    void make_symlink(int parent, const std::string& name, const TarEntry& e,
                      const std::string& rel) {
        if (!valid_utf8(e.link_target))
            fail("symlink target is not valid UTF-8");
        if (::symlinkat(e.link_target.c_str(), parent, name.c_str()) < 0)
            fail_errno("symlink");
        FileRecord r = base_record(e);
        r.mode = 0777; // what Linux gives every symlink
        r.target = e.link_target;
        if (::fchownat(parent, name.c_str(), r.uid, r.gid, AT_SYMLINK_NOFOLLOW) < 0)
            fail_errno("lchown");
        timespec times[2] = {{e.mtime, static_cast<long>(e.mtime_nsec)},
                             {e.mtime, static_cast<long>(e.mtime_nsec)}};
        if (::utimensat(parent, name.c_str(), times, AT_SYMLINK_NOFOLLOW) < 0)
            fail_errno("set mtime");
        res_.dropped_xattrs += e.xattrs.size();
        tree_.files[rel] = std::move(r);
    }

    void make_hardlink(int parent, const std::string& name, const TarEntry& e,
                       const std::string& rel) {
        auto tcomps = archive_components(e.link_target, lim_, "hardlink target");
        std::string trel = join_components(tcomps, tcomps.size());
        auto it = tree_.files.find(trel);
        std::string refused = "hardlink to " + quote(e.link_target) +
                              " refused: only regular files unpacked before it can be linked";
        if (tcomps.empty() || it == tree_.files.end() || it->second.type != EntryType::file)
            fail(refused);
        UniqueFd tparent = open_dir_beneath(root_, tcomps, tcomps.size() - 1, nullptr);
        struct stat st {};
        if (!tparent ||
            ::fstatat(tparent.get(), tcomps.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0 ||
            !S_ISREG(st.st_mode))
            fail(refused);
        // flags 0: linkat never follows a symlink at the source.
        if (::linkat(tparent.get(), tcomps.back().c_str(), parent, name.c_str(), 0) < 0)
            fail_errno("link");
        tree_.files[rel] = it->second;
    }

    void make_node(int parent, const std::string& name, const TarEntry& e, const std::string& rel) {
        dev_t dev = e.type == EntryType::fifo ? 0 : makedev(e.dev_major, e.dev_minor);
        if (::mknodat(parent, name.c_str(), kind_bits(e.type) | 0600, dev) < 0)
            fail_errno("mknod");
        FileRecord r = base_record(e);
        if (e.type != EntryType::fifo) {
            r.major = e.dev_major;
            r.minor = e.dev_minor;
        }
        setid(r);
        // Owner and mode through an O_PATH fd checked to be the node just
        // made (opening it for I/O would act on a fifo or device), never by
        // name. The mtime goes by name, never following, in a directory only
        // the unpack writes: a time is all a swap could misplace.
        UniqueFd node(::openat(parent, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        struct stat st {};
        if (!node || ::fstat(node.get(), &st) < 0 || (st.st_mode & S_IFMT) != kind_bits(e.type) ||
            st.st_rdev != dev)
            fail("mknod made something else");
        set_owner_and_mode(node.get(), r.uid, r.gid, r.mode);
        timespec times[2] = {{e.mtime, static_cast<long>(e.mtime_nsec)},
                             {e.mtime, static_cast<long>(e.mtime_nsec)}};
        if (::utimensat(parent, name.c_str(), times, AT_SYMLINK_NOFOLLOW) < 0)
            fail_errno("set mtime");
        res_.dropped_xattrs += e.xattrs.size();
        tree_.files[rel] = std::move(r);
    }

    static FileRecord base_record(const TarEntry& e) {
        FileRecord r;
        r.type = e.type;
        r.mode = e.mode;
        r.uid = e.uid;
        r.gid = e.gid;
        if (const StoreOwner owner = store_owner(); owner.squashed) {
            r.uid = owner.uid;
            r.gid = owner.gid;
        }
        return r;
    }

    void setid(FileRecord& r) {
        if (!(r.mode & (S_ISUID | S_ISGID)))
            return;
        if (opt_.setid == Treatment::refuse)
            fail("setuid/setgid file refused by policy");
        if (opt_.setid == Treatment::drop) {
            r.mode &= ~static_cast<uint32_t>(S_ISUID | S_ISGID);
            ++res_.dropped_setid;
        }
    }

    // chown before chmod: chown clears setuid/setgid bits.
    static void apply_owner_mode(int fd, const FileRecord& r) {
        if (::fchown(fd, r.uid, r.gid) < 0)
            fail_errno("chown");
        if (::fchmod(fd, r.mode) < 0)
            fail_errno("chmod");
    }

    // After chown: chown drops security.capability.
    void apply_xattrs(int fd, const TarEntry& e, FileRecord& r) {
        for (auto& [name, value] : e.xattrs) {
            if (name == "security.capability") {
                if (opt_.file_capabilities == Treatment::refuse)
                    fail("file capabilities (security.capability) refused by policy");
                if (opt_.file_capabilities == Treatment::drop || e.type != EntryType::file) {
                    ++res_.dropped_capabilities;
                    continue;
                }
            } else if (!starts_with(name, "user.")) {
                ++res_.dropped_xattrs;
                continue;
            }
            if (::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0) < 0)
                fail_errno("set xattr " + quote(name));
            r.xattrs[name] = value;
        }
    }

    int root_;
    const UnpackLimits& lim_;
    const UnpackOptions& opt_;
    TreeRecord& tree_;
    LayerResult& res_;
    std::set<std::string> entries_; // paths this layer names (whiteouts included)
    std::set<std::string> touched_; // directories this layer wrote into
    std::vector<std::pair<std::string, std::pair<int64_t, long>>> dir_times_;
    Sha256 hash_;
};

} // namespace

StoreOwner store_owner() {
    const uid_t uid = ::geteuid();
    if (uid == 0)
        return {};
    return {static_cast<uint32_t>(uid), static_cast<uint32_t>(::getegid()), true};
}

namespace {

void init_root(int target_fd, TreeRecord& tree) {
    UniqueFd dir(::openat(target_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir)
        fail_errno("open unpack target");
    const StoreOwner owner = store_owner();
    if (::fchown(dir.get(), owner.uid, owner.gid) < 0 || ::fchmod(dir.get(), 0755) < 0)
        fail_errno("set owner and mode of the unpack target");
    FileRecord r;
    r.type = EntryType::directory;
    r.mode = 0755;
    r.uid = owner.uid;
    r.gid = owner.gid;
    tree.files[""] = r;
}

} // namespace

LayerResult unpack_layer(int target_fd, ByteSource& blob, std::string_view media_type,
                         const UnpackLimits& limits, const UnpackOptions& options,
                         TreeRecord& tree) {
    if (tree.files.empty())
        init_root(target_fd, tree);
    uint64_t budget = limits.max_uncompressed > tree.uncompressed_bytes
                          ? limits.max_uncompressed - tree.uncompressed_bytes
                          : 0;
    std::optional<Compression> compression = layer_compression(media_type);
    if (!compression)
        fail("unsupported layer media type " + quote(media_type));
    auto plain = decompress(blob, *compression, budget);
    Sha256 diff;
    TarLimits tl;
    tl.max_path = limits.max_path;
    tl.max_entry_size = limits.max_content;
    TarReader reader(*plain, &diff, tl);
    LayerResult result;
    LayerUnpacker unpacker(target_fd, limits, options, tree, result);
    TarEntry e;
    while (reader.next(e))
        with_context("tar entry " + quote(e.path), [&] { unpacker.entry(e, reader); });
    unpacker.finish();
    result.tar_bytes = reader.offset();
    tree.uncompressed_bytes += result.tar_bytes;
    result.diff_id = diff.finish().str();
    return result;
}

void check_diff_id(std::string_view layer_digest, std::string_view want, std::string_view got) {
    if (want != got)
        fail("layer " + std::string(layer_digest) + " diff_id mismatch (want " + std::string(want) +
             ", got " + std::string(got) + ")");
}

} // namespace ward::trust
