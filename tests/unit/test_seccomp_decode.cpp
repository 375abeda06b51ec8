// Decoding seccomp programs (seccomp/analysis.hpp): programs libseccomp
// compiles from known profiles decode to exactly those profiles' syscalls,
// argument tests make a syscall conditional, stacked filters combine as the
// kernel combines them, and programs the kernel refuses are refused.
#include "ward/base/error.hpp"
#include "ward/seccomp/analysis.hpp"
#include "ward/seccomp/filter.hpp"
#include "ward/seccomp/profiles.hpp"

#include <boost/test/unit_test.hpp>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <ostream>
#include <seccomp.h>
#include <set>
#include <sys/socket.h>

namespace ward::seccomp {
// For Boost.Test's messages.
std::ostream& operator<<(std::ostream& out, Outcome outcome) {
    return out << outcome_name(outcome);
}
} // namespace ward::seccomp

using namespace ward;
using seccomp::Outcome;

namespace {

spec::SeccompSyscall rule(std::vector<std::string> names, std::string action,
                          std::vector<spec::SeccompArg> args = {},
                          std::optional<uint32_t> errno_ret = std::nullopt) {
    spec::SeccompSyscall r;
    r.names = std::move(names);
    r.action = std::move(action);
    r.args = std::move(args);
    r.errno_ret = errno_ret;
    return r;
}

spec::Seccomp profile(std::string default_action, std::vector<std::string> arches,
                      std::vector<spec::SeccompSyscall> rules,
                      std::optional<uint32_t> default_errno = std::nullopt) {
    spec::Seccomp s;
    s.default_action = std::move(default_action);
    s.default_errno_ret = default_errno;
    s.architectures = std::move(arches);
    s.syscalls = std::move(rules);
    return s;
}

const seccomp::SyscallVerdict& verdict(const seccomp::Decoded& d, std::string_view arch,
                                       std::string_view name) {
    const auto* a = d.find(arch);
    BOOST_TEST_REQUIRE(a != nullptr, arch << " is not let through");
    for (const auto& v : a->syscalls)
        if (v.name == name)
            return v;
    BOOST_FAIL(std::string(name) + " has no verdict on " + std::string(arch));
    throw;
}

bool resolves_on(uint32_t arch, const std::string& name) {
    return seccomp_syscall_resolve_name_arch(arch, name.c_str()) >= 0;
}

std::vector<std::vector<sock_filter>> compiled(const std::vector<spec::Seccomp>& profiles) {
    std::vector<std::vector<sock_filter>> out;
    for (const auto& p : profiles) {
        auto filter = seccomp::Filter::compile(p);
        out.emplace_back(filter.program().begin(), filter.program().end());
    }
    return out;
}

std::string decode_error(std::vector<sock_filter> program) {
    try {
        seccomp::decode(program);
    } catch (const Error& e) {
        return e.what();
    }
    return "(accepted)";
}

} // namespace

BOOST_AUTO_TEST_SUITE(seccomp_decode)

// Every name a built-in profile allows on x86_64, and nothing else; the
// ones it allows only for some arguments are the conditional ones.
BOOST_AUTO_TEST_CASE(builtin_profiles_decode_to_their_own_syscalls) {
    for (const auto& name : seccomp::builtin_profile_names()) {
        BOOST_TEST_CONTEXT("profile " << name) {
            spec::Seccomp p = seccomp::builtin_profile_spec(name);
            std::set<std::string> always, sometimes;
            for (const auto& r : p.syscalls)
                for (const auto& n : r.names)
                    if (r.action == "SCMP_ACT_ALLOW" && resolves_on(SCMP_ARCH_X86_64, n))
                        (r.args.empty() ? always : sometimes).insert(n);
            for (const auto& n : always)
                sometimes.erase(n);
            auto decoded = seccomp::analyse(p);
            std::set<std::string> want_any = always;
            want_any.insert(sometimes.begin(), sometimes.end());
            BOOST_TEST(decoded.allowed("SCMP_ARCH_X86_64", false) == always,
                       boost::test_tools::per_element());
            BOOST_TEST(decoded.allowed("SCMP_ARCH_X86_64", true) == want_any,
                       boost::test_tools::per_element());
            for (const auto& n : sometimes)
                BOOST_TEST(verdict(decoded, "SCMP_ARCH_X86_64", n).outcome == Outcome::conditional);
            // Neither x32 nor i386 (seccomp-profiles/README.md).
            BOOST_TEST(decoded.find("SCMP_ARCH_X32") == nullptr);
            BOOST_TEST(decoded.find("SCMP_ARCH_X86") == nullptr);
            BOOST_TEST(decoded.find("SCMP_ARCH_X86_64")->default_action == "SCMP_ACT_ERRNO(38)");
            BOOST_TEST(verdict(decoded, "SCMP_ARCH_X86_64", "clone3").actions ==
                       std::vector<std::string>{"SCMP_ACT_ERRNO(38)"});
            BOOST_TEST(verdict(decoded, "SCMP_ARCH_X86_64", "mount").actions ==
                       std::vector<std::string>{"SCMP_ACT_ERRNO(1)"});
        }
    }
}

BOOST_AUTO_TEST_CASE(argument_tests_make_a_syscall_conditional) {
    spec::SeccompArg unix_only{0, AF_UNIX, 0, "SCMP_CMP_EQ"};
    spec::SeccompArg linux32{0, 0xffff, 8, "SCMP_CMP_MASKED_EQ"};
    auto d = seccomp::analyse(
        profile("SCMP_ACT_ERRNO", {"SCMP_ARCH_X86_64"},
                {rule({"read"}, "SCMP_ACT_ALLOW"), rule({"socket"}, "SCMP_ACT_ALLOW", {unix_only}),
                 rule({"personality"}, "SCMP_ACT_ALLOW", {linux32})}));
    const auto& socket = verdict(d, "SCMP_ARCH_X86_64", "socket");
    BOOST_TEST(seccomp::outcome_name(socket.outcome) == "conditional");
    BOOST_TEST(socket.actions == (std::vector<std::string>{"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO(1)"}),
               boost::test_tools::per_element());
    BOOST_TEST(verdict(d, "SCMP_ARCH_X86_64", "personality").outcome == Outcome::conditional);
    BOOST_TEST(verdict(d, "SCMP_ARCH_X86_64", "read").outcome == Outcome::allow);
    BOOST_TEST(verdict(d, "SCMP_ARCH_X86_64", "write").outcome == Outcome::deny);
    BOOST_TEST(d.allowed("SCMP_ARCH_X86_64", false) == std::set<std::string>{"read"},
               boost::test_tools::per_element());
}

// Tests that together cover every value are not "conditional": the decoder
// remembers what each branch learnt, so the impossible path is not taken.
BOOST_AUTO_TEST_CASE(complementary_argument_tests_allow_outright) {
    spec::SeccompArg eq{0, 5, 0, "SCMP_CMP_EQ"};
    spec::SeccompArg ne{0, 5, 0, "SCMP_CMP_NE"};
    auto d = seccomp::analyse(
        profile("SCMP_ACT_ERRNO", {"SCMP_ARCH_X86_64"},
                {rule({"dup"}, "SCMP_ACT_ALLOW", {eq}), rule({"dup"}, "SCMP_ACT_ALLOW", {ne})}));
    BOOST_TEST(verdict(d, "SCMP_ARCH_X86_64", "dup").outcome == Outcome::allow);
}

// The same test twice: the second's true branch is impossible after the
// first's false one, so only ALLOW is reachable (without the remembered
// "!= 5" the decoder would report the TRAP too).
BOOST_AUTO_TEST_CASE(a_branch_ruled_out_earlier_is_not_taken) {
    std::vector<sock_filter> program = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 16),       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 16),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 1), // never true here
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),  BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 9, 0, 3),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 9, 0, 1), // > 9 implies >= 9
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_LOG),
    };
    auto d = seccomp::decode(program);
    BOOST_TEST(verdict(d, "SCMP_ARCH_X86_64", "read").actions ==
                   (std::vector<std::string>{"SCMP_ACT_ALLOW", "SCMP_ACT_LOG"}),
               boost::test_tools::per_element());
    BOOST_TEST(verdict(d, "SCMP_ARCH_X86_64", "read").outcome == Outcome::allow);
}

BOOST_AUTO_TEST_CASE(every_architecture_of_a_profile_is_decoded) {
    auto d = seccomp::analyse(profile("SCMP_ACT_ERRNO",
                                      {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_AARCH64"},
                                      {rule({"read", "openat"}, "SCMP_ACT_ALLOW")}, 38));
    std::set<std::string> want{"openat", "read"};
    for (const char* arch : {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_AARCH64"})
        BOOST_TEST(d.allowed(arch) == want, arch);
    BOOST_TEST(d.find("SCMP_ARCH_AARCH64")->audit_arch == AUDIT_ARCH_AARCH64);
    BOOST_TEST(verdict(d, "SCMP_ARCH_X86", "read").nr == 3u);
    BOOST_TEST(verdict(d, "SCMP_ARCH_AARCH64", "read").nr == 63u);
    // x32 shares x86_64's AUDIT_ARCH; the profile does not list it.
    BOOST_TEST(d.find("SCMP_ARCH_X32") == nullptr);
    BOOST_TEST(d.find("SCMP_ARCH_S390X") == nullptr);
    BOOST_TEST(d.arches.size() == 3u);
    BOOST_TEST(d.other_arch_action == "SCMP_ACT_KILL_THREAD"); // libseccomp's bad-arch default
}

// The kernel runs every filter and keeps the most restrictive action; on a
// tie the newest filter's data wins.
BOOST_AUTO_TEST_CASE(stacked_filters_take_the_most_restrictive_action) {
    auto older =
        profile("SCMP_ACT_ALLOW", {"SCMP_ARCH_X86_64"},
                {rule({"getpid"}, "SCMP_ACT_ERRNO", {}, 5), rule({"write"}, "SCMP_ACT_LOG"),
                 rule({"read"}, "SCMP_ACT_ERRNO", {}, 9)});
    auto newer =
        profile("SCMP_ACT_ALLOW", {"SCMP_ARCH_X86_64"},
                {rule({"getpid"}, "SCMP_ACT_ERRNO", {}, 7), rule({"read"}, "SCMP_ACT_TRAP"),
                 rule({"mkdir"}, "SCMP_ACT_KILL_PROCESS")});
    auto d = seccomp::decode_stack(compiled({older, newer}));
    auto actions = [&](const char* name) { return verdict(d, "SCMP_ARCH_X86_64", name).actions; };
    using V = std::vector<std::string>;
    BOOST_TEST(actions("getpid") == V{"SCMP_ACT_ERRNO(7)"}, boost::test_tools::per_element());
    BOOST_TEST(actions("write") == V{"SCMP_ACT_LOG"}, boost::test_tools::per_element());
    BOOST_TEST(verdict(d, "SCMP_ARCH_X86_64", "write").outcome == Outcome::allow);
    BOOST_TEST(actions("read") == V{"SCMP_ACT_TRAP"}, boost::test_tools::per_element());
    BOOST_TEST(actions("mkdir") == V{"SCMP_ACT_KILL_PROCESS"}, boost::test_tools::per_element());
    BOOST_TEST(actions("close") == V{"SCMP_ACT_ALLOW"}, boost::test_tools::per_element());
    // Either filter alone differs: the combination is not just one of them.
    auto alone = seccomp::decode_stack(compiled({older}));
    BOOST_TEST(verdict(alone, "SCMP_ARCH_X86_64", "read").actions == V{"SCMP_ACT_ERRNO(9)"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(programs_the_kernel_refuses_are_refused) {
    const sock_filter ret_allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    const sock_filter load_nr = BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0);
    // A "backward" jump: classic BPF offsets are unsigned, so it runs off the end.
    std::string e = decode_error({load_nr, BPF_STMT(BPF_JMP | BPF_JA, 0xfffffffe), ret_allow});
    BOOST_TEST(e.find("instruction 1") != std::string::npos, e);
    BOOST_TEST(e.find("jumps past the end") != std::string::npos, e);
    e = decode_error({load_nr, BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 5, 0), ret_allow});
    BOOST_TEST(e.find("instruction 1") != std::string::npos, e);
    e = decode_error({BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), ret_allow});
    BOOST_TEST(e.find("instruction 0") != std::string::npos, e);
    BOOST_TEST(e.find("outside seccomp_data") != std::string::npos, e);
    e = decode_error({BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 6), ret_allow});
    BOOST_TEST(e.find("outside seccomp_data") != std::string::npos, e);
    e = decode_error({ret_allow, load_nr});
    BOOST_TEST(e.find("does not end in a return") != std::string::npos, e);
    e = decode_error({BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), ret_allow});
    BOOST_TEST(e.find("not an instruction seccomp filters may use") != std::string::npos, e);
    e = decode_error({BPF_STMT(BPF_LD | BPF_MEM, 3), ret_allow});
    BOOST_TEST(e.find("before it is written") != std::string::npos, e);
    e = decode_error({});
    BOOST_TEST(e.find("no instructions") != std::string::npos, e);
    BOOST_TEST(decode_error({load_nr, ret_allow}) == "(accepted)");
}

// Every jump tests a computed value, so each of 4000 doubles the paths:
// without the step limit one decode would run for hours.
BOOST_AUTO_TEST_CASE(hostile_programs_stop_at_the_step_limit) {
    std::vector<sock_filter> program = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 16), // first argument, low half
        BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 3), // unknown, and no longer a word of seccomp_data
    };
    for (uint32_t i = 0; i < 4000; ++i)
        program.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, i, 0, 0));
    program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    std::string e = decode_error(program);
    BOOST_TEST(e.find("analysis stopped at the decoder's step limit (8388608 steps") !=
                   std::string::npos,
               e);
}

// A hand-written program: arch check, then `nr == getpid` → ERRNO(3), the
// argument test on write's fd, everything else allowed.
BOOST_AUTO_TEST_CASE(hand_written_programs_decode) {
    std::vector<sock_filter> program = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1), // getpid
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 3),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 3), // write
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 16),       // fd, low half
        BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 2, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    auto d = seccomp::decode(program);
    BOOST_TEST(d.arches.size() == 2u); // x86_64 and x32 (same AUDIT_ARCH)
    BOOST_TEST(d.other_arch_action == "SCMP_ACT_KILL_PROCESS");
    BOOST_TEST(verdict(d, "SCMP_ARCH_X86_64", "getpid").actions ==
               std::vector<std::string>{"SCMP_ACT_ERRNO(3)"});
    BOOST_TEST(verdict(d, "SCMP_ARCH_X86_64", "write").outcome == Outcome::conditional);
    BOOST_TEST(verdict(d, "SCMP_ARCH_X86_64", "read").outcome == Outcome::allow);
    BOOST_TEST(d.find("SCMP_ARCH_X86_64")->default_action == "SCMP_ACT_ALLOW");
}

BOOST_AUTO_TEST_CASE(dangerous_syscalls_allowed_are_found) {
    std::set<std::string> table;
    for (const auto& entry : seccomp::dangerous_syscalls()) {
        BOOST_TEST(!entry.why.empty(), entry.name);
        table.insert(std::string(entry.name));
    }
    for (const char* name : {"clone", "clone3", "unshare", "setns", "mount", "umount2", "bpf",
                             "keyctl", "ptrace", "io_uring_setup", "open_by_handle_at",
                             "personality", "userfaultfd", "kexec_load", "init_module", "chroot"})
        BOOST_TEST(table.count(name) == 1u, name);
    auto d = seccomp::analyse(profile("SCMP_ACT_ERRNO", {"SCMP_ARCH_X86_64"},
                                      {rule({"read", "mount", "bpf", "write"}, "SCMP_ACT_ALLOW")}));
    std::set<std::string> found;
    for (const auto& name : d.allowed("SCMP_ARCH_X86_64"))
        if (table.count(name))
            found.insert(name);
    BOOST_TEST(found == (std::set<std::string>{"bpf", "mount"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(diff_lists_what_one_side_allows) {
    auto a = seccomp::analyse(profile("SCMP_ACT_ERRNO", {"SCMP_ARCH_X86_64"},
                                      {rule({"read", "write", "mount"}, "SCMP_ACT_ALLOW"),
                                       rule({"kill"}, "SCMP_ACT_ERRNO", {}, 5)}));
    auto b = seccomp::analyse(
        profile("SCMP_ACT_ERRNO", {"SCMP_ARCH_X86_64"},
                {rule({"read", "getpid"}, "SCMP_ACT_ALLOW"),
                 rule({"write"}, "SCMP_ACT_ALLOW", {spec::SeccompArg{0, 1, 0, "SCMP_CMP_EQ"}})},
                38));
    auto diffs = seccomp::diff(a, b);
    BOOST_TEST_REQUIRE(diffs.size() == 1u);
    const auto& x = diffs.front();
    BOOST_TEST(x.arch == "SCMP_ARCH_X86_64");
    BOOST_TEST_REQUIRE(x.only_a.size() == 1u);
    BOOST_TEST(x.only_a[0].name == "mount");
    BOOST_TEST_REQUIRE(x.only_b.size() == 1u);
    BOOST_TEST(x.only_b[0].name == "getpid");
    BOOST_TEST_REQUIRE(x.changed.size() == 1u);
    BOOST_TEST(x.changed[0].name == "write");
    // Both deny kill, A with its own errno; the rest both deny by default.
    BOOST_TEST_REQUIRE(x.denied_differently.size() == 1u);
    BOOST_TEST(x.denied_differently[0].name == "kill");
    BOOST_TEST(x.default_differs);
    BOOST_TEST(x.b_default == "SCMP_ACT_ERRNO(38)");
    auto json = seccomp::to_json(a);
    BOOST_TEST(json.find("architectures")->as_array().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
