#include "ward/linux/rootfs_handles.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/mount_api.hpp"
#include "ward/linux/mount_options.hpp"

#include <algorithm>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ward::linux {

namespace {

// Directories above a file: a bound on a walk that a concurrent rename
// could otherwise keep going.
constexpr size_t kMaxDepth = 4096;

FileId id_of(int fd, const std::string& what) {
    auto id = file_id(fd);
    if (!id)
        fail_errno("stat " + what);
    return *id;
}

} // namespace

std::string kernel_path(int fd) {
    const std::string link = "/proc/self/fd/" + std::to_string(fd);
    std::string buf(4096, '\0');
    ssize_t n = ::readlink(link.c_str(), buf.data(), buf.size());
    if (n < 0)
        fail_errno("readlink " + link);
    if (static_cast<size_t>(n) >= buf.size())
        fail_errno("readlink " + link, ENAMETOOLONG);
    buf.resize(static_cast<size_t>(n));
    return buf;
}

namespace {

// The directory holding the non-directory `fd`: opened by the kernel's name
// for it, and checked to hold that very inode under that name.
UniqueFd parent_of_file(const std::string& path, const FileId& self) {
    auto slash = path.rfind('/');
    if (path.empty() || path.front() != '/' || slash == std::string::npos)
        fail("source " + quote(path) + " has no directory on this host");
    std::string dir = slash == 0 ? "/" : path.substr(0, slash);
    std::string name = path.substr(slash + 1);
    UniqueFd parent(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    struct stat st {};
    if (!parent || ::fstatat(parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0 ||
        FileId::of(st) != self)
        fail("source " + quote(path) + " moved while it was checked");
    return parent;
}

// A detached copy of the mount at `fd`, a slave of its original: mounts
// made on it in the container never propagate back to the host's peers.
UniqueFd detached_copy(const UniqueFd& fd, bool recursive) {
    UniqueFd tree = clone_mount(fd.get(), recursive);
    set_propagation(tree.get(), MS_SLAVE | (recursive ? MS_REC : 0));
    return tree;
}

} // namespace

std::vector<int> RootfsHandles::fds() const {
    std::vector<int> out;
    for (const UniqueFd* fd : {&rootfs, &rootfs_tree})
        if (*fd)
            out.push_back(fd->get());
    for (const auto* list : {&sources, &source_trees})
        for (const auto& fd : *list)
            if (fd)
                out.push_back(fd.get());
    return out;
}

void RootfsHandles::append_directory_source(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        fail_errno("open " + path);
    UniqueFd tree = with_context(path, [&] { return detached_copy(fd, false); });
    sources.push_back(std::move(fd));
    source_trees.push_back(std::move(tree));
    source_errors.emplace_back();
}

void RootfsHandles::require_sources() const {
    for (const auto& error : source_errors)
        if (!error.empty())
            fail(error);
}

void RootfsHandles::close_checked() {
    rootfs.reset();
    for (auto& s : sources)
        s.reset();
}

void RootfsHandles::close_all() {
    close_checked();
    rootfs_tree.reset();
    for (auto& s : source_trees)
        s.reset();
}

RootfsHandles open_rootfs_handles(const spec::Spec& spec, const std::string& bundle, bool copies) {
    RootfsHandles out;
    if (!spec.root)
        fail("config.json: root: required to create a container");
    const std::string& root = spec.root->path;
    std::string path = root.front() == '/' || bundle.empty() ? root : bundle + "/" + root;
    out.rootfs.reset(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!out.rootfs)
        fail_errno("rootfs " + root);
    out.sources.resize(spec.mounts.size());
    out.source_trees.resize(spec.mounts.size());
    out.source_errors.resize(spec.mounts.size());
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        const spec::Mount& m = spec.mounts[i];
        if (!m.is_bind())
            continue;
        std::string field = "mounts[" + std::to_string(i) + "].source " + quote(m.source);
        if (m.source.empty()) {
            out.source_errors[i] =
                "mounts[" + std::to_string(i) + "].source: a bind mount needs a source";
            continue;
        }
        path = m.source.front() == '/' || bundle.empty() ? m.source : bundle + "/" + m.source;
        out.sources[i].reset(::open(path.c_str(), O_PATH | O_CLOEXEC));
        if (!out.sources[i])
            out.source_errors[i] = field + ": open: " + errno_text(errno);
    }
    if (copies)
        out.make_copies(spec);
    return out;
}

void RootfsHandles::make_copies(const spec::Spec& spec) {
    rootfs_tree =
        with_context("rootfs " + spec.root->path, [&] { return detached_copy(rootfs, true); });
    for (size_t i = 0; i < sources.size() && i < spec.mounts.size(); ++i) {
        if (!sources[i])
            continue;
        const spec::Mount& m = spec.mounts[i];
        bool recursive = parse_mount_options(m.options).recursive_bind();
        source_trees[i] =
            with_context("mounts[" + std::to_string(i) + "].source " + quote(m.source),
                         [&] { return detached_copy(sources[i], recursive); });
    }
}

std::vector<std::string> RootfsHandles::kernel_paths() const {
    std::vector<std::string> out;
    out.push_back(kernel_path(rootfs.get()));
    for (const auto& fd : sources)
        out.push_back(fd ? kernel_path(fd.get()) : "");
    return out;
}

namespace {

// The file at `path` in this mount namespace, refused unless it is the
// very file `checked` is (device and inode).
UniqueFd reopen_same(const UniqueFd& checked, const std::string& path, int flags) {
    UniqueFd fd(::open(path.c_str(), flags | O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        fail_errno("rootless: reopen " + path + " in the container's mount namespace");
    if (id_of(fd.get(), path) != id_of(checked.get(), path))
        fail("rootless: " + path + " changed between the checks and the mount namespace");
    return fd;
}

} // namespace

void RootfsHandles::reopen_here(const std::vector<std::string>& paths) {
    if (paths.size() != sources.size() + 1)
        fail("rootless: rootfs paths do not match the opened handles");
    rootfs = reopen_same(rootfs, paths[0], O_DIRECTORY);
    for (size_t i = 0; i < sources.size(); ++i)
        if (sources[i])
            sources[i] = reopen_same(sources[i], paths[i + 1], 0);
}

FileLocation locate(int fd) {
    FileLocation out;
    out.path = kernel_path(fd);
    struct stat st {};
    if (::fstat(fd, &st) < 0)
        fail_errno("stat " + out.path);
    FileId self = FileId::of(st);
    out.chain.push_back(self);
    // The walk up starts at the source itself when it is a directory.
    UniqueFd parent;
    if (!S_ISDIR(st.st_mode)) {
        parent = parent_of_file(out.path, self);
        out.chain.push_back(id_of(parent.get(), out.path));
    }
    int dir = parent ? parent.get() : fd;
    UniqueFd up;
    while (out.chain.size() < kMaxDepth) {
        UniqueFd next(::openat(dir, "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!next)
            fail_errno("open the parent of " + out.path);
        FileId next_id = id_of(next.get(), out.path);
        if (next_id == out.chain.back())
            return out; // ".." of "/" is "/"
        out.chain.push_back(next_id);
        up = std::move(next);
        dir = up.get();
    }
    fail("source " + quote(out.path) + " is nested too deep");
}

} // namespace ward::linux
