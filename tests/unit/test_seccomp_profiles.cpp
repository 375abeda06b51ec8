// The built-in profiles: embedded, valid for spec's parser, buildable, and
// doing what seccomp-profiles/README.md promises (checked in forked
// children that load them; the test process itself stays unfiltered).
#include "filtered_child.hpp"
#include "ward/base/error.hpp"
#include "ward/json/json.hpp"
#include "ward/seccomp/filter.hpp"
#include "ward/seccomp/profiles.hpp"
#include "ward/spec/parse.hpp"

#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ward;

namespace {

// Runs fn in a child under the named profile; returns fn's exit code
// (100 when loading failed, 200+signal when the child was killed).
template <typename Fn>
int under_profile(const std::string& name, Fn fn) {
    return test::exit_code_under(seccomp::Filter::build(seccomp::builtin_profile_spec(name)), fn);
}

// 0 when the raw syscall fails with want, else 1.
int fails_with(long rc, int want) {
    return rc == -1 && errno == want ? 0 : 1;
}

// An i386 system call from this 64-bit process (int 0x80): what an i386
// binary would make. Returns the raw result (-errno on failure).
long i386_syscall(long nr, long a, long b, long c) {
    long ret;
    asm volatile("int $0x80"
                 : "=a"(ret)
                 : "a"(nr), "b"(a), "c"(b), "d"(c)
                 : "memory", "r8", "r9", "r10", "r11");
    return ret;
}

// Whether this kernel runs i386 system calls at all: with IA32 emulation
// off (ia32_emulation=0, or built without it) int 0x80 raises SIGSEGV
// before any filter sees it, so there is nothing for a profile to kill.
boost::test_tools::assertion_result kernel_runs_i386_calls(boost::unit_test::test_unit_id) {
    pid_t pid = ::fork();
    if (pid == 0)
        _exit(i386_syscall(20, 0, 0, 0) == ::getpid() ? 0 : 1); // getpid
    int status = 0;
    ::waitpid(pid, &status, 0);
    boost::test_tools::assertion_result ok(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (!ok)
        ok.message() << "this kernel does not run i386 system calls (IA32 emulation off: "
                        "int 0x80 ends the process), so no filter can see one";
    return ok;
}

constexpr long kI386Socketcall = 102, kI386Socket = 359, kSysSocket = 1;
constexpr int kAfVsock = 40, kNetlinkAudit = 9;

// socketcall(SYS_SOCKET, {family, SOCK_STREAM, 0}) on i386; its argument
// block must sit below 4 GiB.
long i386_socketcall_socket(int family) {
    void* low = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (low == MAP_FAILED)
        return -ENOMEM;
    auto* args = static_cast<unsigned*>(low);
    args[0] = static_cast<unsigned>(family);
    args[1] = SOCK_STREAM;
    args[2] = 0;
    return i386_syscall(kI386Socketcall, kSysSocket, reinterpret_cast<long>(args), 0);
}

// 0 when a socket of this kind opens under the filter (the kernel may
// still refuse a family it lacks, but never with ENOSYS or EPERM).
int opens(long family, int type, long protocol) {
    long fd = ::syscall(SYS_socket, family, type, protocol);
    if (fd >= 0) {
        ::close(static_cast<int>(fd));
        return 0;
    }
    return errno == ENOSYS || errno == EPERM ? 1 : 0;
}

void* thread_main(void* arg) {
    *static_cast<int*>(arg) = 1;
    return nullptr;
}

} // namespace

BOOST_AUTO_TEST_SUITE(seccomp_profiles)

BOOST_AUTO_TEST_CASE(both_profiles_are_built_in) {
    BOOST_TEST(seccomp::builtin_profile_names() ==
                   std::vector<std::string>({"compat", "default-deny"}),
               boost::test_tools::per_element());
    BOOST_TEST(seccomp::builtin_profile("default-deny").has_value());
    BOOST_TEST(!seccomp::builtin_profile("nope").has_value());
    BOOST_TEST(seccomp::builtin_profile("default-deny")->find("\"defaultErrnoRet\": 38") !=
               std::string_view::npos);
}

// The section a policy fill builds from the build's tables is the one
// spec's parser makes of the shipped JSON, field for field (compared as
// the config.json text each would be written as, which shows every field).
BOOST_AUTO_TEST_CASE(profile_tables_equal_a_parse_of_the_json) {
    for (const auto& name : seccomp::builtin_profile_names()) {
        auto as_config = [](spec::Seccomp section) {
            spec::Spec s;
            s.linux = spec::Linux{};
            s.linux->seccomp = std::move(section);
            return json::serialize(spec::spec_to_json(s), json::Style::pretty);
        };
        spec::Seccomp tables = seccomp::builtin_profile_spec(name);
        spec::Seccomp parsed = seccomp::parse_builtin_profile(name);
        BOOST_TEST(tables.builtin_profile == name);
        BOOST_TEST(parsed.builtin_profile == name);
        BOOST_TEST(tables.syscalls.size() == parsed.syscalls.size(), name);
        BOOST_TEST(tables.syscalls.size() > 10u, name);
        BOOST_TEST(as_config(tables) == as_config(parsed), name);
    }
}

BOOST_AUTO_TEST_CASE(each_profile_parses_and_builds) {
    for (const auto& name : seccomp::builtin_profile_names()) {
        spec::Seccomp s = seccomp::builtin_profile_spec(name);
        BOOST_TEST(s.default_action == "SCMP_ACT_ERRNO", name);
        BOOST_TEST(s.default_errno_ret.value_or(0) == 38u, name);
        auto filter = seccomp::Filter::build(s);
        BOOST_TEST(filter.rule_count() > 200, name << ": " << filter.rule_count() << " rules");
    }
}

// The program compiled at build time is the one libseccomp makes now from
// the same profile, instruction for instruction: loading it instead of
// compiling changes nothing but the time it takes.
BOOST_AUTO_TEST_CASE(precompiled_programs_equal_a_fresh_compile) {
    for (const auto& name : seccomp::builtin_profile_names()) {
        spec::Seccomp s = seccomp::builtin_profile_spec(name);
        BOOST_TEST(s.builtin_profile == name);
        auto precompiled = seccomp::Filter::build(s);
        BOOST_TEST(precompiled.precompiled(), name);
        auto fresh = seccomp::Filter::compile(s);
        BOOST_TEST(!fresh.precompiled(), name);
        BOOST_TEST(precompiled.rule_count() == fresh.rule_count(), name);
        BOOST_TEST(precompiled.kernel_flags() == fresh.kernel_flags(), name);
        const auto& a = precompiled.program();
        const auto& b = fresh.program();
        BOOST_TEST_REQUIRE(a.size() == b.size(), name);
        for (size_t i = 0; i < a.size(); ++i) {
            bool same = a[i].code == b[i].code && a[i].jt == b[i].jt && a[i].jf == b[i].jf &&
                        a[i].k == b[i].k;
            BOOST_TEST(same, name << ": instruction " << i);
        }
        // A section the config brought itself (no built-in name) is compiled.
        s.builtin_profile.clear();
        BOOST_TEST(!seccomp::Filter::build(s).precompiled(), name);
    }
}

BOOST_AUTO_TEST_CASE(unknown_profile_names_the_known_ones) {
    try {
        seccomp::builtin_profile_spec("strict");
        BOOST_FAIL("no error");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) == "seccomp profile \"strict\" is not built in (built "
                                            "in: compat, default-deny)");
    }
}

BOOST_AUTO_TEST_CASE(default_deny_allows_ordinary_calls_and_threads) {
    BOOST_TEST(under_profile("default-deny", [] {
                   int ran = 0;
                   pthread_t t; // clone3 gets ENOSYS: glibc must fall back to clone
                   if (pthread_create(&t, nullptr, thread_main, &ran) != 0)
                       return 2;
                   pthread_join(t, nullptr);
                   pid_t child = ::fork();
                   if (child == 0)
                       _exit(7);
                   int status = 0;
                   ::waitpid(child, &status, 0);
                   return ran == 1 && WEXITSTATUS(status) == 7 && ::getpid() > 0 ? 0 : 3;
               }) == 0);
}

BOOST_AUTO_TEST_CASE(default_deny_denies_with_eperm_and_unknown_with_enosys) {
    BOOST_TEST(under_profile("default-deny", [] {
                   return fails_with(::syscall(SYS_unshare, CLONE_NEWUSER), EPERM) |
                          fails_with(::syscall(SYS_mount, "x", "/", "tmpfs", 0, nullptr), EPERM) |
                          fails_with(::syscall(SYS_bpf, 0, nullptr, 0), EPERM) |
                          fails_with(::syscall(SYS_clone3, nullptr, 0), ENOSYS) |
                          fails_with(::syscall(1000), ENOSYS);
               }) == 0);
}

BOOST_AUTO_TEST_CASE(default_deny_filters_clone_and_personality_by_argument) {
    BOOST_TEST(under_profile("default-deny", [] {
                   // Namespace flags are refused; the child of a plain clone exits at once.
                   int bad =
                       fails_with(::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0), EPERM);
                   long pid = ::syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
                   if (pid == 0)
                       _exit(0);
                   if (pid < 0)
                       return 4;
                   ::waitpid(static_cast<pid_t>(pid), nullptr, 0);
                   long query = ::syscall(SYS_personality, 0xffffffffUL);
                   long linux32 = ::syscall(SYS_personality, 0x0008UL);
                   bad |= query < 0 || linux32 < 0;
                   bad |= fails_with(::syscall(SYS_personality, 0x0040000UL), ENOSYS);
                   return bad;
               }) == 0);
}

BOOST_AUTO_TEST_CASE(compat_allows_what_default_deny_refuses_but_not_the_escapes) {
    BOOST_TEST(under_profile("compat", [] {
                   // KCMP_VM (1) of a process with itself: 0 where the filter lets it by.
                   int bad =
                       ::syscall(SYS_kcmp, ::getpid(), ::getpid(), 1, 0, 0) < 0 && errno == EPERM;
                   bad |= fails_with(::syscall(SYS_unshare, CLONE_NEWUSER), EPERM);
                   bad |= fails_with(::syscall(SYS_open_by_handle_at, -1, nullptr, 0), EPERM);
                   return bad;
               }) == 0);
}

// AF_VSOCK and NETLINK_AUDIT are refused by the low 32 bits of the
// argument (what the kernel reads), so high bits do not slip a refused
// value past the filter; the families a service uses still open.
BOOST_AUTO_TEST_CASE(both_profiles_refuse_vsock_and_netlink_audit) {
    for (const auto& name : seccomp::builtin_profile_names()) {
        int bad = under_profile(name, [] {
            const long high = 1L << 32;
            int r = fails_with(::syscall(SYS_socket, kAfVsock, SOCK_STREAM, 0), ENOSYS);
            r |= fails_with(::syscall(SYS_socket, high | kAfVsock, SOCK_STREAM, 0), ENOSYS) << 1;
            r |= fails_with(::syscall(SYS_socket, AF_NETLINK, SOCK_RAW, kNetlinkAudit),
                            EPROTONOSUPPORT)
                 << 2;
            r |= fails_with(::syscall(SYS_socket, AF_NETLINK, SOCK_RAW, high | kNetlinkAudit),
                            EPROTONOSUPPORT)
                 << 3;
            r |= opens(AF_UNIX, SOCK_STREAM, 0) << 4;
            r |= opens(AF_INET, SOCK_DGRAM, 0) << 5;
            r |= opens(AF_INET6, SOCK_DGRAM, 0) << 6;
            r |= opens(AF_NETLINK, SOCK_RAW, 0) << 7;    // NETLINK_ROUTE
            r |= opens(AF_NETLINK, SOCK_DGRAM, 15) << 8; // NETLINK_KOBJECT_UEVENT (udev)
            r |= fails_with(::syscall(SYS_socket, 46, SOCK_STREAM, 0), ENOSYS) << 9; // past AF_MCTP
            return r;
        });
        BOOST_TEST(bad == 0, name << ": failed checks (bit mask) " << bad);
    }
}

// Neither profile names a 32-bit x86 architecture: socketcall(2) hides
// socket's arguments from any filter, so an i386 call is killed rather
// than let AF_VSOCK through (the direct i386 socket(2) too).
BOOST_AUTO_TEST_CASE(both_profiles_kill_i386_system_calls,
                     *boost::unit_test::precondition(kernel_runs_i386_calls)) {
    for (const auto& name : seccomp::builtin_profile_names()) {
        BOOST_TEST(under_profile(name,
                                 [] {
                                     i386_socketcall_socket(kAfVsock);
                                     return 0;
                                 }) == 200 + SIGSYS,
                   name);
        BOOST_TEST(under_profile(name,
                                 [] {
                                     i386_syscall(kI386Socket, AF_INET, SOCK_DGRAM, 0);
                                     return 0;
                                 }) == 200 + SIGSYS,
                   name);
        BOOST_TEST(under_profile(name,
                                 [] {
                                     i386_syscall(20, 0, 0, 0); // getpid
                                     return 0;
                                 }) == 200 + SIGSYS,
                   name);
    }
}

BOOST_AUTO_TEST_SUITE_END()
