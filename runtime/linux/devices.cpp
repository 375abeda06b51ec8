// The container's /dev: the default device set the runtime-spec requires,
// linux.devices, the /dev/fd and stdio links, and /dev/ptmx. Nodes are made
// with mknod, or in a user namespace (where mknod is refused) as a bind of
// the host's node onto an empty file.
#include "ward/base/error.hpp"
#include "ward/base/in_root.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/mount_api.hpp"
#include "ward/linux/rootfs_steps.hpp"

#include <algorithm>
#include <fcntl.h>
#include <set>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace ward::linux {

namespace {

struct Node {
    std::string path; // "/dev/null", cleaned
    char type = 'c';  // c, u, b, p
    unsigned major = 0;
    unsigned minor = 0;
    unsigned mode = 0666;
    uid_t uid = 0;
    gid_t gid = 0;
};

const Node kDefaultNodes[] = {
    {"/dev/null", 'c', 1, 3},   {"/dev/zero", 'c', 1, 5},    {"/dev/full", 'c', 1, 7},
    {"/dev/random", 'c', 1, 8}, {"/dev/urandom", 'c', 1, 9}, {"/dev/tty", 'c', 5, 0},
};

const std::pair<const char*, const char*> kLinks[] = {
    {"fd", "/proc/self/fd"},
    {"stdin", "/proc/self/fd/0"},
    {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"},
};

mode_t file_type(char type) {
    switch (type) {
    case 'c':
    case 'u':
        return S_IFCHR;
    case 'b':
        return S_IFBLK;
    case 'p':
        return S_IFIFO;
    }
    fail("device type " + quote(std::string(1, type)) + " is not one of c, u, b, p");
}

Node node_of(const spec::Device& device) {
    Node node;
    node.path = normal_path(device.path);
    auto parts = path_components(device.path);
    if (device.path.empty() || device.path.front() != '/' || parts.size() < 2 ||
        parts[0] != "dev" || std::find(parts.begin(), parts.end(), "..") != parts.end())
        fail("device path " + quote(device.path) + " is not under /dev");
    if (device.type.size() != 1)
        fail("device " + device.path + ": type " + quote(device.type) +
             " is not one of c, u, b, p");
    node.type = device.type[0];
    file_type(node.type);
    if (node.type != 'p' &&
        (device.major < 0 || device.minor < 0 || device.major > 0xfff || device.minor > 0xfffff))
        fail("device " + device.path + ": major/minor " + std::to_string(device.major) + ":" +
             std::to_string(device.minor) + " out of range");
    node.major = static_cast<unsigned>(device.major);
    node.minor = static_cast<unsigned>(device.minor);
    node.mode = device.file_mode.value_or(0666) & 07777;
    node.uid = device.uid.value_or(0);
    node.gid = device.gid.value_or(0);
    return node;
}

// Defaults first, each replaced by a linux.devices entry of the same path;
// two linux.devices entries for one path are refused.
std::vector<Node> nodes_of(const spec::Spec& spec) {
    std::vector<Node> nodes(std::begin(kDefaultNodes), std::end(kDefaultNodes));
    std::set<std::string> seen;
    if (!spec.linux)
        return nodes;
    for (const auto& device : spec.linux->devices) {
        Node node = node_of(device);
        if (!seen.insert(node.path).second)
            fail("device " + node.path + " is listed twice in linux.devices");
        auto same = std::find_if(nodes.begin(), nodes.end(),
                                 [&](const Node& n) { return n.path == node.path; });
        if (same != nodes.end())
            *same = node;
        else
            nodes.push_back(node);
    }
    return nodes;
}

bool is_node(const struct stat& st, const Node& node) {
    return (st.st_mode & S_IFMT) == file_type(node.type) &&
           (node.type == 'p' || st.st_rdev == makedev(node.major, node.minor));
}

// An O_PATH fd of the node at `name`, never following a link; invalid when
// what is there is not this very device (or missing).
UniqueFd open_node(int dir, const std::string& name, const Node& node) {
    UniqueFd fd(::openat(dir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    struct stat st {};
    if (!fd || ::fstat(fd.get(), &st) < 0 || !is_node(st, node))
        return UniqueFd();
    return fd;
}

// The host's node bound onto an empty file: what a user namespace allows.
void bind_host_node(int dir, const std::string& name, const Node& node) {
    UniqueFd host(::open(node.path.c_str(), O_PATH | O_CLOEXEC));
    if (!host)
        fail_errno("open host " + node.path);
    struct stat st {};
    if (::fstat(host.get(), &st) < 0 || (st.st_mode & S_IFMT) != file_type(node.type) ||
        st.st_rdev != makedev(node.major, node.minor))
        fail("host " + node.path + " is not the device " + std::to_string(node.major) + ":" +
             std::to_string(node.minor));
    // Whatever the image has there goes: opening a device (or a fifo) to
    // reuse it as a mountpoint could block or have side effects.
    if (::unlinkat(dir, name.c_str(), 0) < 0 && errno != ENOENT)
        fail_errno("remove existing file");
    // The mount goes onto the fd O_CREAT|O_EXCL made, never onto the name
    // opened again: a symlink swapped in meanwhile would be followed (on
    // the host, before the pivot).
    UniqueFd target(
        ::openat(dir, name.c_str(), O_CREAT | O_EXCL | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0));
    if (!target)
        fail_errno("create mountpoint");
    UniqueFd mnt = clone_mount(host.get(), false);
    attach_mount(mnt.get(), target.get());
}

// mknod, then owner and mode through an O_PATH fd of the node verified to
// be this device: a chmod or chown by name would follow a symlink swapped
// in after the mknod, and before the pivot an absolute one names a host file.
void make_node(int dir, const std::string& name, const Node& node) {
    // Mode 0 until the mode asked for is set on the verified fd.
    mode_t mode = file_type(node.type);
    if (::mknodat(dir, name.c_str(), mode, makedev(node.major, node.minor)) < 0) {
        if (errno != EEXIST)
            fail_errno("mknod");
        // Something of that name is in the image: keep it only when it is
        // this very device, never a file or link posing as one.
        if (!open_node(dir, name, node)) {
            if (::unlinkat(dir, name.c_str(), 0) < 0)
                fail_errno("remove existing file");
            if (::mknodat(dir, name.c_str(), mode, makedev(node.major, node.minor)) < 0)
                fail_errno("mknod");
        }
    }
    UniqueFd fd = open_node(dir, name, node);
    if (!fd)
        fail("mknod made something else (replaced while being made?)");
    set_owner_and_mode(fd.get(), node.uid, node.gid, node.mode);
}

void create_node(const RootfsContext& ctx, int root_fd, const Node& node) {
    with_context("device " + node.path, [&] {
        auto slash = node.path.rfind('/');
        std::string parent_path = node.path.substr(0, slash);
        std::string name = node.path.substr(slash + 1);
        UniqueFd parent = create_in_root(root_fd, parent_path, Create::directory);
        UniqueFd dir(::openat(parent.get(), ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!dir)
            fail_errno("open " + parent_path);
        if (ctx.user_namespace && node.type != 'p')
            bind_host_node(dir.get(), name, node);
        else
            make_node(dir.get(), name, node);
    });
}

void make_link(int dev_fd, const std::string& name, const std::string& target) {
    if (::symlinkat(target.c_str(), dev_fd, name.c_str()) < 0 && errno != EEXIST)
        fail_errno("symlink /dev/" + name + " -> " + target);
}

bool mounts_at(const spec::Spec& spec, const std::string& path, const std::string& type) {
    return std::any_of(spec.mounts.begin(), spec.mounts.end(), [&](const spec::Mount& m) {
        return normal_path(m.destination) == path && (type.empty() || m.type == type);
    });
}

// /dev is the host's (or another) tree bound in: not ours to populate.
bool dev_is_bound(const spec::Spec& spec) {
    return std::any_of(spec.mounts.begin(), spec.mounts.end(), [](const spec::Mount& m) {
        return normal_path(m.destination) == "/dev" && m.is_bind();
    });
}

} // namespace

void setup_dev(const RootfsContext& ctx, int root_fd) {
    const spec::Spec& spec = *ctx.spec;
    if (dev_is_bound(spec))
        return;
    with_context("set up /dev", [&] {
        for (const Node& node : nodes_of(spec))
            create_node(ctx, root_fd, node);
        UniqueFd dev = create_in_root(root_fd, "/dev", Create::directory);
        UniqueFd dev_dir(::openat(dev.get(), ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!dev_dir)
            fail_errno("open /dev");
        for (const auto& [name, target] : kLinks)
            make_link(dev_dir.get(), name, target);
        // The host's /proc, before the pivot: the kernel is the same.
        if (::access("/proc/kcore", F_OK) == 0)
            make_link(dev_dir.get(), "core", "/proc/kcore");
        if (mounts_at(spec, "/dev/pts", "devpts")) {
            if (::unlinkat(dev_dir.get(), "ptmx", 0) < 0 && errno != ENOENT)
                fail_errno("remove /dev/ptmx");
            make_link(dev_dir.get(), "ptmx", "pts/ptmx");
        }
    });
}

} // namespace ward::linux
