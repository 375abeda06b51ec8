// The image store on disk: where it is, opening it, finding entries,
// removing them, and the temporary directories imports work in.
//
// Readers (ls, inspect, find at create) take no lock: an entry appears by
// one rename, image.json changes by one rename, and an entry goes by being
// renamed out of images/ before it is deleted, so a reader sees an entry
// whole or not at all. Writers serialise on STORE/lock.
#include "beneath.hpp"
#include "store_files.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fault.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/base/user_dirs.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ward::trust {

std::string store_root(const std::string& flag) {
    std::string root = flag;
    if (root.empty())
        if (const char* env = std::getenv("WARD_STORE"); env && *env)
            root = env;
    if (root.empty())
        return default_store_root(::geteuid(), process_environment());
    // Absolute, so the rootfs paths a bundle records do not depend on the
    // directory `bundle create` ran in.
    std::string abs = std::filesystem::absolute(root).lexically_normal().string();
    while (abs.size() > 1 && abs.back() == '/')
        abs.pop_back();
    return abs;
}

namespace detail {
namespace {

bool is_hex64(std::string_view s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

void make_dir(const std::string& path, unsigned mode) {
    if (::mkdir(path.c_str(), mode) < 0 && errno != EEXIST)
        fail_errno("mkdir " + path);
}

} // namespace

void fsync_dir(int dir_fd, const std::string& what) {
    if (::fsync(dir_fd) < 0)
        fail_errno("fsync " + what);
}

void write_new_file(int dir_fd, const std::string& name, std::string_view data) {
    UniqueFd fd(
        ::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd)
        fail_errno("create " + name);
    write_all(fd.get(), data, name);
    if (::fsync(fd.get()) < 0)
        fail_errno("fsync " + name);
}

void replace_file(int dir_fd, const std::string& name, std::string_view data) {
    std::string tmp = name + ".tmp";
    if (::unlinkat(dir_fd, tmp.c_str(), 0) < 0 && errno != ENOENT)
        fail_errno("remove " + tmp);
    write_new_file(dir_fd, tmp, data);
    if (::renameat(dir_fd, tmp.c_str(), dir_fd, name.c_str()) < 0)
        fail_errno("rename " + tmp + " to " + name);
    fsync_dir(dir_fd, name + "'s directory");
}

UniqueFd open_images_dir(const Store& store, bool create) {
    std::string path = store.root() + "/images/sha256";
    if (create) {
        make_dir(store.root() + "/images", 0700);
        make_dir(path, 0700);
    }
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd && errno != ENOENT)
        fail_errno("open " + path);
    return fd;
}

void rewrite_image_json(const StoreEntry& entry) {
    UniqueFd dir(::open(entry.dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir)
        fail_errno("open " + entry.dir);
    replace_file(dir.get(), "image.json", serialize_image_json(entry));
}

TempDir::TempDir(const Store& store, const std::string& prefix) {
    std::string tmp_path = store.root() + "/tmp";
    tmp_.reset(::open(tmp_path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!tmp_)
        fail_errno("open " + tmp_path);
    // Under the store lock, so sweep_tmp never sees it between mkdtemp
    // and the flock below.
    UniqueFd lock = store.lock();
    std::string templ = tmp_path + "/" + prefix + "-XXXXXX";
    if (!::mkdtemp(templ.data()))
        fail_errno("mkdtemp " + tmp_path + "/" + prefix + "-XXXXXX");
    path_ = templ;
    name_ = path_.substr(tmp_path.size() + 1);
    fd_.reset(::openat(tmp_.get(), name_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd_ || ::flock(fd_.get(), LOCK_EX) < 0) {
        int err = errno;
        remove_all_at(tmp_.get(), name_);
        fail_errno("open " + path_, err);
    }
}

TempDir::~TempDir() {
    if (released_)
        return;
    try {
        remove_all_at(tmp_.get(), name_);
    } catch (const std::exception& e) {
        log::warn("cleanup of " + path_ + ": " + e.what());
    }
}

void sweep_tmp(const Store& store) {
    std::string tmp_path = store.root() + "/tmp";
    UniqueFd tmp(::open(tmp_path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!tmp)
        return;
    for (const auto& name : list_dir(tmp.get())) {
        UniqueFd d(::openat(tmp.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        // A live import holds its directory locked; anything else is left
        // over from a ward that was killed.
        if (d && ::flock(d.get(), LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK)
            continue;
        d.reset();
        log::debug("store: removing abandoned " + tmp_path + "/" + name);
        remove_all_at(tmp.get(), name);
    }
}

} // namespace detail

namespace {

std::string mode_text(mode_t mode) {
    char b[8];
    std::snprintf(b, sizeof b, "0%03o", mode & 07777);
    return b;
}

// Who can change what the store holds: its owner, and the owner of any
// directory above it (who can rename the store away and put another in
// its place). Each must be root or us, and nobody else may write to them;
// a sticky directory such as /tmp is fine above the store, since only an
// entry's owner may rename it there. Checked at every open, reading too:
// a store someone else controls could hold a forged signatures.json next
// to a rootfs of their own.
void check_store_owners(const std::string& root) {
    UniqueFd dir(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) {
        if (errno == ENOENT)
            return; // no store: nothing in it to trust
        fail_errno("image store " + root);
    }
    const uid_t me = ::geteuid();
    struct stat st {};
    if (::fstat(dir.get(), &st) < 0)
        fail_errno("image store " + root);
    if (st.st_uid != me || (st.st_mode & 022))
        fail("image store " + root + ": must be owned by uid " + std::to_string(me) +
             " and writable by it alone (mode 0700); it is uid " + std::to_string(st.st_uid) +
             ", mode " + mode_text(st.st_mode));
    for (int depth = 1; depth < 4096; ++depth) {
        UniqueFd up(::openat(dir.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
        struct stat ust {};
        if (!up || ::fstat(up.get(), &ust) < 0)
            fail_errno("image store " + root + ": open a parent directory");
        if (ust.st_dev == st.st_dev && ust.st_ino == st.st_ino)
            return; // "/"
        bool owner_ok = ust.st_uid == 0 || ust.st_uid == me;
        bool others_write = (ust.st_mode & 022) && !(ust.st_mode & S_ISVTX);
        if (!owner_ok || others_write)
            fail("image store " + root + ": a directory above it (" + std::to_string(depth) +
                 " up) is uid " + std::to_string(ust.st_uid) + ", mode " + mode_text(ust.st_mode) +
                 ", so someone other than root could replace the store; keep it below "
                 "directories only root can change");
        dir = std::move(up);
        st = ust;
    }
    fail("image store " + root + ": nested too deep");
}

} // namespace

Store Store::open(const std::string& root, bool create) {
    if (root.empty())
        fail("image store: empty path");
    Store s;
    s.root_ = root;
    if (!create) {
        check_store_owners(root);
        return s;
    }
    // Parents as `mkdir -p` makes them; the store itself is root's alone.
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(root).parent_path();
    if (!parent.empty() && !std::filesystem::create_directories(parent, ec) && ec)
        fail("image store " + root + ": mkdir " + parent.string() + ": " + ec.message());
    detail::make_dir(root, 0700);
    struct stat st {};
    if (::stat(root.c_str(), &st) < 0)
        fail_errno("image store " + root);
    if (!S_ISDIR(st.st_mode))
        fail("image store " + root + ": not a directory");
    check_store_owners(root);
    detail::open_images_dir(s, true);
    detail::make_dir(root + "/tmp", 0700);
    return s;
}

UniqueFd Store::lock() const {
    std::string path = root_ + "/lock";
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd)
        fail_errno("open " + path);
    int rc;
    do
        rc = ::flock(fd.get(), LOCK_EX);
    while (rc < 0 && errno == EINTR);
    if (rc < 0)
        fail_errno("lock " + path);
    return fd;
}

std::optional<StoreEntry> Store::find(const Digest& manifest) const {
    std::string dir = root_ + "/images/sha256/" + manifest.hex;
    std::string path = dir + "/image.json";
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT)
            return std::nullopt;
        fail_errno("open " + path);
    }
    StoreEntry e = parse_image_json(read_fd(fd.get()), path);
    if (!(e.manifest == manifest))
        fail(path + ": names manifest " + e.manifest.str() + ", not " + manifest.str());
    e.dir = dir;
    return e;
}

std::vector<StoreEntry> Store::list() const {
    std::vector<StoreEntry> out;
    UniqueFd images = detail::open_images_dir(*this, false);
    if (!images)
        return out;
    for (const auto& name : detail::list_dir(images.get())) {
        if (!detail::is_hex64(name))
            continue;
        try {
            if (auto e = find(Digest{name}))
                out.push_back(std::move(*e));
        } catch (const Error& err) {
            log::warn(std::string("image store: skipping an entry: ") + err.what());
        }
    }
    std::sort(out.begin(), out.end(), [](const StoreEntry& a, const StoreEntry& b) {
        return a.imported != b.imported ? a.imported < b.imported : a.manifest.hex < b.manifest.hex;
    });
    return out;
}

std::string StoreEntry::name_for(const std::string& ref) const {
    auto named = [&](const std::string& n) {
        return std::find(names.begin(), names.end(), n) != names.end();
    };
    if (named(ref))
        return ref;
    if (named(ref + ":latest")) // find assumes the tag too
        return ref + ":latest";
    if (names.empty())
        fail("image " + quote(ref) + ": store entry " + manifest.str() + " has no name");
    return names.front();
}

std::optional<StoreEntry> Store::find(const std::string& ref) const {
    std::string_view hex = ref;
    if (starts_with(hex, "sha256:"))
        hex.remove_prefix(7);
    bool all_hex = !hex.empty() && std::all_of(hex.begin(), hex.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
    if (all_hex && hex.size() == 64)
        return find(Digest{std::string(hex)});
    if (all_hex && ref.find('/') == std::string::npos) {
        if (hex.size() < 12)
            fail("image ID " + quote(ref) + " is too short: give at least 12 hex digits");
        UniqueFd images = detail::open_images_dir(*this, false);
        std::vector<std::string> hits;
        if (images)
            for (const auto& name : detail::list_dir(images.get()))
                if (detail::is_hex64(name) && starts_with(name, hex))
                    hits.push_back("sha256:" + name);
        if (hits.size() > 1)
            fail("image ID " + quote(ref) + " is ambiguous: " + join(hits, ", "));
        if (hits.empty())
            return std::nullopt;
        return find(Digest{hits[0].substr(7)});
    }
    std::string name = normalize_image_name(ref);
    for (auto& e : list())
        if (std::find(e.names.begin(), e.names.end(), name) != e.names.end())
            return std::move(e);
    return std::nullopt;
}

std::vector<Signature> Store::signatures(const StoreEntry& entry) const {
    std::string path = entry.dir + "/signatures.json";
    return detail::parse_signatures(read_document(path), path);
}

Store::Removal Store::remove(const std::string& ref) const {
    UniqueFd held = lock();
    std::optional<StoreEntry> entry = find(ref);
    if (!entry)
        fail("image " + quote(ref) + " is not in the store (" + root_ + ")");
    Removal r;
    // A name takes only itself away while the image has others.
    std::string name;
    if (ref.find('/') != std::string::npos)
        name = normalize_image_name(ref);
    if (!name.empty() && entry->names.size() > 1) {
        std::erase(entry->names, name);
        detail::rewrite_image_json(*entry);
        r.untagged.push_back(name);
        return r;
    }
    // The entry leaves images/ in one rename; what is deleted after that is
    // no image any more, and sweep_tmp finishes it if this is killed.
    UniqueFd images = detail::open_images_dir(*this, false);
    UniqueFd tmp(::open((root_ + "/tmp").c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!images || !tmp)
        fail_errno("open " + root_ + "/images/sha256 and " + root_ + "/tmp");
    std::string gone = "rm-" + entry->manifest.hex.substr(0, 12) + "-" + std::to_string(::getpid());
    detail::remove_all_at(tmp.get(), gone);
    if (::renameat(images.get(), entry->manifest.hex.c_str(), tmp.get(), gone.c_str()) < 0)
        fail_errno("move " + entry->dir + " out of the store");
    detail::fsync_dir(images.get(), root_ + "/images/sha256");
    fault_point("image-rm:moved");
    detail::remove_all_at(tmp.get(), gone);
    r.untagged = entry->names;
    r.deleted = entry->manifest;
    return r;
}

} // namespace ward::trust
