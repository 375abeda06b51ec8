// ward's own writes under /proc (linux.sysctl, process.oomScoreAdj) against
// a container that shapes its /proc:
//
// - CVE-2019-16884: /proc is not procfs at all (a tmpfs), with files bound
//   where ward writes that stand for host files;
// - CVE-2025-52881: procfs files of other processes bound where ward
//   writes, which a check of the filesystem magic alone lets through;
// - CVE-2023-27561 class: an image whose /proc (or /sys) is a symlink, to a
//   path inside the image or to a host path.
//
// The real values must land in the container (its oom_score_adj read from
// the host, the sysctl read inside its network namespace) or create must
// refuse, and nothing standing for the host may change. Each shaped /proc
// is proven to be in place in the container before the outcome is judged;
// the controls show the same shapes redirecting a plain process's write,
// inside a private mount namespace.
#include "attacks/attack.hpp"
#include "ward/base/strings.hpp"

#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <linux/magic.h>
#include <memory>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ward_attack;
using ward_it::Json;
using ward_it::mount_entry;
namespace fs = std::filesystem;

namespace {

const char* const kSysctl = "net.ipv4.ip_unprivileged_port_start";
const char* const kSysctlFile = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
const char* const kSysctlValue = "777";
const int kOomScore = 345;

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

// The config's mounts with a tmpfs where /proc was, so the container has
// no procfs at all; `extra` binds go on top of it. The config asks for the
// sysctl and (with `oom`) the oom score.
void replace_proc_with_tmpfs(Bundle& b, const std::vector<Json>& extra, bool oom = true) {
    Json mounts = Json::array();
    for (const auto& m : b.config["mounts"].items())
        if (m.at("destination").str() != "/proc")
            mounts.push(m);
    mounts.push(mount_entry("/proc", "tmpfs", "tmpfs", {"nosuid", "nodev", "size=64k"}));
    for (const auto& m : extra)
        mounts.push(m);
    b.config["mounts"] = mounts;
    b.config["linux"]["sysctl"][kSysctl] = kSysctlValue;
    if (oom)
        b.config["process"]["oomScoreAdj"] = kOomScore;
}

bool same_file(const std::string& a, const std::string& b) {
    struct stat sa {
    }, sb{};
    return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

// Runs `fn` in a forked child and returns what it wrote to the pipe.
std::string in_child(const std::function<std::string()>& fn) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0)
        return "pipe failed";
    pid_t pid = ::fork();
    if (pid < 0)
        return "fork failed";
    if (pid == 0) {
        ::close(fds[0]);
        std::string out;
        try {
            out = fn();
        } catch (const std::exception& e) {
            out = std::string("error: ") + e.what();
        }
        ssize_t ignored = ::write(fds[1], out.data(), out.size());
        (void)ignored;
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string out;
    char buf[512];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0)
        out.append(buf, static_cast<size_t>(n));
    ::close(fds[0]);
    ::waitpid(pid, nullptr, 0);
    return out;
}

// The sysctl as the container's network namespace has it.
std::string sysctl_in_netns(long pid) {
    return in_child([pid] {
        std::string ns = "/proc/" + std::to_string(pid) + "/ns/net";
        int fd = ::open(ns.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::setns(fd, CLONE_NEWNET) < 0)
            return std::string("error: setns ") + ns;
        return trimmed(ward_it::slurp(kSysctlFile));
    });
}

std::string oom_of(long pid) {
    return trimmed(ward_it::slurp("/proc/" + std::to_string(pid) + "/oom_score_adj"));
}

// A process of the test's own to stand for a host process: ward must never
// write its oom_score_adj. Killed and reaped by its pid.
struct Victim {
    pid_t pid = -1;
    Victim() {
        pid = ::fork();
        if (pid == 0) {
            ::pause();
            ::_exit(0);
        }
    }
    ~Victim() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    }
    std::string oom_file() const { return "/proc/" + std::to_string(pid) + "/oom_score_adj"; }
};

void private_mount_namespace() {
    if (::unshare(CLONE_NEWNS) < 0 || ::mount("", "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
        throw std::runtime_error("private mount namespace failed");
}

// In a private mount namespace: a tmpfs over /proc, and `file` (opened
// before) mounted at /proc/self/oom_score_adj.
void shape_proc(int file_tree) {
    if (::mount("tmpfs", "/proc", "tmpfs", 0, "size=64k") < 0 || ::mkdir("/proc/self", 0755) < 0)
        throw std::runtime_error("tmpfs over /proc failed");
    int fd = ::open("/proc/self/oom_score_adj", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0)
        throw std::runtime_error("mountpoint failed");
    ::close(fd);
    if (::move_mount(file_tree, "", AT_FDCWD, "/proc/self/oom_score_adj", MOVE_MOUNT_F_EMPTY_PATH) <
        0)
        throw std::runtime_error("move_mount failed");
}

// What a runtime that writes by path, checking only the magic of what it
// opened, does with the shaped /proc.
std::string naive_oom_write() {
    int fd = ::open("/proc/self/oom_score_adj", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    struct statfs st {};
    if (fd < 0 || ::fstatfs(fd, &st) < 0)
        return "open failed";
    std::string magic = st.f_type == PROC_SUPER_MAGIC ? "procfs" : "not procfs";
    std::string value = std::to_string(kOomScore);
    bool wrote = ::write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
    ::close(fd);
    return magic + (wrote ? ", written" : ", write failed");
}

std::string mountinfo() {
    return ward_it::slurp("/proc/self/mountinfo");
}

// Root of the container is host uid 200000 in a user namespace of its own.
void in_user_namespace(Bundle& b) {
    Json user = Json::object();
    user["type"] = "user";
    b.config["linux"]["namespaces"].push(user);
    Json map = Json::object();
    map["containerID"] = 0;
    map["hostID"] = 200000;
    map["size"] = 65536;
    b.config["linux"]["uidMappings"] = Json::array({map});
    b.config["linux"]["gidMappings"] = Json::array({map});
}

// The container is root in a user namespace or not: there the kernel
// refuses a new procfs where none is fully visible, which the container's
// tmpfs /proc is not (ward makes its own before the pivot). oomScoreAdj is
// left out there: the non-dumpable init cannot write its own in a user
// namespace, with or without a shaped /proc (a limitation of its own).
void fake_procfs(bool user_namespace) {
    const std::string attack =
        std::string("CVE-2019-16884/fake-procfs") + (user_namespace ? "-userns" : "");
    Bundle b;
    b.leave_to_policy();
    if (user_namespace)
        in_user_namespace(b);
    const std::string host_sysctl = b.dir + "/host-ip_unprivileged_port_start";
    const std::string host_oom = b.dir + "/host-oom_score_adj";
    std::ofstream(host_sysctl) << "1024\n";
    std::ofstream(host_oom) << "0\n";
    replace_proc_with_tmpfs(b,
                            {mount_entry(kSysctlFile, "bind", host_sysctl, {"bind"}),
                             mount_entry("/proc/self/oom_score_adj", "bind", host_oom, {"bind"})},
                            !user_namespace);
    const std::string want_oom = user_namespace ? "0" : std::to_string(kOomScore);
    std::string id = b.new_id("fakeproc");
    Result c = hardened(b, "create", id);
    auto untouched = [&] {
        return ward_it::slurp(host_sysctl) == "1024\n" && ward_it::slurp(host_oom) == "0\n";
    };
    if (c.status != 0) {
        if (c.err.find("procfs") != std::string::npos && untouched())
            report(attack, Outcome::blocked, "create refused: " + trimmed(c.err));
        else
            report(attack, Outcome::could_not_run, "create failed: " + trimmed(c.err));
        return;
    }
    long pid = b.state(id).at("pid").num();
    std::string root = "/proc/" + std::to_string(pid) + "/root";
    if (!same_file(root + kSysctlFile, host_sysctl) ||
        !same_file(root + "/proc/self/oom_score_adj", host_oom)) {
        report(attack, Outcome::could_not_run, "the decoys are not where the container has them");
        return;
    }
    std::string oom = oom_of(pid), sysctl = sysctl_in_netns(pid);
    if (!untouched())
        report(attack, Outcome::not_blocked,
               "a decoy standing for a host file was written: sysctl file " +
                   ward::quote(ward_it::slurp(host_sysctl)) + ", oom file " +
                   ward::quote(ward_it::slurp(host_oom)));
    else if (oom != want_oom || sysctl != kSysctlValue)
        report(attack, Outcome::not_blocked,
               "create succeeded without the values: oom_score_adj " + oom + ", " + kSysctl + " " +
                   sysctl);
    else
        report(attack, Outcome::blocked,
               "decoys untouched; the container has oom_score_adj " + oom + " and " + kSysctl +
                   " " + sysctl + " in its own network namespace");
}

} // namespace

BOOST_AUTO_TEST_SUITE(procfs_writes)

BOOST_AUTO_TEST_CASE(fake_procfs_never_takes_a_write) {
    for (bool user_namespace : {false, true})
        fake_procfs(user_namespace);

    // The control: a plain process writing by path through the same shape.
    Bundle b;
    const std::string control_file = b.dir + "/control-oom_score_adj";
    std::ofstream(control_file) << "0\n";
    std::string naive = in_child([&] {
        int tree = ::open_tree(AT_FDCWD, control_file.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (tree < 0)
            return std::string("open_tree failed");
        private_mount_namespace();
        shape_proc(tree);
        return naive_oom_write();
    });
    report_control("CVE-2019-16884/fake-procfs",
                   naive == "not procfs, written" &&
                       trimmed(ward_it::slurp(control_file)) == std::to_string(kOomScore),
                   "a plain write to /proc/self/oom_score_adj landed in the decoy (" + naive + ")");
}

BOOST_AUTO_TEST_CASE(procfs_file_bound_over_another_never_takes_a_write) {
    const std::string attack = "CVE-2025-52881/procfs-file-redirect";
    Victim for_oom, for_sysctl;
    std::string oom_before = oom_of(for_oom.pid), sysctl_victim_before = oom_of(for_sysctl.pid);
    if (oom_before.empty() || oom_before == std::to_string(kOomScore) ||
        sysctl_victim_before.empty() || sysctl_victim_before == kSysctlValue) {
        report(attack, Outcome::could_not_run, "victim processes did not start");
        return;
    }
    Bundle b;
    b.leave_to_policy();
    // Procfs files of other processes where ward writes: the mount setup
    // refuses such destinations on a procfs, so the container's /proc is a
    // tmpfs and the binds go on it (compat: hardened forbids /proc sources).
    replace_proc_with_tmpfs(
        b, {mount_entry(kSysctlFile, "bind", for_sysctl.oom_file(), {"bind"}),
            mount_entry("/proc/self/oom_score_adj", "bind", for_oom.oom_file(), {"bind"})});
    std::string id = b.new_id("redirect");
    Result c = with_policy(b, "compat", "create", id);
    auto untouched = [&] {
        return oom_of(for_oom.pid) == oom_before && oom_of(for_sysctl.pid) == sysctl_victim_before;
    };
    if (c.status != 0) {
        if (c.err.find("procfs") != std::string::npos && untouched())
            report(attack, Outcome::blocked, "create refused: " + trimmed(c.err));
        else
            report(attack, Outcome::could_not_run, "create failed: " + trimmed(c.err));
        return;
    }
    long pid = b.state(id).at("pid").num();
    std::string root = "/proc/" + std::to_string(pid) + "/root";
    if (!same_file(root + kSysctlFile, for_sysctl.oom_file()) ||
        !same_file(root + "/proc/self/oom_score_adj", for_oom.oom_file())) {
        report(attack, Outcome::could_not_run,
               "the victims' files are not where the container has them");
        return;
    }
    std::string oom = oom_of(pid), sysctl = sysctl_in_netns(pid);
    if (!untouched())
        report(attack, Outcome::not_blocked,
               "a victim's oom_score_adj was written: " + oom_of(for_oom.pid) + " and " +
                   oom_of(for_sysctl.pid) + " (were " + oom_before + ", " + sysctl_victim_before +
                   ")");
    else if (oom != std::to_string(kOomScore) || sysctl != kSysctlValue)
        report(attack, Outcome::not_blocked,
               "create succeeded without the values: oom_score_adj " + oom + ", " + kSysctl + " " +
                   sysctl);
    else
        report(attack, Outcome::blocked,
               "victims untouched; the container has oom_score_adj " + oom + " and " + kSysctl +
                   " " + sysctl + " in its own network namespace");

    // The control: the same redirect defeats an open by path that checks
    // the filesystem magic of what it opened.
    Victim control_victim;
    std::string control_before = oom_of(control_victim.pid);
    std::string naive = in_child([&] {
        int tree = ::open_tree(AT_FDCWD, control_victim.oom_file().c_str(),
                               OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (tree < 0)
            return std::string("open_tree failed");
        private_mount_namespace();
        shape_proc(tree);
        return naive_oom_write();
    });
    report_control(attack,
                   naive == "procfs, written" && control_before != std::to_string(kOomScore) &&
                       oom_of(control_victim.pid) == std::to_string(kOomScore),
                   "a magic-checked write to /proc/self/oom_score_adj set another process's "
                   "oom_score_adj (" +
                       naive + ")");
}

// The same redirect made by a running container before an exec: it has
// CAP_SYS_ADMIN (compat lets a config ask for it), binds its init's
// oom_score_adj aside, covers /proc with a tmpfs and binds that file where
// the exec process's /proc/self/oom_score_adj would be. The exec's
// oomScoreAdj must land on the exec process, never on the init.
BOOST_AUTO_TEST_CASE(running_container_redirects_an_exec_write) {
    const std::string attack = "CVE-2025-52881/exec-redirect";
    Bundle b;
    for (const char* set : {"bounding", "effective", "permitted"})
        b.config["process"]["capabilities"][set].push("CAP_SYS_ADMIN");
    b.set_args({"/bin/sh", "-c",
                "touch /tmp/victim && mount --bind /proc/1/oom_score_adj /tmp/victim && "
                "mount -t tmpfs none /proc && mkdir /proc/self && "
                "touch /proc/self/oom_score_adj && "
                "mount --bind /tmp/victim /proc/self/oom_score_adj && "
                "touch /tmp/shaped && exec sleep 1000"});
    std::string id = b.new_id("execredirect");
    Result c = with_policy(b, "compat", "run", id, {"--detach"});
    if (c.status != 0) {
        report(attack, Outcome::could_not_run, "container did not start: " + trimmed(c.err));
        return;
    }
    const int run_invocation = b.last_invocation();
    long init = b.state(id).at("pid").num();
    std::string root = "/proc/" + std::to_string(init) + "/root";
    for (int i = 0; i < 250 && !fs::exists(root + "/tmp/shaped"); ++i)
        ::usleep(20000);
    std::string before = oom_of(init);
    // The init's own file (of the container's procfs) is what its
    // /proc/self/oom_score_adj is now.
    bool shaped = false;
    for (const auto& l :
         ward::split(ward_it::slurp("/proc/" + std::to_string(init) + "/mountinfo"), '\n'))
        shaped =
            shaped || (l.find(" /1/oom_score_adj /proc/self/oom_score_adj ") != std::string::npos &&
                       l.find(" - proc ") != std::string::npos);
    if (!shaped || before.empty() || before == std::to_string(kOomScore)) {
        report(attack, Outcome::could_not_run,
               "the container did not shape its /proc (init oom_score_adj " + before +
                   "): " + b.output_of(run_invocation));
        return;
    }
    Json process = b.config["process"];
    process["args"] = Json::strings({"/bin/sleep", "1000"});
    process["oomScoreAdj"] = kOomScore;
    const std::string process_file = b.dir + "/process.json";
    const std::string pid_file = b.dir + "/exec.pid";
    std::ofstream(process_file) << process.dump();
    Result e =
        b.runtime({"exec", "--detach", "--pid-file", pid_file, "--process", process_file, id});
    std::string after = oom_of(init);
    if (after != before)
        report(attack, Outcome::not_blocked,
               "the init's oom_score_adj changed from " + before + " to " + after);
    else if (e.status != 0)
        report(attack,
               e.err.find("procfs") != std::string::npos ? Outcome::blocked
                                                         : Outcome::could_not_run,
               "exec failed: " + trimmed(e.err));
    else {
        std::string exec_pid = trimmed(ward_it::slurp(pid_file));
        std::string own = exec_pid.empty() ? "" : oom_of(std::stol(exec_pid));
        if (own != std::to_string(kOomScore))
            report(attack, Outcome::not_blocked,
                   "exec succeeded without the value: its oom_score_adj is " + own);
        else
            report(attack, Outcome::blocked,
                   "the init's oom_score_adj stayed " + before + "; the exec process has " + own);
    }
}

BOOST_AUTO_TEST_CASE(symlinked_proc_or_sys_in_the_image_is_refused) {
    const std::string attack = "CVE-2023-27561/symlinked-proc";
    struct Shape {
        std::string name;   // the directory in the image
        std::string target; // where its symlink points ("" → a host temp dir)
    };
    const std::vector<Shape> shapes = {
        {"proc", "/tmp/x"}, {"proc", ""}, {"sys", "/tmp/y"}, {"sys", ""}};
    int refused = 0;
    std::string failures, unrelated;
    std::string control_host_dir;
    std::string control_rootfs;
    std::vector<std::unique_ptr<Bundle>> bundles;
    for (const auto& shape : shapes) {
        auto& b = *bundles.emplace_back(std::make_unique<Bundle>());
        b.leave_to_policy();
        std::string host_dir = b.dir + "/host-" + shape.name;
        fs::create_directories(host_dir);
        std::string target = shape.target.empty() ? host_dir : shape.target;
        fs::remove(b.rootfs + "/" + shape.name);
        fs::create_symlink(target, b.rootfs + "/" + shape.name);
        if (shape.name == "proc" && shape.target.empty()) {
            control_host_dir = host_dir;
            control_rootfs = b.rootfs;
        }
        std::string what = "/" + shape.name + " -> " + target;
        Result c = hardened(b, "create", b.new_id("symlink"));
        std::string mounts = mountinfo();
        bool host_clean = mounts.find(" " + host_dir + " ") == std::string::npos &&
                          mounts.find(" " + b.dir + "/") == std::string::npos;
        bool made_inside = !shape.target.empty() && fs::exists(b.rootfs + shape.target);
        std::string want = "destination \"" + shape.name + "\" is a symlink in the rootfs";
        if (c.status == 0)
            failures += "; " + what + ": create succeeded";
        else if (!host_clean)
            failures += "; " + what + ": a mount reached the host";
        else if (made_inside)
            failures += "; " + what + ": create made " + shape.target + " in the image";
        else if (c.err.find(want) == std::string::npos)
            unrelated += "; " + what + ": " + trimmed(c.err);
        else
            ++refused;
    }
    if (!failures.empty())
        report(attack, Outcome::not_blocked, failures.substr(2));
    else if (!unrelated.empty())
        report(attack, Outcome::could_not_run, "refused for another reason" + unrelated);
    else
        report(attack, Outcome::blocked,
               std::to_string(refused) +
                   " images refused (/proc and /sys to /tmp/x and to a host path), nothing "
                   "mounted outside the rootfs");

    // The control: mount(2) by path follows the image's link to the host
    // directory (in a private mount namespace).
    std::string naive = in_child([&] {
        private_mount_namespace();
        std::string target = control_rootfs + "/proc";
        if (::mount("proc", target.c_str(), "proc", 0, nullptr) < 0)
            return std::string("mount failed");
        return mountinfo().find(" " + control_host_dir + " ") != std::string::npos
                   ? std::string("landed on the host directory")
                   : std::string("stayed in the rootfs");
    });
    report_control(attack, naive == "landed on the host directory",
                   "a mount of proc at rootfs/proc by path " + naive);
}

BOOST_AUTO_TEST_SUITE_END()
