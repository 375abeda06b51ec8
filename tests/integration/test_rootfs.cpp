// prepare_rootfs / enter_rootfs / apply_sysctls on a tiny busybox rootfs,
// each run in a forked child inside fresh mount and pid namespaces (pid 1
// there, as the container init is). The child checks from inside and reports
// "key=value" lines through a pipe; the parent asserts on them and on the
// host's mount table, which must never show anything under the temp dir.
#include "integration/isolated.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/procfs.hpp"
#include "ward/linux/rootfs.hpp"

#include <boost/test/unit_test.hpp>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sched.h>
#include <set>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ward;
using namespace ward::linux;
namespace fs = std::filesystem;

namespace {

using ward_it::Report;

struct Sandbox {
    fs::path base;
    fs::path rootfs;
    fs::path outside; // a host directory a hostile rootfs points its links at
    Sandbox() {
        char tmpl[] = "/tmp/ward-rootfs-XXXXXX";
        base = ::mkdtemp(tmpl);
        rootfs = base / "rootfs";
        outside = base / "outside";
        for (const char* dir : {"bin", "proc", "dev", "sys", "etc", "tmp", "secret", "rodir"})
            fs::create_directories(rootfs / dir);
        fs::create_directories(outside);
        fs::copy_file("/bin/busybox", rootfs / "bin/busybox");
        std::ofstream(rootfs / "etc/secret-file") << "top secret";
        std::ofstream(rootfs / "secret/inner") << "hidden";
        std::ofstream(rootfs / "rodir/file") << "keep";
        std::ofstream(outside / "marker") << "host";
    }
    ~Sandbox() {
        std::error_code ec;
        fs::remove_all(base, ec);
    }
    // The temp dir must not appear in the host's mount table.
    bool host_mounts_clean() const {
        std::string mountinfo = read_file("/proc/self/mountinfo");
        return mountinfo.find(base.string()) == std::string::npos;
    }
};

// In a forked child: send the report and exit, never returning into the
// test framework (an escaping exception would run the rest of the suite in
// the child).
[[noreturn]] void report_and_exit(int fd, const std::string& out) {
    try {
        write_all(fd, out, "report");
    } catch (...) {
        ::_exit(2);
    }
    ::_exit(0);
}

Report parse_report(const std::string& text) {
    Report report;
    for (const auto& line : split(text, '\n')) {
        auto eq = line.find('=');
        if (eq != std::string::npos)
            report[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return report;
}

// Runs `inside` as pid 1 of new mount+pid namespaces (plus `extra` flags)
// and returns what it reported, "error=<message>" when it threw.
Report run_isolated(int extra, const std::function<std::string()>& inside) {
    return ward_it::run_in_child(CLONE_NEWNS | CLONE_NEWPID | extra, inside);
}

// As run_isolated, but first in a new user namespace (0..65535 mapped to
// the same host ids): where mknod is refused and host mounts are locked.
Report run_in_user_namespace(const std::function<std::string()>& inside) {
    int go[2];
    int ready[2];
    BOOST_REQUIRE(::pipe2(go, O_CLOEXEC) == 0);
    BOOST_REQUIRE(::pipe2(ready, O_CLOEXEC) == 0);
    int fds[2];
    BOOST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        char byte = 0;
        std::string out;
        if (::unshare(CLONE_NEWUSER) < 0 || ::write(ready[1], &byte, 1) != 1 ||
            ::read(go[0], &byte, 1) != 1 || ::setresuid(0, 0, 0) < 0 || ::setresgid(0, 0, 0) < 0 ||
            ::unshare(CLONE_NEWNS | CLONE_NEWPID) < 0) {
            out = "error=user namespace: " + errno_text(errno);
            report_and_exit(fds[1], out);
        }
        pid_t init = ::fork();
        if (init == 0) {
            try {
                out = inside();
            } catch (const std::exception& e) {
                out += "\nerror=" + std::string(e.what());
            }
            report_and_exit(fds[1], out);
        }
        int status = 0;
        ::waitpid(init, &status, 0);
        ::_exit(0);
    }
    ::close(fds[1]);
    ::close(ready[1]);
    ::close(go[0]);
    char byte = 0;
    BOOST_REQUIRE(::read(ready[0], &byte, 1) == 1);
    std::string proc = "/proc/" + std::to_string(pid);
    write_procfs(proc + "/uid_map", "0 0 65536\n");
    write_procfs(proc + "/gid_map", "0 0 65536\n");
    BOOST_REQUIRE(::write(go[1], &byte, 1) == 1);
    ::close(go[1]);
    ::close(ready[0]);
    std::string text = read_fd(fds[0]);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return parse_report(text);
}

spec::Mount mount_of(std::string dest, std::string type, std::string source,
                     std::vector<std::string> options) {
    spec::Mount m;
    m.destination = std::move(dest);
    m.type = std::move(type);
    m.source = std::move(source);
    m.options = std::move(options);
    return m;
}

// The mounts a typical config.json has.
std::vector<spec::Mount> default_mounts() {
    return {
        mount_of("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
        mount_of("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
        mount_of("/dev/pts", "devpts", "devpts",
                 {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}),
        mount_of("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777"}),
        mount_of("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
    };
}

spec::Spec base_spec() {
    spec::Spec s;
    s.root = spec::Root{"rootfs", false};
    s.mounts = default_mounts();
    s.linux.emplace();
    s.linux->namespaces = {{"pid", ""}, {"mount", ""}};
    return s;
}

std::string line(const std::string& key, const std::string& value) {
    return key + "=" + value + "\n";
}

std::string flag_line(const std::string& key, bool value) {
    return line(key, value ? "yes" : "no");
}

bool mount_readonly(const char* path) {
    struct statvfs sv {};
    return ::statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

std::string dev_listing() {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator("/dev"))
        names.insert(entry.path().filename());
    return join(std::vector<std::string>(names.begin(), names.end()), ",");
}

std::string node_line(const struct stat& st, unsigned uid, unsigned gid) {
    char type = S_ISCHR(st.st_mode)   ? 'c'
                : S_ISBLK(st.st_mode) ? 'b'
                : S_ISLNK(st.st_mode) ? 'l'
                                      : '?';
    char buf[96];
    std::snprintf(buf, sizeof buf, "%c %u:%u %04o %u:%u", type, major(st.st_rdev),
                  minor(st.st_rdev), st.st_mode & 07777, uid, gid);
    return buf;
}

std::string node_of(const char* path) {
    struct stat st {};
    if (::lstat(path, &st) < 0)
        return "missing";
    return node_line(st, st.st_uid, st.st_gid);
}

// The host's node at path as run_in_user_namespace's map (host ids 0-65535
// as themselves) shows it: an owner outside the map reads as the overflow id.
std::string host_node_through_identity_map(const char* path) {
    struct stat st {};
    if (::lstat(path, &st) < 0)
        return "missing";
    auto seen = [](unsigned id, const char* overflow) {
        return id < 65536 ? id : static_cast<unsigned>(std::stoul(read_file(overflow)));
    };
    return node_line(st, seen(st.st_uid, "/proc/sys/kernel/overflowuid"),
                     seen(st.st_gid, "/proc/sys/kernel/overflowgid"));
}

std::string link_of(const char* path) {
    std::error_code ec;
    auto target = fs::read_symlink(path, ec);
    return ec ? "none" : target.string();
}

std::string contents(const char* path) {
    try {
        return read_file(path);
    } catch (const Error& e) {
        return std::string("error ") + e.what();
    }
}

// errno name of creating a file at `path`, or "ok".
std::string write_result(const char* path) {
    int fd = ::open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return errno_name(errno);
    ::close(fd);
    return "ok";
}

// What create and the init do, in one process: open the rootfs and bind
// sources once, prepare, enter the root mount prepare made.
struct Setup {
    Setup(const Sandbox& box, const spec::Spec& s)
        : handles(open_rootfs_handles(s, box.base.string())) {
        handles.require_sources();
        ctx.spec = &s;
        ctx.handles = &handles;
        ctx.rootfs = box.rootfs;
    }
    void prepare() { root = prepare_rootfs(ctx); }
    void enter() { enter_rootfs(ctx, root.get()); }

    RootfsHandles handles;
    RootfsContext ctx;
    UniqueFd root;
};

} // namespace

BOOST_AUTO_TEST_SUITE(rootfs)

BOOST_AUTO_TEST_CASE(full_setup_with_pivot) {
    Sandbox box;
    // A hostile image: links that point at the host's directories.
    fs::create_symlink(box.outside, box.rootfs / "evil");
    fs::create_symlink("../../../../../..", box.rootfs / "up");
    fs::create_directories(box.base / "bindsrc");
    std::ofstream(box.base / "bindsrc/hello") << "from the bundle";

    spec::Spec s = base_spec();
    s.root->readonly = true;
    s.mounts.push_back(mount_of("/evil/x", "bind", "bindsrc", {"rbind", "ro"}));
    s.mounts.push_back(
        mount_of("/up" + box.base.string() + "/escaped", "tmpfs", "tmpfs", {"size=1m"}));
    spec::Device custom;
    custom.type = "c";
    custom.path = "/dev/custom";
    custom.major = 1;
    custom.minor = 5;
    custom.file_mode = 0600;
    custom.uid = 1000;
    custom.gid = 1000;
    s.linux->devices = {custom};
    s.linux->masked_paths =
        std::vector<std::string>{"/etc/secret-file", "/secret", "/proc/kcore", "/does/not/exist"};
    s.linux->readonly_paths = std::vector<std::string>{"/rodir", "/proc/sys", "/nope"};

    Report r = run_isolated(0, [&] {
        Setup setup(box, s);
        setup.prepare();
        setup.enter();
        std::string out;
        out += line("pid", std::to_string(::getpid()));
        char cwd[256] = {};
        out += line("cwd", ::getcwd(cwd, sizeof cwd) ? cwd : "?");
        out += flag_line("busybox", fs::exists("/bin/busybox"));
        out += flag_line("root_ro", mount_readonly("/"));
        out += flag_line("sys_ro", mount_readonly("/sys"));
        out += flag_line("proc_self", fs::exists("/proc/self/status"));
        out += line("dev", dev_listing());
        out += line("null", node_of("/dev/null"));
        out += line("tty", node_of("/dev/tty"));
        out += line("custom", node_of("/dev/custom"));
        out += line("ptmx", link_of("/dev/ptmx"));
        out += line("fd", link_of("/dev/fd"));
        out += line("stderr", link_of("/dev/stderr"));
        out += flag_line("pts_ptmx", fs::exists("/dev/pts/ptmx"));
        out += line("secret_file", contents("/etc/secret-file"));
        out += flag_line("secret_dir_empty", fs::is_empty("/secret"));
        out += line("secret_dir_write", write_result("/secret/new"));
        out += line("kcore", node_of("/proc/kcore"));
        out += line("rodir_write", write_result("/rodir/new"));
        out += line("rodir_read", contents("/rodir/file"));
        out += line("proc_sys_ro", mount_readonly("/proc/sys") ? "yes" : "no");
        out += line("bind", contents((box.outside.string() + "/x/hello").c_str()));
        out += flag_line("bind_ro", mount_readonly((box.outside.string() + "/x").c_str()));
        out += flag_line("escaped_inside", fs::exists(box.base.string() + "/escaped"));
        out += flag_line("old_root_gone", !fs::exists(box.rootfs));
        return out;
    });
    BOOST_TEST(r["error"] == "");
    BOOST_TEST(r["pid"] == "1");
    BOOST_TEST(r["cwd"] == "/");
    BOOST_TEST(r["busybox"] == "yes");
    BOOST_TEST(r["root_ro"] == "yes");
    BOOST_TEST(r["sys_ro"] == "yes");
    BOOST_TEST(r["proc_self"] == "yes");
    std::string dev =
        "core,custom,fd,full,null,ptmx,pts,random,shm,stderr,stdin,stdout,tty,urandom,zero";
    if (!fs::exists("/proc/kcore"))
        dev = dev.substr(5);
    BOOST_TEST(r["dev"] == dev);
    BOOST_TEST(r["null"] == "c 1:3 0666 0:0");
    BOOST_TEST(r["tty"] == "c 5:0 0666 0:0");
    BOOST_TEST(r["custom"] == "c 1:5 0600 1000:1000");
    BOOST_TEST(r["ptmx"] == "pts/ptmx");
    BOOST_TEST(r["fd"] == "/proc/self/fd");
    BOOST_TEST(r["stderr"] == "/proc/self/fd/2");
    BOOST_TEST(r["pts_ptmx"] == "yes");
    BOOST_TEST(r["secret_file"] == "");
    BOOST_TEST(r["secret_dir_empty"] == "yes");
    BOOST_TEST(r["secret_dir_write"] == "EROFS");
    if (fs::exists("/proc/kcore"))
        BOOST_TEST(r["kcore"] == "c 1:3 0666 0:0");
    BOOST_TEST(r["rodir_write"] == "EROFS");
    BOOST_TEST(r["rodir_read"] == "keep");
    BOOST_TEST(r["proc_sys_ro"] == "yes");
    // The bind through rootfs/evil -> <host outside> landed inside the root.
    BOOST_TEST(r["bind"] == "from the bundle");
    BOOST_TEST(r["bind_ro"] == "yes");
    BOOST_TEST(r["escaped_inside"] == "yes");
    BOOST_TEST(r["old_root_gone"] == "yes");
    // ... and nothing reached the host.
    BOOST_TEST(!fs::exists(box.outside / "x"));
    BOOST_TEST(!fs::exists(box.base / "escaped"));
    BOOST_TEST(fs::exists(box.rootfs / box.outside.relative_path() / "x"));
    BOOST_TEST(box.host_mounts_clean());
}

BOOST_AUTO_TEST_CASE(no_pivot_moves_and_chroots) {
    Sandbox box;
    spec::Spec s = base_spec();
    s.linux->masked_paths = std::vector<std::string>{"/etc/secret-file"};
    Report r = run_isolated(0, [&] {
        Setup setup(box, s);
        RootfsContext& ctx = setup.ctx;
        ctx.no_pivot = true;
        setup.prepare();
        setup.enter();
        std::string out;
        char cwd[256] = {};
        out += line("cwd", ::getcwd(cwd, sizeof cwd) ? cwd : "?");
        out += flag_line("busybox", fs::exists("/bin/busybox"));
        out += line("null", node_of("/dev/null"));
        out += line("secret_file", contents("/etc/secret-file"));
        out += flag_line("root_ro", mount_readonly("/"));
        // The host's other mounts were detached from this namespace.
        std::string mountinfo = read_file("/proc/self/mountinfo");
        out += flag_line("host_mounts_visible",
                         mountinfo.find(" /sys/fs/cgroup") != std::string::npos);
        return out;
    });
    BOOST_TEST(r["error"] == "");
    BOOST_TEST(r["cwd"] == "/");
    BOOST_TEST(r["busybox"] == "yes");
    BOOST_TEST(r["null"] == "c 1:3 0666 0:0");
    BOOST_TEST(r["secret_file"] == "");
    BOOST_TEST(r["root_ro"] == "no");
    BOOST_TEST(r["host_mounts_visible"] == "no");
    BOOST_TEST(box.host_mounts_clean());
}

BOOST_AUTO_TEST_CASE(symlink_loop_destination_names_the_mount) {
    Sandbox box;
    fs::create_symlink("data2", box.rootfs / "data");
    fs::create_symlink("data", box.rootfs / "data2");
    spec::Spec s = base_spec();
    s.mounts.push_back(mount_of("/data", "tmpfs", "tmpfs", {}));
    Report r = run_isolated(0, [&] {
        Setup setup(box, s);
        setup.prepare();
        return std::string("prepared=yes\n");
    });
    BOOST_TEST(r["prepared"] == "");
    BOOST_TEST(
        r["error"] ==
        "mount /data (tmpfs): openat2 \"data\" in rootfs: too many levels of symbolic links");
    BOOST_TEST(box.host_mounts_clean());
}

// proc and sysfs never go through a symlink in the image, even one that
// stays inside it (CVE-2023-27561 class); nothing is made through the link.
BOOST_AUTO_TEST_CASE(symlinked_proc_and_sys_destinations_are_refused) {
    struct Case {
        std::string link, target, want;
    };
    const std::vector<Case> cases = {
        {"proc", "tmp/x", "mount /proc (proc): destination \"proc\" is a symlink in the rootfs"},
        {"proc", "/tmp/x", "mount /proc (proc): destination \"proc\" is a symlink in the rootfs"},
        {"sys", "/tmp/x", "mount /sys (sysfs): destination \"sys\" is a symlink in the rootfs"},
        {"etc", "/tmp", "mount /etc/proc (proc): destination \"etc\" is a symlink in the rootfs"},
    };
    for (const auto& c : cases) {
        Sandbox box;
        fs::remove_all(box.rootfs / c.link);
        fs::create_symlink(c.target, box.rootfs / c.link);
        spec::Spec s = base_spec();
        if (c.link == "etc")
            s.mounts = {mount_of("/etc/proc", "proc", "proc", {})};
        Report r = run_isolated(0, [&] {
            Setup setup(box, s);
            setup.prepare();
            return std::string("prepared=yes\n");
        });
        BOOST_TEST_CONTEXT(c.link + " -> " + c.target) {
            BOOST_TEST(r["prepared"] == "");
            BOOST_TEST(r["error"] == c.want);
            BOOST_TEST(!fs::exists(box.rootfs / "tmp/x"));
            BOOST_TEST(box.host_mounts_clean());
        }
    }
}

BOOST_AUTO_TEST_CASE(mount_over_procfs_files_is_refused) {
    Sandbox box;
    spec::Spec s = base_spec();
    s.mounts.push_back(mount_of("/proc/self/attr", "tmpfs", "tmpfs", {}));
    Report r = run_isolated(0, [&] {
        Setup setup(box, s);
        setup.prepare();
        return std::string("prepared=yes\n");
    });
    BOOST_TEST(r["prepared"] == "");
    BOOST_TEST(r["error"].find("mount /proc/self/attr (tmpfs): ") == 0U);
    BOOST_TEST(box.host_mounts_clean());
}

BOOST_AUTO_TEST_CASE(devices_outside_dev_and_duplicates_are_refused) {
    Sandbox box;
    for (const char* bad : {"/etc/evil", "/dev/../etc/evil", "/dev/null2"}) {
        spec::Spec s = base_spec();
        spec::Device d;
        d.type = "c";
        d.path = bad;
        d.major = 1;
        d.minor = 3;
        s.linux->devices = {d};
        if (std::string(bad) == "/dev/null2")
            s.linux->devices.push_back(d);
        Report r = run_isolated(0, [&] {
            Setup setup(box, s);
            setup.prepare();
            return std::string("prepared=yes\n");
        });
        BOOST_TEST_CONTEXT(bad) {
            BOOST_TEST(r["prepared"] == "");
            BOOST_TEST(r["error"].find(std::string(bad) == "/dev/null2"
                                           ? "listed twice"
                                           : "is not under /dev") != std::string::npos);
        }
    }
    BOOST_TEST(!fs::exists(box.rootfs / "etc/evil"));
    BOOST_TEST(box.host_mounts_clean());
}

BOOST_AUTO_TEST_CASE(tmpcopyup_and_recursive_options) {
    Sandbox box;
    fs::create_directories(box.rootfs / "data/sub");
    std::ofstream(box.rootfs / "data/sub/f") << "copied";
    fs::create_symlink("sub/f", box.rootfs / "data/link");
    fs::create_directories(box.base / "tree/inner");
    spec::Spec s = base_spec();
    s.mounts.push_back(mount_of("/data", "tmpfs", "tmpfs", {"tmpcopyup", "mode=0750"}));
    s.mounts.push_back(mount_of("/tree", "bind", box.base / "tree", {"rbind", "rro"}));
    s.mounts.push_back(mount_of("/tree/inner", "tmpfs", "tmpfs", {}));
    Report r = run_isolated(0, [&] {
        Setup setup(box, s);
        setup.prepare();
        setup.enter();
        std::string out;
        out += line("copied", contents("/data/link"));
        out += line("data_write", write_result("/data/new"));
        out += line("tree_write", write_result("/tree/new"));
        out += line("inner_write", write_result("/tree/inner/new"));
        return out;
    });
    BOOST_TEST(r["error"] == "");
    BOOST_TEST(r["copied"] == "copied");
    BOOST_TEST(r["data_write"] == "ok"); // on the tmpfs, not the image
    BOOST_TEST(!fs::exists(box.rootfs / "data/new"));
    BOOST_TEST(r["tree_write"] == "EROFS");
    // rro is set before the later tmpfs mount, which stays writable.
    BOOST_TEST(r["inner_write"] == "ok");
    BOOST_TEST(box.host_mounts_clean());
}

// enter_rootfs writes them, before readonlyPaths makes /proc/sys read-only.
BOOST_AUTO_TEST_CASE(sysctls_only_in_own_namespaces) {
    Sandbox box;
    spec::Spec s = base_spec();
    s.linux->namespaces.push_back({"network", ""});
    s.linux->readonly_paths = std::vector<std::string>{"/proc/sys"};
    s.linux->sysctl = {{"net.ipv4.ip_forward", "1"}};
    auto try_sysctl = [&](std::map<std::string, std::string> sysctl) {
        s.linux->sysctl = std::move(sysctl);
        return run_isolated(CLONE_NEWNET, [&] {
            Setup setup(box, s);
            setup.prepare();
            setup.enter();
            return line("forward", std::string(trim(read_file("/proc/sys/net/ipv4/ip_forward"))));
        });
    };
    Report r = try_sysctl({{"net.ipv4.ip_forward", "1"}});
    BOOST_TEST(r["error"] == "");
    BOOST_TEST(r["forward"] == "1");
    r = try_sysctl({{"kernel.pid_max", "4096"}});
    BOOST_TEST(r["error"] == "sysctl \"kernel.pid_max\" is not in a separate kernel namespace");
    r = try_sysctl({{"net.ipv4.ip_forward", "1"}, {"net/../kernel/pid_max", "1"}});
    BOOST_TEST(r["error"].find("is not a dotted sysctl name") != std::string::npos);
    r = try_sysctl({{"kernel.shmmax", "1"}});
    BOOST_TEST(r["error"].find("(the config has no ipc namespace)") != std::string::npos);
    BOOST_TEST(box.host_mounts_clean());
}

BOOST_AUTO_TEST_CASE(user_namespace_binds_devices_and_sys) {
    Sandbox box;
    spec::Spec s = base_spec();
    s.linux->namespaces.push_back({"user", ""});
    s.root->readonly = true;
    s.linux->masked_paths = std::vector<std::string>{"/etc/secret-file"};
    Report r = run_in_user_namespace([&] {
        Setup setup(box, s);
        RootfsContext& ctx = setup.ctx;
        ctx.user_namespace = true;
        setup.prepare();
        setup.enter();
        std::string out;
        out += line("null", node_of("/dev/null"));
        out += line("urandom", node_of("/dev/urandom"));
        out += flag_line("sys_class", fs::exists("/sys/class"));
        out += flag_line("root_ro", mount_readonly("/"));
        out += line("secret_file", contents("/etc/secret-file"));
        int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        out += flag_line("null_writable", fd >= 0 && ::write(fd, "x", 1) == 1);
        if (fd >= 0)
            ::close(fd);
        return out;
    });
    BOOST_TEST(r["error"] == "");
    // The host's nodes, bound in: owner and mode are the host's own.
    BOOST_TEST(r["null"] == host_node_through_identity_map("/dev/null"));
    BOOST_TEST(r["urandom"] == host_node_through_identity_map("/dev/urandom"));
    BOOST_TEST(r["null"].substr(0, 6) == "c 1:3 ");
    BOOST_TEST(r["urandom"].substr(0, 6) == "c 1:9 ");
    BOOST_TEST(r["sys_class"] == "yes"); // /sys bound from the host, no netns
    BOOST_TEST(r["root_ro"] == "yes");
    BOOST_TEST(r["secret_file"] == "");
    BOOST_TEST(r["null_writable"] == "yes");
    BOOST_TEST(box.host_mounts_clean());
}

BOOST_AUTO_TEST_CASE(idmapped_bind_mount) {
    Sandbox box;
    fs::create_directories(box.base / "owned");
    std::ofstream(box.base / "owned/file") << "x";
    BOOST_REQUIRE(::chown((box.base / "owned/file").c_str(), 0, 0) == 0);
    spec::Spec s = base_spec();
    spec::Mount m = mount_of("/owned", "bind", box.base / "owned", {"bind", "idmap"});
    m.uid_mappings = {{0, 1000, 1}};
    m.gid_mappings = {{0, 2000, 1}};
    s.mounts.push_back(m);
    Report r = run_isolated(0, [&] {
        Setup setup(box, s);
        setup.prepare();
        setup.enter();
        struct stat st {};
        if (::stat("/owned/file", &st) < 0)
            return line("owner", "missing");
        return line("owner", std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid));
    });
    BOOST_TEST(r["error"] == "");
    BOOST_TEST(r["owner"] == "1000:2000");
    BOOST_TEST(box.host_mounts_clean());
}

BOOST_AUTO_TEST_SUITE_END()
