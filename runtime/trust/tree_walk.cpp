#include "ward/trust/tree_walk.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/digest.hpp"
#include "ward/trust/tree_diff.hpp"

#include <atomic>
#include <climits>
#include <condition_variable>
#include <deque>
#include <dirent.h>
#include <exception>
#include <fcntl.h>
#include <map>
#include <memory>
#include <mutex>
#include <sched.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000 // Linux 5.8; older headers lack it
#endif

namespace ward::trust {

namespace {

// Regular files waiting for a hashing thread, each an open fd: enough to
// keep every worker busy while the walker opens the next ones, few enough
// that (with one fd per directory level) the walk stays far below the
// usual 1024 open files.
constexpr size_t kQueueDepth = 64;
// Big enough that the syscall cost vanishes, small enough to stay in a
// core's L2 cache between read(2) copying it and SHA-256 reading it.
constexpr size_t kReadBuffer = 256 * 1024;

std::string child(const std::string& parent, const std::string& name) {
    return parent.empty() ? name : parent + "/" + name;
}

struct Job {
    UniqueFd fd;
    FileRecord* out; // a node of the map being built: its address is stable
    std::string rel;
};

// The hashing side: a bounded queue of open files and the threads that
// drain it. The first error (walker's or a worker's) stops everything and
// is rethrown by finish().
class HashPool {
  public:
    explicit HashPool(unsigned threads) {
        for (unsigned i = 0; i < threads; ++i)
            workers_.emplace_back([this] { run(); });
    }
    ~HashPool() { stop_and_join(); }

    // Blocks while the queue is full. False once the walk must stop.
    bool push(Job job) {
        std::unique_lock lock(mu_);
        not_full_.wait(lock, [&] { return queue_.size() < kQueueDepth || failed_; });
        if (failed_)
            return false;
        queue_.push_back(std::move(job));
        not_empty_.notify_one();
        return true;
    }

    bool failed() {
        std::lock_guard lock(mu_);
        return failed_;
    }

    void fail_with(std::exception_ptr e) {
        std::lock_guard lock(mu_);
        if (!failed_) {
            failed_ = true;
            error_ = std::move(e);
        }
        not_full_.notify_all();
        not_empty_.notify_all();
    }

    // Waits for every queued file; rethrows the first error.
    uint64_t finish() {
        stop_and_join();
        if (error_)
            std::rethrow_exception(error_);
        return bytes_.load();
    }

  private:
    void stop_and_join() {
        {
            std::lock_guard lock(mu_);
            done_ = true;
        }
        not_empty_.notify_all();
        for (auto& t : workers_)
            if (t.joinable())
                t.join();
    }

    void run() {
        std::vector<char> buf(kReadBuffer);
        for (;;) {
            Job job;
            {
                std::unique_lock lock(mu_);
                not_empty_.wait(lock, [&] { return !queue_.empty() || done_ || failed_; });
                if (failed_ || queue_.empty())
                    return; // the fds left in the queue close with it
                job = std::move(queue_.front());
                queue_.pop_front();
                not_full_.notify_one();
            }
            try {
                hash(job, buf);
            } catch (...) {
                fail_with(std::current_exception());
                return;
            }
        }
    }

    void hash(Job& job, std::vector<char>& buf) {
        Sha256 sha;
        uint64_t total = 0;
        // Read-ahead as large as the kernel allows for this file.
        ::posix_fadvise(job.fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
        for (;;) {
            ssize_t n = ::read(job.fd.get(), buf.data(), buf.size());
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                fail_errno("rootfs file " + shown_path(job.rel) + ": read");
            if (n == 0)
                break;
            sha.update(buf.data(), static_cast<size_t>(n));
            total += static_cast<uint64_t>(n);
        }
        // What was hashed, not what stat said: a file that grew or shrank
        // meanwhile is recorded as read.
        job.out->size = total;
        job.out->digest = sha.finish().str();
        bytes_ += total;
    }

    std::mutex mu_;
    std::condition_variable not_full_, not_empty_;
    std::deque<Job> queue_;
    bool done_ = false;
    bool failed_ = false;
    std::exception_ptr error_;
    std::atomic<uint64_t> bytes_{0};
    std::vector<std::thread> workers_;
};

struct Inode {
    uint32_t dev_major, dev_minor;
    uint64_t ino;
    auto operator<=>(const Inode&) const = default;
};

class Walker {
  public:
    Walker(const WalkOptions& opt, TreeRecord& tree, HashPool& pool)
        : opt_(opt), tree_(tree), pool_(pool) {}

    void root(int rootfs_dirfd) {
        struct statx sx {};
        if (::statx(rootfs_dirfd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, kMask,
                    &sx) < 0)
            fail_errno("rootfs: stat");
        if (!S_ISDIR(sx.stx_mode))
            fail("rootfs: not a directory");
        UniqueFd dir(::openat(rootfs_dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!dir)
            fail_errno("rootfs: open");
        count();
        FileRecord& r = record("", sx);
        r.type = EntryType::directory;
        r.xattrs = xattrs(dir.get(), "");
        directory(std::move(dir), "", sx, 0);
    }

    // Hardlinks after every file is hashed: each copies its first name's
    // record.
    void copy_links() {
        for (auto& [link, first] : links_)
            *link = *first;
    }

  private:
    static constexpr unsigned kMask =
        STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_UID | STATX_GID | STATX_INO | STATX_SIZE;

    void count() {
        if (++tree_.entries > opt_.max_entries)
            fail("rootfs has more than " + std::to_string(opt_.max_entries) + " entries");
    }

    FileRecord& record(const std::string& rel, const struct statx& sx) {
        FileRecord& r = tree_.files[rel];
        r.mode = sx.stx_mode & 07777;
        r.uid = sx.stx_uid;
        r.gid = sx.stx_gid;
        return r;
    }

    // The inode opened must be the one statx saw: a name swapped in
    // between is refused rather than recorded under the old one's look.
    static void same_inode(int fd, const struct statx& sx, const std::string& rel) {
        struct stat st {};
        if (::fstat(fd, &st) < 0)
            fail_errno("rootfs file " + shown_path(rel) + ": stat");
        if (st.st_ino != sx.stx_ino || major(st.st_dev) != sx.stx_dev_major ||
            minor(st.st_dev) != sx.stx_dev_minor || (st.st_mode & S_IFMT) != (sx.stx_mode & S_IFMT))
            fail("rootfs file " + shown_path(rel) + " was replaced while the tree was walked");
    }

    void directory(UniqueFd fd, const std::string& rel, const struct statx& self, size_t depth) {
        std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(fd.get()), ::closedir);
        if (!dir)
            fail_errno("rootfs directory " + shown_path(rel) + ": read");
        fd.release(); // the DIR owns it now
        int dfd = ::dirfd(dir.get());
        std::vector<std::string> names;
        errno = 0;
        while (dirent* de = ::readdir(dir.get())) {
            std::string_view n = de->d_name;
            if (n != "." && n != "..")
                names.emplace_back(n);
            errno = 0;
        }
        if (errno != 0)
            fail_errno("rootfs directory " + shown_path(rel) + ": read");
        for (const auto& name : names) {
            if (pool_.failed())
                return;
            entry(dfd, name, child(rel, name), self, depth);
        }
    }

    void entry(int dfd, const std::string& name, const std::string& rel, const struct statx& parent,
               size_t depth) {
        if (!valid_utf8(name))
            fail("rootfs file " + shown_path(rel) + ": name is not valid UTF-8");
        count();
        struct statx sx {};
        if (::statx(dfd, name.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, kMask, &sx) < 0)
            fail_errno("rootfs file " + shown_path(rel) + ": stat");
        bool mount_root = (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
                          (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
        // Kernels before 5.8 have no mount-root attribute: another device
        // under a directory is the sign of a mount there.
        if (mount_root || (S_ISDIR(sx.stx_mode) && (sx.stx_dev_major != parent.stx_dev_major ||
                                                    sx.stx_dev_minor != parent.stx_dev_minor)))
            fail("rootfs " + std::string(S_ISDIR(sx.stx_mode) ? "directory " : "file ") +
                 shown_path(rel) + " is a mount point (the walk does not cross mounts)");

        switch (sx.stx_mode & S_IFMT) {
        case S_IFDIR: {
            if (depth + 1 > opt_.max_depth)
                fail("rootfs directory " + shown_path(rel) + " is deeper than " +
                     std::to_string(opt_.max_depth) + " levels");
            UniqueFd sub(
                ::openat(dfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!sub)
                fail_errno("rootfs directory " + shown_path(rel) + ": open");
            same_inode(sub.get(), sx, rel);
            FileRecord& r = record(rel, sx);
            r.type = EntryType::directory;
            r.xattrs = xattrs(sub.get(), rel);
            directory(std::move(sub), rel, sx, depth + 1);
            return;
        }
        case S_IFREG:
            file(dfd, name, rel, sx);
            return;
        case S_IFLNK: {
            FileRecord& r = record(rel, sx);
            r.type = EntryType::symlink;
            char buf[PATH_MAX + 1];
            ssize_t n = ::readlinkat(dfd, name.c_str(), buf, sizeof buf);
            if (n < 0)
                fail_errno("rootfs symlink " + shown_path(rel) + ": read");
            if (static_cast<size_t>(n) >= sizeof buf)
                fail("rootfs symlink " + shown_path(rel) + ": target longer than " +
                     std::to_string(PATH_MAX) + " bytes");
            r.target.assign(buf, static_cast<size_t>(n));
            if (!valid_utf8(r.target))
                fail("rootfs symlink " + shown_path(rel) + ": target is not valid UTF-8");
            return;
        }
        case S_IFCHR:
        case S_IFBLK: {
            FileRecord& r = record(rel, sx);
            r.type = S_ISCHR(sx.stx_mode) ? EntryType::char_device : EntryType::block_device;
            r.major = sx.stx_rdev_major;
            r.minor = sx.stx_rdev_minor;
            return;
        }
        case S_IFIFO:
            record(rel, sx).type = EntryType::fifo;
            return;
        default:
            fail("rootfs file " + shown_path(rel) +
                 " is a socket (a rootfs record has no type for one)");
        }
    }

    void file(int dfd, const std::string& name, const std::string& rel, const struct statx& sx) {
        FileRecord& r = record(rel, sx);
        r.type = EntryType::file;
        if (!opt_.hash_contents) {
            r.size = sx.stx_size;
            tree_.content_bytes += sx.stx_size;
            return;
        }
        Inode inode{sx.stx_dev_major, sx.stx_dev_minor, sx.stx_ino};
        if (sx.stx_nlink > 1) {
            auto [it, fresh] = inodes_.emplace(inode, &r);
            if (!fresh) {
                links_.emplace_back(&r, it->second);
                return;
            }
        }
        // O_NONBLOCK: should a fifo be swapped in after the statx, the open
        // does not hang (and same_inode refuses it).
        UniqueFd fd(
            ::openat(dfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
        if (!fd)
            fail_errno("rootfs file " + shown_path(rel) + ": open");
        same_inode(fd.get(), sx, rel);
        r.xattrs = record_xattrs(fd.get(), rel);
        pool_.push(Job{std::move(fd), &r, rel});
    }

    std::map<std::string, std::string> xattrs(int fd, const std::string& rel) const {
        return opt_.hash_contents ? record_xattrs(fd, rel) : std::map<std::string, std::string>{};
    }

    const WalkOptions& opt_;
    TreeRecord& tree_;
    HashPool& pool_;
    std::map<Inode, FileRecord*> inodes_;                    // files with more than one name
    std::vector<std::pair<FileRecord*, FileRecord*>> links_; // a later name → the first
};

} // namespace

// The xattrs the unpacker sets, so both records agree: user.* and
// security.capability. SELinux labels, ACLs and trusted.* are the host's.
std::map<std::string, std::string> record_xattrs(int fd, const std::string& rel) {
    std::map<std::string, std::string> out;
    std::string names;
    for (;;) {
        ssize_t n = ::flistxattr(fd, nullptr, 0);
        if (n < 0 && (errno == ENOTSUP || errno == EOPNOTSUPP))
            return out;
        if (n < 0)
            fail_errno("rootfs file " + shown_path(rel) + ": list xattrs");
        if (n == 0)
            return out;
        names.assign(static_cast<size_t>(n), '\0');
        n = ::flistxattr(fd, names.data(), names.size());
        if (n < 0 && errno == ERANGE)
            continue; // grew meanwhile
        if (n < 0)
            fail_errno("rootfs file " + shown_path(rel) + ": list xattrs");
        names.resize(static_cast<size_t>(n));
        break;
    }
    for (size_t pos = 0; pos < names.size();) {
        size_t end = names.find('\0', pos);
        if (end == std::string::npos)
            end = names.size();
        std::string name = names.substr(pos, end - pos);
        pos = end + 1;
        if (!starts_with(name, "user.") && name != "security.capability")
            continue;
        std::string value;
        for (;;) {
            ssize_t n = ::fgetxattr(fd, name.c_str(), nullptr, 0);
            if (n < 0 && errno == ENODATA)
                break; // removed meanwhile
            if (n < 0)
                fail_errno("rootfs file " + shown_path(rel) + ": read xattr " + name);
            value.assign(static_cast<size_t>(n), '\0');
            n = ::fgetxattr(fd, name.c_str(), value.data(), value.size());
            if (n < 0 && errno == ERANGE)
                continue;
            if (n < 0)
                fail_errno("rootfs file " + shown_path(rel) + ": read xattr " + name);
            value.resize(static_cast<size_t>(n));
            out[name] = value;
            break;
        }
    }
    return out;
}

unsigned walk_threads(const WalkOptions& options) {
    if (options.threads > 0)
        return options.threads;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return static_cast<unsigned>(CPU_COUNT(&set));
    long n = ::sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? static_cast<unsigned>(n) : 1;
}

TreeRecord record_tree(int rootfs_dirfd, const WalkOptions& options) {
    TreeRecord tree;
    HashPool pool(options.hash_contents ? walk_threads(options) : 0);
    Walker walker(options, tree, pool);
    try {
        walker.root(rootfs_dirfd);
    } catch (...) {
        pool.fail_with(std::current_exception());
    }
    uint64_t hashed = pool.finish();
    if (options.hash_contents)
        tree.content_bytes = hashed;
    walker.copy_links();
    return tree;
}

} // namespace ward::trust
