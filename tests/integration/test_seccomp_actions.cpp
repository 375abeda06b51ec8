// OCI linux.seccomp actions and argument filters, seen from inside real
// containers: the checker makes a raw syscall and reports its result, or the
// container dies of the filter and `run` reports how.
#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>

using namespace ward_it;
namespace utf = boost::unit_test;

namespace {

// A filter that allows everything but `rules`.
Json allow_all_but(const std::vector<Json>& rules) {
    Json s = Json::object();
    s["defaultAction"] = "SCMP_ACT_ALLOW";
    Json list = Json::array();
    for (const auto& r : rules)
        list.push(r);
    s["syscalls"] = list;
    return s;
}

Json rule(const std::string& name, const std::string& action) {
    Json r = Json::object();
    r["names"] = Json::strings({name});
    r["action"] = action;
    return r;
}

Json arg(unsigned index, unsigned long value, const std::string& op) {
    Json a = Json::object();
    a["index"] = static_cast<long long>(index);
    a["value"] = static_cast<long long>(value);
    a["op"] = op;
    return a;
}

Result run_with(const Json& seccomp, const std::vector<std::string>& args) {
    Bundle b;
    b.config["linux"]["seccomp"] = seccomp;
    b.set_args(args);
    return b.run(b.new_id("sc"));
}

std::string checker_syscall(long nr, const std::vector<std::string>& args = {}) {
    std::string cmd = "/checker syscall " + std::to_string(nr);
    for (const auto& a : args)
        cmd += " " + a;
    return cmd;
}

} // namespace

BOOST_AUTO_TEST_SUITE(seccomp_actions)

BOOST_AUTO_TEST_CASE(errno_action_returns_the_configured_errno) {
    Json r = rule("getppid", "SCMP_ACT_ERRNO");
    r["errnoRet"] = 13; // EACCES
    Result out = run_with(allow_all_but({r}), {"/bin/sh", "-c", checker_syscall(SYS_getppid)});
    BOOST_TEST_REQUIRE(out.status == 0, "stderr: " << out.err);
    BOOST_TEST(value_of(out.out, "syscall " + std::to_string(SYS_getppid)) == "error EACCES",
               out.out);
}

BOOST_AUTO_TEST_CASE(kill_process_ends_the_container_with_sigsys) {
    Result out = run_with(allow_all_but({rule("getppid", "SCMP_ACT_KILL_PROCESS")}),
                          {"/checker", "syscall", std::to_string(SYS_getppid)});
    BOOST_TEST(out.status == 128 + SIGSYS, "stderr: " << out.err);
}

BOOST_AUTO_TEST_CASE(trap_sends_sigsys) {
    Result out = run_with(allow_all_but({rule("getppid", "SCMP_ACT_TRAP")}),
                          {"/checker", "syscall", std::to_string(SYS_getppid)});
    BOOST_TEST(out.status == 128 + SIGSYS, "stderr: " << out.err);
}

// personality is refused unless its argument is the one allowed value.
BOOST_AUTO_TEST_CASE(an_argument_filter_decides_by_the_argument) {
    Json deny = rule("personality", "SCMP_ACT_ERRNO");
    deny["errnoRet"] = 1;
    deny["args"] = Json::array({arg(0, PER_LINUX, "SCMP_CMP_NE")});
    std::string nr = std::to_string(SYS_personality);
    Result out =
        run_with(allow_all_but({deny}), {"/bin/sh", "-c",
                                         checker_syscall(SYS_personality, {"0"}) + "; " +
                                             checker_syscall(SYS_personality, {"0x0040000"})});
    BOOST_TEST_REQUIRE(out.status == 0, "stderr: " << out.err);
    std::vector<std::string> lines = values_of(out.out, "syscall " + nr);
    BOOST_TEST_REQUIRE(lines.size() == 2u, out.out);
    BOOST_TEST(lines[0].rfind("ok", 0) == 0, lines[0]);
    BOOST_TEST(lines[1] == "error EPERM");
}

// socket() filtered by address family: AF_UNIX allowed, AF_INET refused.
BOOST_AUTO_TEST_CASE(socket_is_filtered_by_family) {
    Json deny = rule("socket", "SCMP_ACT_ERRNO");
    deny["errnoRet"] = 97; // EAFNOSUPPORT
    deny["args"] = Json::array({arg(0, AF_INET, "SCMP_CMP_EQ")});
    std::string nr = std::to_string(SYS_socket);
    Result out = run_with(allow_all_but({deny}),
                          {"/bin/sh", "-c",
                           checker_syscall(SYS_socket, {std::to_string(AF_UNIX), "1", "0"}) + "; " +
                               checker_syscall(SYS_socket, {std::to_string(AF_INET), "1", "0"})});
    BOOST_TEST_REQUIRE(out.status == 0, "stderr: " << out.err);
    std::vector<std::string> lines = values_of(out.out, "syscall " + nr);
    BOOST_TEST_REQUIRE(lines.size() == 2u, out.out);
    BOOST_TEST(lines[0].rfind("ok", 0) == 0, lines[0]);
    BOOST_TEST(lines[1] == "error EAFNOSUPPORT");
}

BOOST_AUTO_TEST_SUITE_END()
