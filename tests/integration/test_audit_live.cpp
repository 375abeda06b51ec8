// The live audit against real containers: for a ward container, declared
// (the config as run, with the policy's fill) and enforced agree; where they
// differ (a filter the policy filled, a capability execve dropped because it
// was not in the bounding set) the report says so; a runc container's filter
// decodes to what its config's profile compiles to; a vanished pid is a
// clear error; the audited process is never left stopped or traced.
// The audit is called as a library (the CLI glue is tested by the audit
// lane, tests/audit/50-live.sh).
#include "integration/harness.hpp"
#include "ward/audit/live.hpp"
#include "ward/base/error.hpp"
#include "ward/spec/parse.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace ward_it;
namespace utf = boost::unit_test;
namespace fs = std::filesystem;

namespace {

// A running container (`sleep 300`) under `policy` (a shipped one).
std::string start_sleeper(Bundle& b, const std::string& policy) {
    b.set_args({"/bin/sleep", "300"});
    std::string id = b.new_id("live");
    b.write_config();
    Result c =
        b.runtime({"--policy", shipped_policy(policy), "create", "--bundle", b.bundle_dir, id});
    BOOST_TEST_REQUIRE(c.status == 0, "create: " << c.err);
    Result s = b.runtime({"start", id});
    BOOST_TEST_REQUIRE(s.status == 0, "start: " << s.err);
    return id;
}

ward::audit::Report audit(Bundle& b, const std::string& id) {
    ward::container::Globals g;
    g.root = b.state_dir;
    return ward::audit::audit_container(g, id);
}

std::vector<const ward::audit::Finding*> differences(const ward::audit::Report& r) {
    std::vector<const ward::audit::Finding*> out;
    for (const auto& f : r.findings)
        if (f.rule_id >= "WARD-LIVE-101" && f.rule_id <= "WARD-LIVE-108")
            out.push_back(&f);
    return out;
}

std::string describe(const ward::audit::Report& r) {
    std::string s;
    for (const auto& f : r.findings)
        s += "\n  " + f.rule_id + " " + f.path + ": " + f.message;
    return s;
}

// State and TracerPid of /proc/PID/status.
std::pair<std::string, std::string> stopped_traced(long pid) {
    std::istringstream st(slurp("/proc/" + std::to_string(pid) + "/status"));
    std::string line, state, tracer;
    while (std::getline(st, line)) {
        auto tab = line.find(":\t");
        std::string value = tab == std::string::npos ? "" : line.substr(tab + 2);
        if (line.starts_with("State:"))
            state = value;
        else if (line.starts_with("TracerPid:"))
            tracer = value;
    }
    return {state, tracer};
}

void expect_untouched(long pid) {
    auto [state, tracer] = stopped_traced(pid);
    BOOST_TEST(!state.empty());
    BOOST_TEST((state[0] != 't' && state[0] != 'T'), "left stopped: State " << state);
    BOOST_TEST(tracer == "0", "left traced: TracerPid " << tracer);
}

} // namespace

BOOST_AUTO_TEST_SUITE(audit_live, *utf::label("ward_only") * utf::precondition(ward_only))

// Declared as written, no fill: everything declared is enforced.
BOOST_AUTO_TEST_CASE(declared_and_enforced_agree) {
    Bundle b;
    std::string id = start_sleeper(b, "compat");
    auto report = audit(b, id);
    BOOST_TEST(differences(report).empty(), "differences:" << describe(report));
    BOOST_TEST(!report.refused);
    BOOST_TEST(report.kind == "container");
    // What was read is there: the capabilities the config declares.
    const auto* process = report.enforced.find("process");
    BOOST_TEST_REQUIRE(process != nullptr);
    const auto& eff = process->find("capabilities")->find("effective")->as_array();
    BOOST_TEST(eff.size() == b.config["process"]["capabilities"]["effective"].size());
    long pid = b.state(id)["pid"].num();
    expect_untouched(pid);
}

// (a) No linux.seccomp in the config: hardened fills default-deny; the
// report names the fill and the enforced filter is the filled one.
BOOST_AUTO_TEST_CASE(a_filter_filled_by_the_policy_is_named_and_enforced) {
    Bundle b;
    b.leave_to_policy();
    std::string id = start_sleeper(b, "hardened");
    auto report = audit(b, id);
    BOOST_TEST(differences(report).empty(), "differences:" << describe(report));
    bool named = false;
    for (const auto& f : report.findings)
        if (f.rule_id == "WARD-LIVE-109" && f.path.starts_with("linux.seccomp"))
            named = f.message.find("is the filled one") != std::string::npos;
    BOOST_TEST(named, "no WARD-LIVE-109 naming linux.seccomp as filled:" << describe(report));
    const auto* sc = report.enforced.find("seccomp");
    BOOST_TEST_REQUIRE(sc != nullptr);
    BOOST_TEST(sc->find("mode")->as_string() == "filter");
    BOOST_TEST(sc->find("arches") != nullptr);
    expect_untouched(b.state(id)["pid"].num());
}

// (b) CAP_CHOWN effective and permitted, not in bounding nor inheritable:
// execve drops it. The report names it.
BOOST_AUTO_TEST_CASE(a_capability_execve_dropped_is_a_difference) {
    Bundle b;
    b.config["process"]["capabilities"]["bounding"] = Json::strings({"CAP_NET_BIND_SERVICE"});
    for (const char* set : {"effective", "permitted"})
        b.config["process"]["capabilities"][set] =
            Json::strings({"CAP_NET_BIND_SERVICE", "CAP_CHOWN"});
    std::string id = start_sleeper(b, "compat");
    auto report = audit(b, id);
    bool named = false;
    for (const auto* f : differences(report))
        named = named || (f->rule_id == "WARD-LIVE-101" &&
                          f->message.find("CAP_CHOWN declared, not enforced") != std::string::npos);
    BOOST_TEST(named, "CAP_CHOWN not reported:" << describe(report));
    BOOST_TEST(report.refused);
}

BOOST_AUTO_TEST_CASE(a_vanished_pid_is_a_clear_error) {
    pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    ::waitpid(child, nullptr, 0);
    try {
        ward::audit::audit_pid(child);
        BOOST_ERROR("audit of a reaped pid did not fail");
    } catch (const ward::Error& e) {
        BOOST_TEST(std::string(e.what()).find("no such process") != std::string::npos, e.what());
    }
}

// runc (Debian's) runs a `runc spec` config with a deny-list profile; the
// filter fetched from its process decodes to the syscalls the profile,
// compiled by ward, allows on x86_64.
BOOST_AUTO_TEST_CASE(a_runc_container_filter_decodes_to_its_profile) {
    if (::access("/usr/sbin/runc", X_OK) != 0) {
        BOOST_ERROR("runc is not installed (apt-get install runc; scripts/deps.sh)");
        return;
    }
    Bundle b;
    std::string runc_root = b.dir + "/runc-root", bundle = b.dir + "/runc-bundle";
    fs::create_directories(bundle);
    std::string id = "audit-live-runc-" + std::to_string(::getpid());
    BOOST_TEST_REQUIRE(std::system(("cd " + bundle + " && runc spec").c_str()) == 0);
    Json config = Json::parse(slurp(bundle + "/config.json"));
    config["process"]["terminal"] = false;
    config["process"]["args"] = Json::strings({"/bin/sleep", "300"});
    config["root"]["path"] = b.rootfs;
    Json seccomp = Json::object();
    seccomp["defaultAction"] = "SCMP_ACT_ALLOW";
    seccomp["architectures"] = Json::strings({"SCMP_ARCH_X86_64"});
    Json deny = Json::object();
    deny["names"] = Json::strings({"mount", "umount2", "ptrace", "kexec_load", "bpf", "keyctl",
                                   "unshare", "setns", "personality", "userfaultfd"});
    deny["action"] = "SCMP_ACT_ERRNO";
    seccomp["syscalls"] = Json::array({deny});
    config["linux"]["seccomp"] = seccomp;
    std::string text = config.dump();
    {
        std::FILE* f = std::fopen((bundle + "/config.json").c_str(), "w");
        BOOST_TEST_REQUIRE(f != nullptr);
        std::fputs(text.c_str(), f);
        std::fclose(f);
    }
    std::string runc = "runc --root " + runc_root;
    struct Cleanup {
        std::string cmd;
        ~Cleanup() {
            if (std::system(cmd.c_str()) != 0)
                BOOST_TEST_MESSAGE("cleanup failed: " << cmd);
        }
    } cleanup{runc + " delete -f " + id + " >/dev/null 2>&1; rm -rf " + runc_root};
    int rc = std::system((runc + " run -d --bundle " + bundle + " " + id +
                          " </dev/null >/dev/null 2>" + b.dir + "/runc.err")
                             .c_str());
    BOOST_TEST_REQUIRE(rc == 0, "runc run: " << slurp(b.dir + "/runc.err"));
    std::string state;
    if (std::FILE* p = ::popen((runc + " state " + id).c_str(), "r")) {
        char buf[4096];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
            state.append(buf, n);
        ::pclose(p);
    }
    long pid = Json::parse(state)["pid"].num();
    BOOST_TEST_REQUIRE(pid > 0);

    auto report = ward::audit::audit_pid(static_cast<int>(pid));
    expect_untouched(pid);
    auto declared = ward::spec::parse_spec(text, "runc config.json");
    auto want = ward::seccomp::analyse(*declared.linux->seccomp).allowed("SCMP_ARCH_X86_64");
    const auto* sc = report.enforced.find("seccomp");
    BOOST_TEST_REQUIRE(sc != nullptr);
    BOOST_TEST_MESSAGE("runc's filter: " << ward::json::serialize(*sc));
    BOOST_TEST_REQUIRE(sc->find("error") == nullptr);
    std::set<std::string> got;
    const ward::json::Value* arches = sc->find("arches");
    BOOST_TEST_REQUIRE(arches != nullptr);
    for (const auto& a : arches->as_array())
        if (a.find("arch")->as_string() == "SCMP_ARCH_X86_64")
            for (const char* key : {"allowed", "conditional"})
                for (const auto& n : a.find(key)->as_array())
                    got.insert(n.as_string());
    BOOST_TEST(want.size() > 300u, "the profile allows " << want.size() << " calls");
    BOOST_TEST(!got.count("mount"));
    std::vector<std::string> only_want, only_got;
    std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                        std::back_inserter(only_want));
    std::set_difference(got.begin(), got.end(), want.begin(), want.end(),
                        std::back_inserter(only_got));
    BOOST_TEST(only_want.empty(),
               "allowed by the profile only: " << only_want.size() << " e.g. "
                                               << (only_want.empty() ? "" : only_want.front()));
    BOOST_TEST(only_got.empty(),
               "allowed by runc's filter only: " << only_got.size() << " e.g. "
                                                 << (only_got.empty() ? "" : only_got.front()));
}

BOOST_AUTO_TEST_SUITE_END()
