// A config's own seccomp profile as written (compat policy, nothing
// filled): ward must get from loading it to the container's program with
// the few syscalls docs/architecture.md lists ("Syscalls ward makes after
// loading a config's filter"). The lists are read from that file, so a
// call ward makes and the docs leave out fails these tests; a profile that
// allows only them plus what the checker needs runs, for `run` and `exec`,
// with no_new_privs and without. A built-in profile minus close_range, with
// EPERM as its default (as recorded and older profiles have it), runs too.
#include "integration/harness.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <sstream>

using namespace ward_it;

namespace {

// What the static checker itself calls for `status` and `sleep` (strace
// of build/checker on the host), execve excluded: that one is ward's.
const std::vector<std::string> kCheckerNeeds = {
    "arch_prctl", "brk",      "close",     "exit_group",      "getcwd",          "getegid",
    "geteuid",    "getgid",   "getgroups", "getpid",          "getppid",         "getrandom",
    "getuid",     "ioctl",    "mprotect",  "newfstatat",      "openat",          "prlimit64",
    "read",       "readlink", "rseq",      "set_robust_list", "set_tid_address", "statfs",
    "umask",      "uname",    "write",     "clock_nanosleep", "nanosleep",       "fstat",
    "mmap",       "munmap",   "lseek"};

// The syscalls in backquotes on the docs' bullet that starts with
// "- after-load <which>" (it may continue on indented lines).
std::vector<std::string> documented_after_load(const std::string& which) {
    std::string docs = slurp("docs/architecture.md");
    BOOST_TEST_REQUIRE(!docs.empty(), "docs/architecture.md (run from the source)");
    const std::string marker = "- after-load " + which + " ";
    auto start = docs.find(marker);
    BOOST_TEST_REQUIRE(start != std::string::npos, "no bullet \"" << marker << "\" in the docs");
    std::istringstream lines(docs.substr(start));
    std::string line, item;
    std::getline(lines, item);
    while (std::getline(lines, line) && line.starts_with("  "))
        item += " " + line;
    std::vector<std::string> names;
    for (size_t open = item.find('`'); open != std::string::npos;) {
        size_t close = item.find('`', open + 1);
        BOOST_TEST_REQUIRE(close != std::string::npos, "unbalanced backquote in: " << item);
        names.push_back(item.substr(open + 1, close - open - 1));
        open = item.find('`', close + 1);
    }
    BOOST_TEST_REQUIRE(!names.empty(), "no syscall listed in: " << item);
    return names;
}

// defaultAction SCMP_ACT_ERRNO (EPERM), only `allowed` allowed.
Json allow_only(std::vector<std::string> allowed) {
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    Json profile = Json::object();
    profile["defaultAction"] = "SCMP_ACT_ERRNO";
    Json rule = Json::object();
    rule["names"] = Json::strings(allowed);
    rule["action"] = "SCMP_ACT_ALLOW";
    profile["syscalls"] = Json::array({rule});
    return profile;
}

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

std::vector<std::string> minus(std::vector<std::string> a, const std::string& name) {
    a.erase(std::remove(a.begin(), a.end(), name), a.end());
    return a;
}

// A shipped profile without close_range, its default turned to EPERM.
Json builtin_without_close_range(const std::string& name) {
    std::string text = slurp("seccomp-profiles/" + name + ".json");
    BOOST_TEST_REQUIRE(!text.empty(), "seccomp-profiles/" << name << ".json (run from the source)");
    Json shipped = Json::parse(text);
    Json profile = Json::object();
    profile["defaultAction"] = "SCMP_ACT_ERRNO"; // errnoRet left out: EPERM
    profile["syscalls"] = Json::array();
    for (const Json& rule : shipped.at("syscalls").items()) {
        std::vector<std::string> names;
        for (const Json& n : rule.at("names").items())
            if (n.str() != "close_range")
                names.push_back(n.str());
        if (names.empty())
            continue;
        Json copy = rule;
        copy["names"] = Json::strings(names);
        profile["syscalls"].push(copy);
    }
    BOOST_TEST_REQUIRE(profile.dump().find("close_range") == std::string::npos);
    return profile;
}

void configure(Bundle& b, const Json& profile, bool nnp) {
    b.config["linux"]["seccomp"] = profile;
    b.config["process"]["noNewPrivileges"] = nnp;
}

// Runs the checker under the profile; the run must exit 0 with the filter
// and no_new_privs as asked.
void runs_under(const Json& profile, bool nnp) {
    Bundle b;
    configure(b, profile, nnp);
    Result r = b.run(b.new_id("min"));
    BOOST_TEST_REQUIRE(r.status == 0, "run exit " << r.status << "\nstderr: " << r.err);
    BOOST_TEST(value_of(r.out, "Seccomp") == "2", r.out);
    BOOST_TEST(value_of(r.out, "NoNewPrivs") == (nnp ? "1" : "0"), r.out);
    BOOST_TEST(value_of(r.out, "CapEff") ==
                   cap_mask({"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL",
                             "CAP_SETGID", "CAP_SETUID", "CAP_NET_BIND_SERVICE"}),
               r.out);
}

// The init sleeps under the profile; `exec` runs the checker next to it
// (the exec'd process takes the config's noNewPrivileges).
void execs_under(const Json& profile, bool nnp) {
    Bundle b;
    configure(b, profile, nnp);
    b.set_args({"/checker", "sleep", "60"});
    std::string id = b.new_id("min");
    b.write_config();
    Result c = b.runtime({"run", "--detach", "--bundle", b.bundle_dir, id});
    BOOST_TEST_REQUIRE(c.status == 0, "run --detach exit " << c.status << "\nstderr: " << c.err);
    Result r = b.runtime({"exec", id, "/checker", "status"});
    BOOST_TEST_REQUIRE(r.status == 0, "exec exit " << r.status << "\nstderr: " << r.err);
    BOOST_TEST(value_of(r.out, "Seccomp") == "2", r.out);
    BOOST_TEST(value_of(r.out, "NoNewPrivs") == (nnp ? "1" : "0"), r.out);
}

// The same profile minus one call ward needs: the start must fail, naming
// the step (so the tests above can fail).
void fails_without(const Json& profile, bool nnp, const std::string& step) {
    Bundle b;
    configure(b, profile, nnp);
    Result r = b.run(b.new_id("min"));
    BOOST_TEST(r.status != 0, "run exit " << r.status << "\nstdout: " << r.out);
    BOOST_TEST(r.err.find(step) != std::string::npos, r.err);
}

} // namespace

BOOST_AUTO_TEST_SUITE(seccomp_minimal, *boost::unit_test::label("ward_only") *
                                           boost::unit_test::precondition(ward_only))

BOOST_AUTO_TEST_CASE(the_documented_list_with_no_new_privs_is_enough) {
    Json profile = allow_only(plus(kCheckerNeeds, documented_after_load("with no_new_privs")));
    runs_under(profile, true);
    execs_under(profile, true);
}

BOOST_AUTO_TEST_CASE(the_documented_list_without_no_new_privs_is_enough) {
    Json profile = allow_only(plus(kCheckerNeeds, documented_after_load("without no_new_privs")));
    runs_under(profile, false);
    execs_under(profile, false);
}

BOOST_AUTO_TEST_CASE(a_call_of_the_list_left_out_fails_the_start) {
    fails_without(allow_only(minus(plus(kCheckerNeeds, documented_after_load("with no_new_privs")),
                                   "execve")),
                  true, "exec /checker: operation not permitted");
    fails_without(
        allow_only(
            minus(plus(kCheckerNeeds, documented_after_load("without no_new_privs")), "capset")),
        false, "capset: operation not permitted");
}

BOOST_AUTO_TEST_CASE(a_builtin_profile_without_close_range_runs) {
    for (const char* name : {"default-deny", "compat"}) {
        BOOST_TEST_CONTEXT(name) {
            Json profile = builtin_without_close_range(name);
            runs_under(profile, true);
            runs_under(profile, false);
            execs_under(profile, true);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
