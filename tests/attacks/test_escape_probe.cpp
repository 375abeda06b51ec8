// The escape probe (escape_probe.c, build/escape-probe) run inside a
// container under ward's hardened defaults and under baseline (the
// capability set containerd sends), and on the host as the control: as
// root, in fresh mount/net/ipc/uts namespaces, where nothing blocks it; the
// chroot escape's control runs in a plain chroot of a rootfs.
//
// One test case per attempt, each reporting one attack line per policy:
//   blocked      the container was refused where the control succeeded, or
//                refused with another errno than the host kernel's own
//                answer (EPERM from ward where a kernel without modules
//                says ENOSYS): something in between refused it;
//   NOT BLOCKED  the probe got what the attack needs;
//   COULD NOT RUN the probe printed nothing for it, could not try, or was
//                refused exactly as the control was (nothing shown).
// A case whose attempt the host itself refuses in every run the same way
// (no /proc/kcore in this kernel, x32 disabled) is skipped by its
// precondition, with the reason: it can prove nothing here, and is counted
// as skipped, not passed. probe_lists_every_attempt keeps the cases and the
// probe's attempts one set: an attempt without a case would go unjudged.
#include "attacks/attack.hpp"

#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <poll.h>
#include <sched.h>
#include <sstream>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ward_attack;
using ward_it::Json;
namespace fs = std::filesystem;
namespace utf = boost::unit_test;

namespace {

// The probe: $ESCAPE_PROBE, else next to the checker (build/escape-probe).
std::string probe_path() {
    const char* env = std::getenv("ESCAPE_PROBE");
    if (env && *env)
        return fs::absolute(env).string();
    return (fs::path(ward_it::checker_path()).parent_path() / "escape-probe").string();
}

// "attempt NAME: VERDICT: [TOKEN: ]DETAIL" → verdict allowed / refused /
// could not run; token the refusal's errno (STEP:ERRNO, SIGSYS, or "-").
struct Answer {
    std::string verdict;
    std::string token;
    std::string detail;
};

struct ProbeRun {
    std::map<std::string, Answer> answers;
    std::string failure; // why answers may be missing
};

ProbeRun parse(const std::string& out, const std::string& failure) {
    ProbeRun run;
    run.failure = failure;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("attempt ", 0) != 0)
            continue;
        size_t colon = line.find(": ");
        if (colon == std::string::npos)
            continue;
        std::string name = line.substr(8, colon - 8);
        std::string rest = line.substr(colon + 2);
        Answer a;
        for (const char* verdict : {"allowed", "refused", "could not run"}) {
            std::string head = std::string(verdict) + ": ";
            if (rest.rfind(head, 0) == 0) {
                a.verdict = verdict;
                rest = rest.substr(head.size());
            }
        }
        if (a.verdict == "refused") {
            size_t end = rest.find(": ");
            a.token = rest.substr(0, end);
            rest = end == std::string::npos ? "" : rest.substr(end + 2);
        }
        a.detail = rest;
        run.answers[name] = a;
    }
    if (run.answers.empty() && run.failure.empty())
        run.failure = "the probe printed no attempt: " + out;
    return run;
}

// A process on the host: stdout and stderr captured, `setup` run in the
// child before execv (system calls only), killed by its pid on timeout.
ward_it::Result run_host(const std::vector<std::string>& argv, const std::function<bool()>& setup,
                         int timeout_s = 120) {
    ward_it::Result result;
    int out[2];
    if (::pipe2(out, O_CLOEXEC) < 0)
        return result;
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out[1], 1);
        ::dup2(out[1], 2);
        if (!setup())
            _exit(126);
        ::execv(args[0], args.data());
        _exit(127);
    }
    ::close(out[1]);
    char buf[4096];
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    for (;;) {
        pollfd p{out[0], POLLIN, 0};
        if (::poll(&p, 1, 200) > 0) {
            ssize_t n = ::read(out[0], buf, sizeof buf);
            if (n <= 0)
                break;
            result.out.append(buf, static_cast<size_t>(n));
        }
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            result.timed_out = true;
            break;
        }
    }
    ::close(out[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

// A process outside every namespace for the probe to reach: a sleep the
// test started, killed by its pid at the end.
struct HostSleep {
    HostSleep() {
        pid = ::fork();
        if (pid == 0) {
            ::execl("/bin/sleep", "sleep", "600", static_cast<char*>(nullptr));
            _exit(127);
        }
        // Its first mapping, once exec has replaced the test's image.
        for (int i = 0; i < 100 && addr.empty(); ++i) {
            std::string comm = ward_it::slurp("/proc/" + std::to_string(pid) + "/comm");
            if (comm == "sleep\n") {
                std::string maps = ward_it::slurp("/proc/" + std::to_string(pid) + "/maps");
                addr = maps.substr(0, maps.find('-'));
            } else {
                ::usleep(10000);
            }
        }
    }
    ~HostSleep() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    }
    pid_t pid = -1;
    std::string addr;
};

// The probe copied into a bundle's rootfs, and a marker file next to the
// rootfs: a host path the container's root does not reach.
std::string install_probe(Bundle& b) {
    fs::copy_file(probe_path(), b.rootfs + "/escape-probe");
    ::chmod((b.rootfs + "/escape-probe").c_str(), 0755);
    std::string marker = b.bundle_dir + "/escape-marker";
    std::ofstream(marker) << "outside the container's root\n";
    return marker;
}

std::string disk_of(const std::string& path) {
    struct stat st {};
    ::stat(path.c_str(), &st);
    return std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev));
}

std::vector<std::string> probe_args(const HostSleep& sleep, const Bundle& b,
                                    const std::string& marker) {
    return {"--host-pid",  std::to_string(sleep.pid), "--host-addr", sleep.addr,
            "--host-disk", disk_of(b.rootfs),         "--marker",    marker};
}

// What the policy would refuse to start, or a probe that did not end, is
// the run's failure: every attempt of it then could not run.
ProbeRun in_container(const HostSleep& sleep, const std::string& policy) {
    Bundle b;
    std::string marker = install_probe(b);
    b.leave_to_policy();
    if (policy == "baseline") {
        // What containerd and podman send: the default container set.
        Json p = Json::parse(ward_it::slurp(ward_it::shipped_policy("baseline")));
        Json caps = p.at("rules").at("capabilities").at("allowed");
        for (const char* set : {"bounding", "effective", "permitted"})
            b.config["process"]["capabilities"][set] = caps;
    }
    std::vector<std::string> args = {"/escape-probe"};
    for (auto& a : probe_args(sleep, b, marker))
        args.push_back(a);
    b.set_args(args);
    Result r = with_policy(b, policy, "run", b.new_id("escape"));
    std::string failure;
    if (r.timed_out || r.out.find("\nattempts: ") == std::string::npos)
        failure = "ward run under " + policy + " (exit " + std::to_string(r.status) +
                  "): " + r.err + r.out.substr(0, 400);
    return parse(r.out, failure);
}

// On the host, where nothing blocks: root in fresh mount (private),
// network, ipc and uts namespaces, the host's pid namespace (the sleep
// must be in reach), device nodes made only in a scratch directory.
ProbeRun on_the_host(const HostSleep& sleep) {
    Bundle b;
    std::string marker = install_probe(b);
    std::string scratch = b.dir + "/scratch";
    fs::create_directories(scratch);
    std::vector<std::string> args = {probe_path()};
    for (auto& a : probe_args(sleep, b, marker))
        args.push_back(a);
    args.push_back("--scratch");
    args.push_back(scratch);
    Result r = run_host(args, [] {
        return ::unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) == 0 &&
               ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
    });
    return parse(r.out, r.out.find("\nattempts: ") == std::string::npos
                            ? "control run (exit " + std::to_string(r.status) + "): " + r.out
                            : "");
}

// The chroot escape's control: the probe in a plain chroot of a rootfs
// (in a private mount namespace), the weakened setup it escapes from.
ProbeRun in_a_chroot() {
    Bundle b;
    std::string marker = install_probe(b);
    std::string root = b.rootfs;
    Result r = run_host({"/escape-probe", "--only", "chroot-escape", "--marker", marker}, [&] {
        return ::unshare(CLONE_NEWNS) == 0 &&
               ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
               ::chroot(root.c_str()) == 0 && ::chdir("/") == 0;
    });
    return parse(r.out, r.status == 0
                            ? ""
                            : "chroot control (exit " + std::to_string(r.status) + "): " + r.out);
}

struct Runs {
    ProbeRun control;
    ProbeRun chroot_control;
    std::map<std::string, ProbeRun> by_policy; // hardened, baseline
};

const char* const kPolicies[] = {"hardened", "baseline"};

// Every run once, while one host sleep lives.
const Runs& runs() {
    static const Runs all = [] {
        Runs r;
        HostSleep sleep;
        if (sleep.addr.empty()) {
            for (ProbeRun* run : {&r.control, &r.chroot_control, &r.by_policy["hardened"],
                                  &r.by_policy["baseline"]})
                run->failure = "the host process for the probe to reach did not start";
            return r;
        }
        r.control = on_the_host(sleep);
        r.chroot_control = in_a_chroot();
        for (const char* policy : kPolicies)
            r.by_policy[policy] = in_container(sleep, policy);
        return r;
    }();
    return all;
}

const Answer* find(const ProbeRun& run, const std::string& name) {
    auto it = run.answers.find(name);
    return it == run.answers.end() ? nullptr : &it->second;
}

const Answer* control_of(const std::string& name) {
    return find(name == "chroot-escape" ? runs().chroot_control : runs().control, name);
}

// Skipped when this host answers the attempt exactly as every container
// run did: a refusal of the host's own (a missing file, a disabled ABI)
// that hides whether ward would have refused it.
struct ShownOnThisHost {
    std::string name;
    boost::test_tools::assertion_result operator()(utf::test_unit_id) const {
        const Answer* control = control_of(name);
        if (!control || control->verdict != "refused")
            return true;
        for (const char* policy : kPolicies) {
            const Answer* a = find(runs().by_policy.at(policy), name);
            if (!a || a->verdict != "refused" || a->token != control->token)
                return true;
        }
        boost::test_tools::assertion_result r(false);
        r.message() << "escape/" << name << ": this host refuses it without ward too ("
                    << control->token << ": " << control->detail
                    << "), as in every container; the vm lane runs the probe on a kernel that has "
                       "/proc/sysrq-trigger, /proc/kcore, /dev/mem, x32 and vsock "
                       "(tests/vm/cases/90-escape-probe.sh)";
        return r;
    }
};

// A refusal as the report shows it: "EPERM: mount tmpfs on /tmp".
std::string shown(const Answer& a) {
    return a.token.empty() || a.token == "-" ? a.detail : a.token + ": " + a.detail;
}

// What baseline lets through on purpose: raw and packet sockets need
// CAP_NET_RAW, in containerd's and Docker's default capability set
// (tests/data/clients/), and reach only the container's own network
// namespace. hardened refuses both.
const char* allowed_by_policy(const std::string& policy, const std::string& name) {
    if (policy == "baseline" && (name == "socket-packet" || name == "socket-raw-inet"))
        return "CAP_NET_RAW, in containerd's and Docker's default set; the socket reaches only "
               "the container's own network namespace";
    return nullptr;
}

void judge(const std::string& name) {
    const Answer* control = control_of(name);
    for (const char* policy : kPolicies) {
        std::string attack = "escape/" + name + "/" + policy;
        const ProbeRun& run = runs().by_policy.at(policy);
        const Answer* a = find(run, name);
        if (!a)
            report(attack, Outcome::could_not_run,
                   "no answer from the probe" + (run.failure.empty() ? "" : ": " + run.failure));
        else if (a->verdict == "allowed" && allowed_by_policy(policy, name))
            report_allowed_by_policy(attack, std::string(allowed_by_policy(policy, name)) + " (" +
                                                 a->detail + ")");
        else if (a->verdict == "allowed")
            report(attack, Outcome::not_blocked, a->detail);
        else if (a->verdict != "refused")
            report(attack, Outcome::could_not_run, a->detail);
        else if (!control)
            report(attack, Outcome::could_not_run,
                   shown(*a) + "; no control answer: " + runs().control.failure);
        else if (control->verdict == "allowed")
            report(attack, Outcome::blocked, shown(*a));
        else if (control->verdict == "refused" && control->token != a->token)
            report(attack, Outcome::blocked,
                   shown(*a) + " (without ward the host answers " + control->token + ")");
        else
            report(attack, Outcome::could_not_run, shown(*a) + ", as without ward: nothing shown");
    }
    if (control && control->verdict == "allowed")
        report_control("escape/" + name, true, control->detail);
    else if (control && control->verdict == "refused")
        BOOST_TEST_MESSAGE("control escape/" + name + ": not shown: this host refuses it too (" +
                           shown(*control) + ")");
    else
        report_control("escape/" + name, false,
                       control ? control->detail : "no answer: " + runs().control.failure);
}

// The attempts the cases below judge, in the probe's order (each case
// registers its attempt at static initialisation).
std::vector<std::string>& judged() {
    static std::vector<std::string> names;
    return names;
}

struct Judged {
    explicit Judged(const char* name) { judged().push_back(name); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(escape_probe)

BOOST_AUTO_TEST_CASE(probe_lists_every_attempt) {
    Result r = run_host({probe_path(), "--list"}, [] { return true; });
    BOOST_REQUIRE_MESSAGE(r.status == 0, "escape-probe --list: " << r.out);
    std::vector<std::string> listed;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        listed.push_back(line);
    BOOST_TEST(listed == judged(), boost::test_tools::per_element());
    for (const char* policy : kPolicies) {
        const ProbeRun& run = runs().by_policy.at(policy);
        BOOST_TEST(run.answers.size() == listed.size(),
                   policy << ": " << run.answers.size() << " answers; " << run.failure);
    }
}

#define ESCAPE_ATTEMPT(CASE, NAME)                                                                 \
    static const Judged judged_##CASE(NAME);                                                       \
    BOOST_AUTO_TEST_CASE(CASE, *utf::precondition(ShownOnThisHost{NAME})) {                        \
        judge(NAME);                                                                               \
    }

ESCAPE_ATTEMPT(mount_tmpfs, "mount-tmpfs")
ESCAPE_ATTEMPT(mount_bind_root, "mount-bind-root")
ESCAPE_ATTEMPT(mount_proc, "mount-proc")
ESCAPE_ATTEMPT(mount_new_api, "mount-new-api")
ESCAPE_ATTEMPT(unshare_user, "unshare-user")
ESCAPE_ATTEMPT(clone_newuser, "clone-newuser")
ESCAPE_ATTEMPT(clone3_newuser, "clone3-newuser")
ESCAPE_ATTEMPT(unshare_mnt, "unshare-mnt")
ESCAPE_ATTEMPT(unshare_net, "unshare-net")
ESCAPE_ATTEMPT(unshare_pid, "unshare-pid")
ESCAPE_ATTEMPT(unshare_ipc, "unshare-ipc")
ESCAPE_ATTEMPT(unshare_uts, "unshare-uts")
ESCAPE_ATTEMPT(unshare_cgroup, "unshare-cgroup")
ESCAPE_ATTEMPT(unshare_time, "unshare-time")
ESCAPE_ATTEMPT(setns_self, "setns-self")
ESCAPE_ATTEMPT(setns_host_process, "setns-host-process")
ESCAPE_ATTEMPT(host_process_visible, "host-process-visible")
ESCAPE_ATTEMPT(signal_host_process, "signal-host-process")
ESCAPE_ATTEMPT(pidfd_host_process, "pidfd-host-process")
ESCAPE_ATTEMPT(ptrace_host_process, "ptrace-host-process")
ESCAPE_ATTEMPT(read_host_memory, "read-host-memory")
ESCAPE_ATTEMPT(name_to_handle_at, "name-to-handle-at")
ESCAPE_ATTEMPT(open_by_handle_at, "open-by-handle-at")
ESCAPE_ATTEMPT(write_sysrq_trigger, "write-sysrq-trigger")
ESCAPE_ATTEMPT(write_core_pattern, "write-core-pattern")
ESCAPE_ATTEMPT(write_sys_kernel, "write-sys-kernel")
ESCAPE_ATTEMPT(write_release_agent, "write-release-agent")
ESCAPE_ATTEMPT(read_kcore, "read-kcore")
ESCAPE_ATTEMPT(read_dev_mem, "read-dev-mem")
ESCAPE_ATTEMPT(read_kernel_log, "read-kernel-log")
ESCAPE_ATTEMPT(mknod_host_disk, "mknod-host-disk")
ESCAPE_ATTEMPT(mknod_dev_mem, "mknod-dev-mem")
ESCAPE_ATTEMPT(init_module, "init-module")
ESCAPE_ATTEMPT(finit_module, "finit-module")
ESCAPE_ATTEMPT(delete_module, "delete-module")
ESCAPE_ATTEMPT(kexec_load, "kexec-load")
ESCAPE_ATTEMPT(bpf_prog_load, "bpf-prog-load")
ESCAPE_ATTEMPT(bpf_map_create, "bpf-map-create")
ESCAPE_ATTEMPT(io_uring_setup, "io-uring-setup")
ESCAPE_ATTEMPT(perf_event_open, "perf-event-open")
ESCAPE_ATTEMPT(userfaultfd, "userfaultfd")
ESCAPE_ATTEMPT(iopl, "iopl")
ESCAPE_ATTEMPT(keyctl, "keyctl")
ESCAPE_ATTEMPT(add_key, "add-key")
ESCAPE_ATTEMPT(request_key, "request-key")
ESCAPE_ATTEMPT(socket_packet, "socket-packet")
ESCAPE_ATTEMPT(socket_raw_inet, "socket-raw-inet")
ESCAPE_ATTEMPT(socket_netlink_audit, "socket-netlink-audit")
ESCAPE_ATTEMPT(socket_netlink_audit_high_bits, "socket-netlink-audit-high-bits")
ESCAPE_ATTEMPT(socket_vsock, "socket-vsock")
ESCAPE_ATTEMPT(socket_vsock_high_bits, "socket-vsock-high-bits")
ESCAPE_ATTEMPT(socket_vsock_x32, "socket-vsock-x32")
ESCAPE_ATTEMPT(socket_vsock_i386, "socket-vsock-i386")
ESCAPE_ATTEMPT(socket_vsock_i386_socketcall, "socket-vsock-i386-socketcall")
ESCAPE_ATTEMPT(personality_read_implies_exec, "personality-read-implies-exec")
ESCAPE_ATTEMPT(personality_addr_no_randomize, "personality-addr-no-randomize")
ESCAPE_ATTEMPT(personality_linux32_addr_no_randomize, "personality-linux32-addr-no-randomize")
ESCAPE_ATTEMPT(chroot_escape, "chroot-escape")

BOOST_AUTO_TEST_SUITE_END()
