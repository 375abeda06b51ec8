// linux/procfs as root: the private handle, its fallbacks and where a
// write through it lands. Each case runs in a forked child inside fresh
// namespaces (mount, pid, network, user as it needs), so the binds over
// /proc files and the sysctl writes never reach the host; the child reports
// "key=value" lines and the parent compares them with the host's own facts.
#include "integration/isolated.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/in_root.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/procfs.hpp"

#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sched.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ward;
using namespace ward::linux;
namespace fs = std::filesystem;

namespace {

using ward_it::Report;
using ward_it::run_in_child;

std::string line(const std::string& key, const std::string& value) {
    return ward_it::report_line(key, value);
}

std::string read_through(const ProcfsHandle& handle, const std::string& path) {
    try {
        UniqueFd fd = open_in_procfs(handle, path, O_RDONLY);
        return std::string(trim(read_fd(fd.get())));
    } catch (const ProcfsError& e) {
        return "error " + errno_name(e.err) + ": " + e.what();
    }
}

std::string status_pid(const ProcfsHandle& handle) {
    for (const auto& l : split(read_through(handle, "/proc/self/status"), '\n'))
        if (l.starts_with("Pid:"))
            return std::string(trim(std::string_view(l).substr(4)));
    return "?";
}

const char* yes(bool b) {
    return b ? "yes" : "no";
}

int count_proc_mounts() {
    int n = 0;
    for (const auto& l : split(read_file("/proc/self/mountinfo"), '\n'))
        if (l.find(" - proc ") != std::string::npos)
            ++n;
    return n;
}

void bind_over(const std::string& source, const std::string& target) {
    if (::mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) < 0)
        fail_errno("bind " + source + " over " + target);
}

void private_mounts() {
    if (::mount("", "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
        fail_errno("make / rslave");
}

struct TempFile {
    std::string path;
    explicit TempFile(const std::string& content) {
        char tmpl[] = "/tmp/ward-procfs-XXXXXX";
        int fd = ::mkstemp(tmpl);
        BOOST_REQUIRE(fd >= 0);
        ::close(fd);
        path = tmpl;
        std::ofstream(path) << content;
    }
    ~TempFile() { ::unlink(path.c_str()); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(procfs_handle_as_root)

// One procfs file bound over another (CVE-2025-52881) and a plain file
// bound over a third: the private instance never sees either, the clone
// leaves them out, and /proc itself refuses them.
BOOST_AUTO_TEST_CASE(binds_over_proc_files_never_reach_a_write) {
    TempFile decoy("decoy\n");
    struct utsname host {};
    BOOST_REQUIRE(::uname(&host) == 0);
    Report r = run_in_child(CLONE_NEWNS | CLONE_NEWPID, [&] {
        private_mounts();
        bind_over("/proc/sys/kernel/ostype", "/proc/sys/kernel/hostname");
        bind_over(decoy.path, "/proc/sys/kernel/osrelease");
        std::string out;
        int before = count_proc_mounts();
        ProcfsHandle own = make_procfs_handle();
        out += line("private_source", describe(own.source));
        out += line("private_mount_attached", yes(count_proc_mounts() != before));
        out += line("private_own_ns", yes(own.own_pid_namespace));
        out += line("private_pid", status_pid(own));
        out += line("private_hostname", read_through(own, "/proc/sys/kernel/hostname"));
        out += line("private_osrelease", read_through(own, "/proc/sys/kernel/osrelease"));
        for (bool walk : {false, true}) {
            force_fd_walk(walk);
            std::string tag = walk ? "walk_" : "";
            ProcfsHandle clone = make_procfs_handle(ProcfsSource::cloned_mount);
            out += line(tag + "clone_source", describe(clone.source));
            out += line(tag + "clone_own_ns", yes(clone.own_pid_namespace));
            out += line(tag + "clone_hostname", read_through(clone, "/proc/sys/kernel/hostname"));
            out += line(tag + "clone_pid1", read_through(clone, "/proc/1/status"));
            ProcfsHandle dir = make_procfs_handle(ProcfsSource::proc_directory);
            out += line(tag + "dir_hostname", read_through(dir, "/proc/sys/kernel/hostname"));
            out += line(tag + "dir_osrelease", read_through(dir, "/proc/sys/kernel/osrelease"));
            out += line(tag + "private_hostname", read_through(own, "/proc/sys/kernel/hostname"));
        }
        force_fd_walk(false);
        out += line("path_osrelease", std::string(trim(read_file("/proc/sys/kernel/osrelease"))));
        out += line("path_hostname", std::string(trim(read_file("/proc/sys/kernel/hostname"))));
        return out;
    });
    BOOST_TEST(r["error"] == "");
    // The control: a plain read by path gets the procfs file bound over it.
    BOOST_TEST(r["path_hostname"] == "Linux");
    BOOST_TEST(r["path_osrelease"] == "decoy");
    BOOST_TEST(r["private_source"] == "private procfs");
    BOOST_TEST(r["private_mount_attached"] == "no");
    BOOST_TEST(r["private_own_ns"] == "yes");
    BOOST_TEST(r["private_pid"] == "1"); // the new pid namespace's procfs
    BOOST_TEST(r["private_hostname"] == host.nodename);
    BOOST_TEST(r["private_osrelease"] == host.release);
    for (std::string tag : {"", "walk_"}) {
        BOOST_TEST_CONTEXT(tag) {
            BOOST_TEST(r[tag + "clone_source"] == "clone of /proc");
            BOOST_TEST(r[tag + "clone_own_ns"] == "no"); // the host's pid namespace
            BOOST_TEST(r[tag + "clone_hostname"] == host.nodename);
            BOOST_TEST(r[tag + "clone_pid1"] ==
                       "error ESRCH: open /proc/1/status (clone of /proc): the procfs is of "
                       "another pid namespace than ward's");
            BOOST_TEST(r[tag + "dir_hostname"] ==
                       "error EXDEV: open /proc/sys/kernel/hostname (/proc): a mount covers "
                       "\"sys/kernel/hostname\" or a directory on its way, refusing to use it: "
                       "invalid cross-device link");
            BOOST_TEST(r[tag + "dir_osrelease"].find("error EXDEV: ") == 0U,
                       r[tag + "dir_osrelease"]);
            BOOST_TEST(r[tag + "private_hostname"] == host.nodename);
        }
    }
}

// In a user namespace whose mount namespace has a locked mount over a
// procfs directory, the kernel refuses a new procfs (no fully visible one)
// and a clone without the locked mount: /proc itself is what is left, and
// the locked mount is refused on the way through it.
BOOST_AUTO_TEST_CASE(user_namespace_falls_back_to_proc_and_still_refuses_mounts) {
    Report r = run_in_child(CLONE_NEWNS, [&] {
        private_mounts();
        if (::mount("tmpfs", "/proc/sys/kernel", "tmpfs", 0, "size=16k") < 0)
            fail_errno("mount tmpfs over /proc/sys/kernel");
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
            fail_errno("unshare user namespace");
        std::string out;
        ProcfsHandle handle = make_procfs_handle();
        out += line("source", describe(handle.source));
        out += line("own_ns", yes(handle.own_pid_namespace));
        out += line("pid", status_pid(handle));
        out += line("hostname", read_through(handle, "/proc/sys/kernel/hostname"));
        out += line("net", read_through(handle, "/proc/sys/net/ipv4/ip_unprivileged_port_start"));
        return out;
    });
    BOOST_TEST(r["error"] == "");
    BOOST_TEST(r["source"] == "/proc");
    BOOST_TEST(r["own_ns"] == "yes");
    BOOST_TEST(r["pid"] != "?");
    BOOST_TEST(r["hostname"].find("error EXDEV: open /proc/sys/kernel/hostname (/proc): a mount "
                                  "covers") == 0U,
               r["hostname"]);
    BOOST_TEST(parse_uint(r["net"]).has_value(), r["net"]);
}

// A sysctl written through a handle lands in the network namespace of the
// process that opens the file, not the one the handle was made in, and
// never the host's: the init makes its handle before the pivot, after it
// is in the container's namespaces.
BOOST_AUTO_TEST_CASE(sysctl_writes_land_in_the_writers_network_namespace) {
    const std::string key = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
    std::string host_before(trim(read_file(key)));
    Report r = run_in_child(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET, [&] {
        std::string out;
        ProcfsHandle handle = make_procfs_handle();
        UniqueFd first(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
        if (!first)
            fail_errno("open ns/net");
        if (::unshare(CLONE_NEWNET) < 0)
            fail_errno("unshare a second network namespace");
        {
            UniqueFd fd = open_in_procfs(handle, key, O_WRONLY);
            write_all(fd.get(), "777", "write " + key);
        }
        out +=
            line("second", std::string(trim(read_fd(open_in_procfs(handle, key, O_RDONLY).get()))));
        if (::setns(first.get(), CLONE_NEWNET) < 0)
            fail_errno("setns back");
        out +=
            line("first", std::string(trim(read_fd(open_in_procfs(handle, key, O_RDONLY).get()))));
        return out;
    });
    BOOST_TEST(r["error"] == "");
    BOOST_TEST(r["second"] == "777");
    BOOST_TEST(r["first"] == "1024"); // a new namespace's default, untouched
    BOOST_TEST(std::string(trim(read_file(key))) == host_before);
}

BOOST_AUTO_TEST_SUITE_END()
