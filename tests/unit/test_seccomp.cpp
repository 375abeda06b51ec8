// seccomp filter building and loading. Filters are loaded only in forked
// children (with no_new_privs), never in the test process.
#include "filtered_child.hpp"
#include "ward/base/error.hpp"
#include "ward/seccomp/filter.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ward;

namespace {

spec::Seccomp allow_all_but(const std::string& name, const std::string& action,
                            std::optional<uint32_t> errno_ret = std::nullopt) {
    spec::Seccomp s;
    s.default_action = "SCMP_ACT_ALLOW";
    s.architectures = {"SCMP_ARCH_X86_64"};
    spec::SeccompSyscall rule;
    rule.names = {name};
    rule.action = action;
    rule.errno_ret = errno_ret;
    s.syscalls.push_back(rule);
    return s;
}

// Runs fn in a child under the filter; returns the child's wait status.
template <typename Fn>
int in_child_with(const seccomp::Filter& filter, Fn fn) {
    return test::wait_status_under(filter, fn);
}

std::string error_of(const spec::Seccomp& s) {
    try {
        seccomp::Filter::build(s);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(seccomp_filter)

BOOST_AUTO_TEST_CASE(errno_action_returns_the_configured_errno) {
    auto filter = seccomp::Filter::build(allow_all_but("getpid", "SCMP_ACT_ERRNO", 42));
    int status = in_child_with(filter, [] {
        long rc = ::syscall(SYS_getpid);
        return rc == -1 && errno == 42 ? 0 : 1;
    });
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
}

BOOST_AUTO_TEST_CASE(errno_defaults_to_eperm) {
    auto filter = seccomp::Filter::build(allow_all_but("getppid", "SCMP_ACT_ERRNO"));
    int status = in_child_with(filter, [] {
        long rc = ::syscall(SYS_getppid);
        return rc == -1 && errno == EPERM ? 0 : 1;
    });
    BOOST_TEST(WEXITSTATUS(status) == 0);
}

BOOST_AUTO_TEST_CASE(kill_process_kills_with_sigsys) {
    auto filter = seccomp::Filter::build(allow_all_but("getppid", "SCMP_ACT_KILL_PROCESS"));
    int status = in_child_with(filter, [] {
        ::syscall(SYS_getppid);
        return 0;
    });
    BOOST_TEST(WIFSIGNALED(status));
    BOOST_TEST(WTERMSIG(status) == SIGSYS);
}

BOOST_AUTO_TEST_CASE(argument_filters_decide_by_value) {
    auto s = allow_all_but("personality", "SCMP_ACT_ERRNO", 1);
    s.syscalls[0].args.push_back({0, 0xffffffff, 0, "SCMP_CMP_NE"});
    auto filter = seccomp::Filter::build(s);
    int status = in_child_with(filter, [] {
        // 0xffffffff queries the persona and is allowed; anything else is denied.
        long query = ::syscall(SYS_personality, 0xffffffffUL);
        long change = ::syscall(SYS_personality, 0x0008UL);
        return query >= 0 && change == -1 && errno == 1 ? 0 : 1;
    });
    BOOST_TEST(WEXITSTATUS(status) == 0);
}

BOOST_AUTO_TEST_CASE(unknown_syscall_names_are_skipped) {
    auto s = allow_all_but("no_such_syscall_at_all", "SCMP_ACT_ERRNO");
    auto filter = seccomp::Filter::build(s);
    BOOST_TEST(filter.rule_count() == 0);
}

BOOST_AUTO_TEST_CASE(bad_values_are_named) {
    BOOST_TEST(error_of(allow_all_but("getpid", "SCMP_ACT_FOO")) ==
               "config.json: linux.seccomp.syscalls[0].action: \"SCMP_ACT_FOO\" is not a "
               "seccomp action");
    auto bad_op = allow_all_but("getpid", "SCMP_ACT_ERRNO");
    bad_op.syscalls[0].args.push_back({0, 1, 0, "SCMP_CMP_ALMOST"});
    BOOST_TEST(error_of(bad_op) == "config.json: linux.seccomp.syscalls[0].args[0].op: "
                                   "\"SCMP_CMP_ALMOST\" is not a seccomp operator");
    auto bad_index = allow_all_but("getpid", "SCMP_ACT_ERRNO");
    bad_index.syscalls[0].args.push_back({6, 1, 0, "SCMP_CMP_EQ"});
    BOOST_TEST(error_of(bad_index).find("args[0].index: 6 is out of range") != std::string::npos);
    auto bad_arch = allow_all_but("getpid", "SCMP_ACT_ERRNO");
    bad_arch.architectures = {"SCMP_ARCH_VAX"};
    BOOST_TEST(error_of(bad_arch) == "config.json: linux.seccomp.architectures[0]: "
                                     "\"SCMP_ARCH_VAX\" is not a seccomp architecture");
    auto bad_flag = allow_all_but("getpid", "SCMP_ACT_ERRNO");
    bad_flag.flags = {"SECCOMP_FILTER_FLAG_FAST"};
    BOOST_TEST(error_of(bad_flag).find("flags[0]: \"SECCOMP_FILTER_FLAG_FAST\" is not") !=
               std::string::npos);
}

// NOTIFY builds, and the filter knows it needs a listener: the init loads
// it early and passes its fd on.
BOOST_AUTO_TEST_CASE(notify_builds_and_is_flagged) {
    auto notify = allow_all_but("getpid", "SCMP_ACT_NOTIFY");
    BOOST_TEST(error_of(notify) == "");
    BOOST_TEST(seccomp::Filter::build(notify).uses_notify());
    BOOST_TEST(!seccomp::Filter::build(allow_all_but("getpid", "SCMP_ACT_ERRNO")).uses_notify());
}

// Flags become seccomp(2) flag bits; the kernel takes WAIT_KILLABLE_RECV
// only with a listener, and TSYNC with a listener only with TSYNC_ESRCH.
BOOST_AUTO_TEST_CASE(flags_become_kernel_flag_bits) {
    auto logged = allow_all_but("getpid", "SCMP_ACT_ERRNO");
    logged.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
    BOOST_TEST(seccomp::Filter::build(logged).kernel_flags() ==
               (SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW));

    auto plain = allow_all_but("getpid", "SCMP_ACT_ERRNO");
    plain.flags = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
    BOOST_TEST(seccomp::Filter::build(plain).kernel_flags() == 0u);

    auto notify = allow_all_but("getpid", "SCMP_ACT_NOTIFY");
    BOOST_TEST(seccomp::Filter::build(notify).kernel_flags() == SECCOMP_FILTER_FLAG_NEW_LISTENER);
    notify.flags = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_TSYNC"};
    unsigned want = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC |
                    SECCOMP_FILTER_FLAG_TSYNC_ESRCH | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    // Kernels before 5.19 lack WAIT_KILLABLE_RECV: then it is dropped.
    auto supported = seccomp::supported_flag_names();
    if (std::count(supported.begin(), supported.end(), "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") ==
        0)
        want &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    BOOST_TEST(seccomp::Filter::build(notify).kernel_flags() == want);
}

// A filter with a listener, loaded with WAIT_KILLABLE_RECV: the load hands
// back the listener fd, and a notified call waits for it.
BOOST_AUTO_TEST_CASE(notify_load_returns_the_listener) {
    auto notify = allow_all_but("getppid", "SCMP_ACT_NOTIFY");
    notify.flags = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
    auto filter = seccomp::Filter::build(notify);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        try {
            UniqueFd listener = filter.load();
            _exit(listener ? 0 : 1);
        } catch (...) {
            _exit(100);
        }
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
}

// `ward features` must not offer what build() refuses: every action it
// lists builds a filter, NOTIFY included now that listeners get their fd.
BOOST_AUTO_TEST_CASE(features_offer_only_what_builds) {
    json::Value section = seccomp::features_section();
    BOOST_TEST(section.find("enabled")->as_bool());
    std::vector<std::string> actions;
    for (const auto& a : section.find("actions")->as_array())
        actions.push_back(a.as_string());
    BOOST_TEST(std::count(actions.begin(), actions.end(), "SCMP_ACT_NOTIFY") == 1);
    for (const auto& action : actions)
        BOOST_TEST(error_of(allow_all_but("getpid", action)) == "", action);
    for (const auto& flag : section.find("supportedFlags")->as_array()) {
        auto s = allow_all_but("getpid", "SCMP_ACT_ERRNO");
        s.flags = {flag.as_string()};
        BOOST_TEST(error_of(s) == "", flag.as_string());
    }
}

BOOST_AUTO_TEST_SUITE_END()
