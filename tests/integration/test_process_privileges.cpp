// The init's privileged self-changes (linux/process.hpp), each applied in a
// forked child so the test runner itself keeps its ids, caps and limits.
// The child reports what it sees (mostly /proc/self/status lines) through a
// pipe; the parent asserts.
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/process.hpp"
#include "ward/seccomp/filter.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

using namespace ward;

namespace {

// The child's end of the report pipe, kept high so tests may dup2 over
// the low fds.
constexpr int kReportFd = 100;

void report(std::string_view text) {
    write_all(kReportFd, text, "report");
}

struct Child {
    pid_t pid = -1;
    UniqueFd output;
};

struct Outcome {
    int exit_code = -1;
    std::string text;
};

// Forks; the child runs body and reports "error: <message>" if it throws.
Child start_child(const std::function<void()>& body) {
    int fds[2];
    BOOST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
        ::dup3(fds[1], kReportFd, O_CLOEXEC);
        ::close(fds[0]);
        ::close(fds[1]);
        try {
            body();
        } catch (const std::exception& e) {
            try {
                report(std::string("error: ") + e.what());
            } catch (...) {
            }
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    return Child{pid, UniqueFd(fds[0])};
}

Outcome finish_child(Child& child) {
    Outcome outcome;
    outcome.text = read_fd(child.output.get());
    int status = 0;
    BOOST_REQUIRE(::waitpid(child.pid, &status, 0) == child.pid);
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return outcome;
}

std::string in_child(const std::function<void()>& body) {
    Child child = start_child(body);
    Outcome outcome = finish_child(child);
    BOOST_TEST(outcome.exit_code == 0);
    return outcome.text;
}

// "CapEff" → "0000000000000400", from the calling process.
std::string status_field(std::string_view key) {
    for (const auto& line : split(read_file("/proc/self/status"), '\n'))
        if (line.starts_with(std::string(key) + ":"))
            return std::string(trim(std::string_view(line).substr(key.size() + 1)));
    return "<missing " + std::string(key) + ">";
}

// Reports "Key=value;" for each key, so one string holds the whole picture.
void report_status(std::initializer_list<std::string_view> keys) {
    std::string text;
    for (auto key : keys)
        text += std::string(key) + "=" + status_field(key) + ";";
    report(text);
}

void drop_effective_capability(int cap) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    check_syscall(::syscall(SYS_capget, &header, data), "capget");
    data[cap / 32].effective &= ~(1u << (cap % 32));
    data[cap / 32].permitted &= ~(1u << (cap % 32));
    check_syscall(::syscall(SYS_capset, &header, data), "capset");
}

spec::Capabilities all_sets(const std::vector<std::string>& names) {
    spec::Capabilities caps;
    caps.bounding = caps.effective = caps.permitted = names;
    return caps;
}

constexpr const char* kNone = "0000000000000000";
constexpr const char* kNetBind = "0000000000000400"; // 1 << CAP_NET_BIND_SERVICE

} // namespace

BOOST_AUTO_TEST_SUITE(process_privileges)

BOOST_AUTO_TEST_CASE(absent_capabilities_keep_nothing) {
    std::string seen = in_child([] {
        spec::Process process; // root, capabilities absent
        linux::apply_user_and_capabilities(process, true);
        report_status({"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "Groups", "Uid"});
    });
    BOOST_TEST(seen == std::string("CapInh=") + kNone + ";CapPrm=" + kNone + ";CapEff=" + kNone +
                           ";CapBnd=" + kNone + ";CapAmb=" + kNone + ";Groups=;Uid=0\t0\t0\t0;");
}

BOOST_AUTO_TEST_CASE(keeps_only_the_listed_capability) {
    std::string seen = in_child([] {
        spec::Process process;
        process.capabilities = all_sets({"CAP_NET_BIND_SERVICE"});
        linux::apply_user_and_capabilities(process, true);
        report_status({"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"});
    });
    BOOST_TEST(seen == std::string("CapInh=") + kNone + ";CapPrm=" + kNetBind + ";CapEff=" +
                           kNetBind + ";CapBnd=" + kNetBind + ";CapAmb=" + kNone + ";");
}

BOOST_AUTO_TEST_CASE(setuid_to_an_unprivileged_user_keeps_the_capability) {
    std::string seen = in_child([] {
        spec::Process process;
        process.user.uid = 1000;
        process.user.gid = 1001;
        process.user.additional_gids = {5, 6};
        process.capabilities = all_sets({"CAP_NET_BIND_SERVICE"});
        linux::apply_user_and_capabilities(process, true);
        report_status({"Uid", "Gid", "Groups", "CapPrm", "CapEff"});
        report("keepcaps=" + std::to_string(::prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0)));
    });
    BOOST_TEST(seen == std::string("Uid=1000\t1000\t1000\t1000;Gid=1001\t1001\t1001\t1001;"
                                   "Groups=5 6;CapPrm=") +
                           kNetBind + ";CapEff=" + kNetBind + ";keepcaps=0");
}

BOOST_AUTO_TEST_CASE(groups_are_left_alone_when_setgroups_is_denied) {
    std::string seen = in_child([] {
        ::setgroups(0, nullptr);
        gid_t before[] = {7};
        ::setgroups(1, before);
        spec::Process process;
        process.user.additional_gids = {5};
        linux::apply_user_and_capabilities(process, false);
        report_status({"Groups"});
    });
    BOOST_TEST(seen == "Groups=7;");
}

BOOST_AUTO_TEST_CASE(ambient_capability_survives_exec_as_non_root) {
    std::string seen = in_child([] {
        spec::Process process;
        process.user.uid = 1000;
        process.user.gid = 1000;
        spec::Capabilities caps = all_sets({"CAP_NET_BIND_SERVICE"});
        caps.inheritable = caps.ambient = std::vector<std::string>{"CAP_NET_BIND_SERVICE"};
        process.capabilities = caps;
        linux::apply_user_and_capabilities(process, true);
        ::dup2(kReportFd, 1);
        ::execl("/bin/grep", "grep", "^Cap", "/proc/self/status", nullptr);
        fail_errno("exec /bin/grep");
    });
    BOOST_TEST(seen.find(std::string("CapEff:\t") + kNetBind) != std::string::npos, seen);
    BOOST_TEST(seen.find(std::string("CapAmb:\t") + kNetBind) != std::string::npos, seen);
    BOOST_TEST(seen.find(std::string("CapInh:\t") + kNetBind) != std::string::npos, seen);
}

// As runc: an ambient capability the kernel cannot raise (not inheritable)
// is skipped, and the other sets are applied; `runc spec` writes exactly
// such a config.
BOOST_AUTO_TEST_CASE(ambient_outside_inheritable_is_skipped_and_the_rest_applied) {
    std::string seen = in_child([] {
        spec::Process process;
        process.user.uid = 1000;
        spec::Capabilities caps = all_sets({"CAP_NET_BIND_SERVICE"});
        caps.inheritable = std::vector<std::string>{};
        caps.ambient = std::vector<std::string>{"CAP_NET_BIND_SERVICE"};
        process.capabilities = caps;
        linux::apply_user_and_capabilities(process, true);
        report_status({"CapEff", "CapAmb"});
        report(::getuid() == 1000 ? "uid=1000" : "uid!=1000");
    });
    BOOST_TEST(seen == std::string("CapEff=") + kNetBind + ";CapAmb=0000000000000000;uid=1000");
}

// Without no_new_privs a seccomp filter needs CAP_SYS_ADMIN to load: it
// is kept on top of the config's sets until set_capabilities drops it.
BOOST_AUTO_TEST_CASE(cap_sys_admin_kept_for_a_filter_load_is_then_dropped) {
    std::string seen = in_child([] {
        spec::Process process;
        process.user.uid = 1000;
        process.capabilities = all_sets({"CAP_NET_BIND_SERVICE"});
        linux::CapabilitySets sets = linux::apply_user_and_capabilities(process, true, true);
        report_status({"CapPrm", "CapEff", "CapBnd", "Uid"});
        linux::set_capabilities(sets);
        report_status({"CapPrm", "CapEff"});
    });
    const std::string with_admin = "0000000000200400"; // CAP_SYS_ADMIN (21), NET_BIND_SERVICE
    BOOST_TEST(seen == "CapPrm=" + with_admin + ";CapEff=" + with_admin + ";CapBnd=" + kNetBind +
                           ";Uid=1000\t1000\t1000\t1000;CapPrm=" + kNetBind +
                           ";CapEff=" + kNetBind + ";");
}

// A filter loaded meanwhile can answer capset with errno 0 without running
// it; the capget read-back turns that into an error instead of a process
// that keeps CAP_SYS_ADMIN.
BOOST_AUTO_TEST_CASE(a_filter_faking_capset_cannot_leave_capabilities_behind) {
    std::string seen = in_child([] {
        spec::Process process;
        process.user.uid = 1000;
        process.capabilities = all_sets({"CAP_NET_BIND_SERVICE"});
        linux::CapabilitySets sets = linux::apply_user_and_capabilities(process, true, true);
        spec::Seccomp faking;
        faking.default_action = "SCMP_ACT_ALLOW";
        faking.syscalls.push_back({{"capset"}, "SCMP_ACT_ERRNO", 0, {}});
        seccomp::Filter::build(faking).load(); // CAP_SYS_ADMIN, no no_new_privs
        linux::set_capabilities(sets);
        report_status({"CapEff"});
    });
    BOOST_TEST(seen.starts_with("error: capset: the kernel does not hold the capability sets"),
               seen);
}

// The config parser refuses a name ward has no number for; one reaching
// the capability step anyway is an error there too, before any change.
BOOST_AUTO_TEST_CASE(an_unknown_capability_name_is_an_error) {
    std::string seen = in_child([] {
        spec::Process process;
        process.capabilities = all_sets({"CAP_NET_BIND_SERVICE", "CAP_WARD_BOGUS"});
        try {
            linux::apply_user_and_capabilities(process, true);
        } catch (const Error& e) {
            report_status({"CapBnd"});
            throw;
        }
    });
    // Nothing was dropped: the bounding set is still the one it inherited.
    BOOST_TEST(seen == "CapBnd=" + status_field("CapBnd") +
                           ";error: process.capabilities.bounding: unknown capability "
                           "\"CAP_WARD_BOGUS\"");
}

BOOST_AUTO_TEST_CASE(umask_defaults_to_0022_and_follows_the_config) {
    auto umask_after = [](std::optional<uint32_t> umask) {
        return in_child([umask] {
            ::umask(0);
            spec::Process process;
            process.user.umask = umask;
            linux::apply_user_and_capabilities(process, true);
            report_status({"Umask"});
        });
    };
    BOOST_TEST(umask_after(std::nullopt) == "Umask=0022;");
    BOOST_TEST(umask_after(027) == "Umask=0027;");
}

BOOST_AUTO_TEST_CASE(no_new_privileges_is_set) {
    std::string seen = in_child([] {
        report_status({"NoNewPrivs"});
        linux::set_no_new_privileges();
        report_status({"NoNewPrivs"});
    });
    BOOST_TEST(seen == "NoNewPrivs=0;NoNewPrivs=1;");
}

BOOST_AUTO_TEST_CASE(rlimits_are_set_and_raising_a_hard_limit_fails_clearly) {
    std::string seen = in_child([] {
        linux::apply_rlimits({{"RLIMIT_NOFILE", 100, 200}});
        rlimit now{};
        ::getrlimit(RLIMIT_NOFILE, &now);
        report(std::to_string(now.rlim_cur) + "/" + std::to_string(now.rlim_max) + ";");
        // Without CAP_SYS_RESOURCE (as in rootless or unprivileged
        // containers) a hard limit cannot go back up.
        drop_effective_capability(CAP_SYS_RESOURCE);
        linux::apply_rlimits({{"RLIMIT_NOFILE", 100, 400}});
        report("raised");
    });
    BOOST_TEST(seen == "100/200;error: setrlimit RLIMIT_NOFILE: operation not permitted");
}

BOOST_AUTO_TEST_CASE(rlimit_mistakes_name_the_rlimit) {
    std::string seen = in_child([] {
        for (auto limit : {spec::Rlimit{"RLIMIT_WARD", 1, 1}, spec::Rlimit{"RLIMIT_CORE", 2, 1}})
            try {
                linux::apply_rlimits({limit});
            } catch (const Error& e) {
                report(std::string(e.what()) + ";");
            }
    });
    BOOST_TEST(seen == "process.rlimits: unknown rlimit type \"RLIMIT_WARD\";"
                       "process.rlimits RLIMIT_CORE: soft limit 2 is above hard limit 1;");
}

BOOST_AUTO_TEST_CASE(oom_score_adj_is_written_and_errors_name_the_field) {
    std::string seen = in_child([] {
        spec::Process process;
        process.oom_score_adj = 500;
        linux::apply_process_attributes(process, std::nullopt);
        report(std::string(trim(read_file("/proc/self/oom_score_adj"))) + ";");
        process.oom_score_adj = 5000;
        linux::apply_process_attributes(process, std::nullopt);
    });
    BOOST_TEST(seen == "500;error: process.oomScoreAdj 5000: write /proc/self/oom_score_adj: "
                       "invalid argument");
}

BOOST_AUTO_TEST_CASE(scheduler_io_priority_personality_and_affinity_apply) {
    std::string seen = in_child([] {
        spec::Process process;
        process.scheduler = spec::Scheduler{};
        process.scheduler->policy = "SCHED_BATCH";
        process.scheduler->nice = 5;
        process.io_priority = spec::IoPriority{"IOPRIO_CLASS_BE", 6};
        process.exec_cpu_affinity = spec::CpuAffinity{"0", ""};
        linux::apply_process_attributes(process, spec::Personality{"LINUX32", {}});
        cpu_set_t cpus;
        CPU_ZERO(&cpus);
        ::sched_getaffinity(0, sizeof cpus, &cpus);
        long ioprio = ::syscall(SYS_ioprio_get, 1, 0);
        report("policy=" + std::to_string(::sched_getscheduler(0)) +
               ";nice=" + std::to_string(::getpriority(PRIO_PROCESS, 0)) + ";ioclass=" +
               std::to_string(ioprio >> 13) + ";iolevel=" + std::to_string(ioprio & 7) +
               ";persona=" + std::to_string(::personality(0xffffffff) & PER_MASK) +
               ";cpus=" + std::to_string(CPU_COUNT(&cpus)) + (CPU_ISSET(0, &cpus) ? "+0" : ""));
    });
    BOOST_TEST(seen == "policy=" + std::to_string(SCHED_BATCH) +
                           ";nice=5;ioclass=2;iolevel=6;persona=" + std::to_string(PER_LINUX32) +
                           ";cpus=1+0");
}

BOOST_AUTO_TEST_CASE(process_attribute_mistakes_name_the_field_and_value) {
    std::string seen = in_child([] {
        auto attempt = [](const spec::Process& process,
                          const std::optional<spec::Personality>& persona = std::nullopt) {
            try {
                linux::apply_process_attributes(process, persona);
                report("applied;");
            } catch (const Error& e) {
                report(std::string(e.what()) + ";");
            }
        };
        spec::Process process;
        process.scheduler = spec::Scheduler{};
        process.scheduler->policy = "SCHED_WARD";
        attempt(process);
        process.scheduler.reset();
        process.io_priority = spec::IoPriority{"IOPRIO_CLASS_BE", 9};
        attempt(process);
        process.io_priority.reset();
        process.exec_cpu_affinity = spec::CpuAffinity{"3-1", ""};
        attempt(process);
        process.exec_cpu_affinity = spec::CpuAffinity{"0,x", ""};
        attempt(process);
        process.exec_cpu_affinity.reset();
        attempt(process, spec::Personality{"LINUX64", {}});
    });
    BOOST_TEST(seen ==
               "process.scheduler (policy \"SCHED_WARD\"): unknown scheduling policy;"
               "process.ioPriority (class \"IOPRIO_CLASS_BE\", priority 9): priority must be "
               "between 0 and 7;"
               "process.execCPUAffinity.initial \"3-1\": range \"3-1\" runs backwards;"
               "process.execCPUAffinity.initial \"0,x\": invalid cpu list;"
               "linux.personality (domain \"LINUX64\"): unknown personality domain;");
}

BOOST_AUTO_TEST_CASE(security_labels_fail_clearly_without_the_lsm) {
    bool apparmor = false;
    try {
        apparmor = read_file("/sys/module/apparmor/parameters/enabled").starts_with("Y");
    } catch (const Error&) {
    }
    spec::Process process;
    process.apparmor_profile = "ward-test";
    if (apparmor) {
        BOOST_TEST_MESSAGE("AppArmor is enabled here; the refusal is not observable");
    } else {
        try {
            linux::apply_security_labels(process);
            BOOST_FAIL("no throw");
        } catch (const Error& e) {
            BOOST_TEST(std::string(e.what()) ==
                       "apparmor profile \"ward-test\" requested but AppArmor is not enabled on "
                       "this host");
        }
    }
    if (::access("/sys/fs/selinux/enforce", F_OK) == 0)
        return;
    process.apparmor_profile.clear();
    process.selinux_label = "system_u:system_r:container_t:s0";
    try {
        linux::apply_security_labels(process);
        BOOST_FAIL("no throw");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "selinux label \"system_u:system_r:container_t:s0\" requested but SELinux is "
                   "not enabled on this host");
    }
    process.selinux_label.clear();
    linux::apply_security_labels(process); // nothing asked: nothing to do
}

BOOST_AUTO_TEST_CASE(close_fds_on_exec_keeps_stdio_and_preserved_fds_only) {
    std::string seen = in_child([] {
        int null = ::open("/dev/null", O_RDONLY); // no O_CLOEXEC on purpose
        for (int fd : {3, 4, 10, 11})
            ::dup2(null, fd);
        linux::close_fds_on_exec(1);
        ::dup2(kReportFd, 1);
        ::execl("/bin/sh", "sh", "-c",
                "for f in 0 1 2 3 4 10 11 100; do [ -e /proc/$$/fd/$f ] && printf '%s ' $f; "
                "done; true",
                nullptr);
        fail_errno("exec /bin/sh");
    });
    BOOST_TEST(seen == "0 1 2 3 ");
}

BOOST_AUTO_TEST_CASE(find_executable_reports_like_runc) {
    auto error_of = [](const std::string& name, const std::vector<std::string>& env) {
        try {
            return "found " + linux::find_executable(name, env);
        } catch (const Error& e) {
            return std::string(e.what());
        }
    };
    BOOST_TEST(linux::find_executable("sh", {"PATH=/nonexistent:relative:/bin"}) == "/bin/sh");
    BOOST_TEST(linux::find_executable("sh", {"PATH=/nonexistent", "PATH=/bin"}) == "/bin/sh");
    BOOST_TEST(linux::find_executable("sh", {}).ends_with("bin/sh"));
    BOOST_TEST(linux::find_executable("/bin/sh", {}) == "/bin/sh");
    BOOST_TEST(error_of("ward-no-such-program", {"PATH=/bin"}) ==
               "exec: \"ward-no-such-program\": executable file not found in $PATH");
    BOOST_TEST(error_of("/nonexistent/x", {}) ==
               "exec: \"/nonexistent/x\": stat /nonexistent/x: no such file or directory");
    BOOST_TEST(error_of("/tmp", {}) == "exec: \"/tmp\": is a directory");

    char path[] = "/tmp/ward-find-exec-XXXXXX";
    int fd = ::mkstemp(path);
    BOOST_REQUIRE(fd >= 0);
    ::fchmod(fd, 0644);
    ::close(fd);
    std::string plain = path;
    BOOST_TEST(error_of(plain, {}) == "exec: \"" + plain + "\": permission denied");
    // A non-executable file in PATH is passed over, as Go's LookPath does.
    std::string dir = plain.substr(0, plain.rfind('/'));
    std::string base = plain.substr(plain.rfind('/') + 1);
    BOOST_TEST(error_of(base, {"PATH=" + dir}) ==
               "exec: \"" + base + "\": executable file not found in $PATH");
    ::unlink(path);
}

BOOST_AUTO_TEST_CASE(change_directory_enters_and_reports_missing_dirs) {
    std::string seen = in_child([] {
        linux::change_directory("/tmp");
        char cwd[4096];
        report(std::string(::getcwd(cwd, sizeof cwd) ? cwd : "?") + ";");
        linux::change_directory("/nonexistent-ward-dir");
    });
    BOOST_TEST(seen == "/tmp;error: chdir to cwd (\"/nonexistent-ward-dir\") set in config.json "
                       "failed: no such file or directory");
}

// CVE-2024-21626: a leaked host directory fd reached through
// /proc/self/fd/N puts the cwd outside the root; it must be refused.
BOOST_AUTO_TEST_CASE(change_directory_refuses_a_cwd_outside_the_root) {
    char root[] = "/tmp/ward-cwd-root-XXXXXX";
    BOOST_REQUIRE(::mkdtemp(root));
    std::string proc = std::string(root) + "/proc";
    BOOST_REQUIRE(::mkdir(proc.c_str(), 0755) == 0);
    std::string seen = in_child([&] {
        int host = ::open("/", O_RDONLY | O_DIRECTORY); // the "leaked" fd
        check_syscall(::unshare(CLONE_NEWNS), "unshare");
        check_syscall(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), "private /");
        check_syscall(::mount("proc", proc.c_str(), "proc", 0, nullptr), "mount proc");
        check_syscall(::chroot(root), "chroot");
        check_syscall(::chdir("/"), "chdir /");
        linux::change_directory("/proc/self/fd/" + std::to_string(host));
        report("entered");
    });
    ::rmdir(proc.c_str());
    ::rmdir(root);
    BOOST_TEST(seen.starts_with("error: cwd \"/proc/self/fd/"), seen);
    BOOST_TEST(seen.ends_with("\" is outside the container root"), seen);
}

BOOST_AUTO_TEST_CASE(console_master_is_sent_over_the_socket_and_slave_becomes_stdio) {
    int pair[2];
    BOOST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
    UniqueFd ours(pair[0]), theirs(pair[1]);
    Child child = start_child([&] {
        linux::setup_console(theirs.get(), spec::ConsoleSize{24, 80});
        int ptmx_fds = 0;
        for (int fd = 0; fd < 1024; ++fd) {
            char link[256]{};
            std::string proc = "/proc/self/fd/" + std::to_string(fd);
            if (::readlink(proc.c_str(), link, sizeof link - 1) > 0 &&
                std::string_view(link).ends_with("ptmx"))
                ++ptmx_fds;
        }
        report("tty=" + std::to_string(::isatty(0) && ::isatty(1) && ::isatty(2)) +
               ";ctty=" + std::to_string(::tcgetsid(0) == ::getpid()) +
               ";masters=" + std::to_string(ptmx_fds));
        write_all(1, "ward-console-ok\n", "write tty");
    });

    // What containerd's console.RecvFd does: one recvmsg, one fd.
    char name[4096]{};
    char control[CMSG_SPACE(sizeof(int))]{};
    iovec data{name, sizeof name - 1};
    msghdr message{};
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t got = ::recvmsg(ours.get(), &message, MSG_CMSG_CLOEXEC);
    BOOST_REQUIRE(got > 0);
    BOOST_TEST(std::string(name, got) == "/dev/ptmx");
    BOOST_TEST(message.msg_controllen == CMSG_SPACE(sizeof(int)));
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    BOOST_REQUIRE(header);
    BOOST_TEST(header->cmsg_type == SCM_RIGHTS);
    int received = -1;
    std::memcpy(&received, CMSG_DATA(header), sizeof received);
    UniqueFd master(received);

    unsigned pty_number = 0;
    BOOST_TEST(::ioctl(master.get(), TIOCGPTN, &pty_number) == 0); // only masters answer
    winsize window{};
    BOOST_TEST(::ioctl(master.get(), TIOCGWINSZ, &window) == 0);
    BOOST_TEST(window.ws_row == 24);
    BOOST_TEST(window.ws_col == 80);

    std::string output;
    while (output.find("ward-console-ok") == std::string::npos) {
        pollfd wait{master.get(), POLLIN, 0};
        if (::poll(&wait, 1, 5000) <= 0)
            break;
        char buffer[256];
        ssize_t n = ::read(master.get(), buffer, sizeof buffer);
        if (n <= 0)
            break;
        output.append(buffer, n);
    }
    BOOST_TEST(output.find("ward-console-ok") != std::string::npos, output);
    Outcome outcome = finish_child(child);
    BOOST_TEST(outcome.text == "tty=1;ctty=1;masters=0");
}

BOOST_AUTO_TEST_SUITE_END()
