// A config's own seccomp profile against ward's own privilege drop. A
// filter that answers a syscall with SCMP_ACT_ERRNO and errnoRet 0 makes
// it return success without running it. Without no_new_privs the kernel
// wants CAP_SYS_ADMIN to load a filter, so ward loads it before its last
// capability change; if that change ran under the filter unchecked, a
// profile faking capset (and setresuid, setgroups, prctl) would start the
// container with every capability ward had, past a policy that allows only
// a few (baseline: no_new_privs only warns, the config's own profile is
// used as written). The container must either run with exactly the
// capabilities asked for, or not start.
#include "attacks/attack.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sys/syscall.h>

using namespace ward_attack;
using ward_it::Json;

namespace {

// What ward calls to drop privileges, answered "success" by the filter.
const std::vector<std::string> kFaked = {"capset", "setresuid", "setresgid", "setgroups", "prctl"};

// The shipped compat profile with kFaked taken out of its allow rules and
// answered with errno 0 instead.
Json faking_profile() {
    std::string text = ward_it::slurp("seccomp-profiles/compat.json");
    BOOST_TEST_REQUIRE(!text.empty(), "seccomp-profiles/compat.json (run from the source)");
    Json shipped = Json::parse(text);
    Json profile = Json::object();
    profile["defaultAction"] = shipped.at("defaultAction");
    if (const Json* ret = shipped.find("defaultErrnoRet"))
        profile["defaultErrnoRet"] = *ret;
    profile["syscalls"] = Json::array();
    for (const Json& rule : shipped.at("syscalls").items()) {
        std::vector<std::string> names;
        for (const Json& n : rule.at("names").items())
            if (std::find(kFaked.begin(), kFaked.end(), n.str()) == kFaked.end())
                names.push_back(n.str());
        if (names.empty())
            continue;
        Json copy = rule;
        copy["names"] = Json::strings(names);
        profile["syscalls"].push(copy);
    }
    Json fake = Json::object();
    fake["names"] = Json::strings(kFaked);
    fake["action"] = "SCMP_ACT_ERRNO";
    fake["errnoRet"] = 0;
    profile["syscalls"].push(fake);
    return profile;
}

const std::vector<std::string> kAsked = {"CAP_CHOWN"};

void ask_for(Json& process, bool nnp) {
    for (const char* set : {"bounding", "effective", "permitted"})
        process["capabilities"][set] = Json::strings(kAsked);
    process["capabilities"]["inheritable"] = Json::array();
    process["capabilities"]["ambient"] = Json::array();
    process["noNewPrivileges"] = nnp;
}

// "" when the checker's status shows exactly the asked-for capabilities,
// else what is wrong.
std::string extra_privilege(const std::string& out) {
    std::string asked = ward_it::cap_mask(kAsked);
    std::string wrong;
    for (const char* key : {"CapPrm", "CapEff", "CapBnd"})
        if (ward_it::value_of(out, key) != asked)
            wrong += std::string(" ") + key + "=" + ward_it::value_of(out, key);
    for (const char* key : {"CapInh", "CapAmb"})
        if (ward_it::value_of(out, key) != ward_it::cap_mask({}))
            wrong += std::string(" ") + key + "=" + ward_it::value_of(out, key);
    return wrong;
}

// The verdict on one start: refused for the capability check, or started
// with nothing more than asked, is blocked.
void judge(const std::string& attack, const Result& r) {
    if (r.status == 0) {
        if (ward_it::value_of(r.out, "CapEff").empty())
            report(attack, Outcome::could_not_run, "the checker printed no status: " + r.out);
        else if (std::string wrong = extra_privilege(r.out); !wrong.empty())
            report(attack, Outcome::not_blocked,
                   "asked for CAP_CHOWN, runs with" + wrong + " (" + r.out + ")");
        else
            report(attack, Outcome::blocked, "runs with CAP_CHOWN only");
    } else if (auto at = r.err.find("capset"); at != std::string::npos) {
        auto line_start = r.err.rfind('\n', at);
        auto line_end = r.err.find('\n', at);
        line_start = line_start == std::string::npos ? 0 : line_start + 1;
        report(attack, Outcome::blocked,
               "refused: " + r.err.substr(line_start, line_end - line_start));
    } else {
        report(attack, Outcome::could_not_run,
               "failed for another reason (exit " + std::to_string(r.status) + "): " + r.err);
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(seccomp_order)

// The filter really fakes the calls: with no_new_privs it is loaded last,
// so the container itself sees capset(NULL, NULL) "succeed" (the kernel
// would say EFAULT).
BOOST_AUTO_TEST_CASE(the_profile_fakes_capset) {
    Bundle b;
    b.config["linux"]["seccomp"] = faking_profile();
    ask_for(b.config["process"], true);
    b.set_args({"/checker", "syscall", std::to_string(SYS_capset), "0", "0"});
    Result r = with_policy(b, "baseline", "run", b.new_id("fake"));
    std::string seen = ward_it::value_of(r.out, "syscall " + std::to_string(SYS_capset));
    report_control(
        "seccomp-order/fake-capset", r.status == 0 && seen == "ok 0",
        "capset(NULL, NULL) in the container: " + seen +
            (r.status == 0 ? "" : " (exit " + std::to_string(r.status) + ": " + r.err + ")"));
}

BOOST_AUTO_TEST_CASE(a_faking_profile_cannot_keep_capabilities_through_run) {
    Bundle b;
    b.config["linux"]["seccomp"] = faking_profile();
    ask_for(b.config["process"], false);
    judge("seccomp-order/fake-capset-run", with_policy(b, "baseline", "run", b.new_id("fake")));
}

BOOST_AUTO_TEST_CASE(a_faking_profile_cannot_keep_capabilities_through_exec) {
    Bundle b;
    b.config["linux"]["seccomp"] = faking_profile();
    ask_for(b.config["process"], true); // the init starts: its filter loads last
    b.set_args({"/checker", "sleep", "60"});
    std::string id = b.new_id("fake");
    Result c = with_policy(b, "baseline", "run", id, {"--detach"});
    if (c.status != 0) {
        report("seccomp-order/fake-capset-exec", Outcome::could_not_run,
               "container did not start: " + c.err);
        return;
    }
    // The exec'd process without no_new_privs: ward loads the filter
    // before its capability drop.
    Json process = b.config["process"];
    ask_for(process, false);
    process["args"] = Json::strings({"/checker", "status"});
    std::string file = b.dir + "/process.json";
    std::ofstream(file) << process.dump();
    judge("seccomp-order/fake-capset-exec", b.runtime({"exec", "--process", file, id}));
}

// With no_new_privs asked for, a filter faking prctl cannot skip it: it
// is set before the filter is loaded.
BOOST_AUTO_TEST_CASE(a_faking_profile_cannot_skip_no_new_privs) {
    Bundle b;
    b.leave_to_policy();
    b.config["linux"]["seccomp"] = faking_profile();
    Result r = hardened(b, "run", b.new_id("nnp"));
    const std::string attack = "seccomp-order/skip-no-new-privs";
    if (r.status != 0)
        report(attack, Outcome::could_not_run, "did not start: " + r.err);
    else if (ward_it::value_of(r.out, "NoNewPrivs") != "1")
        report(attack, Outcome::not_blocked,
               "NoNewPrivs: " + ward_it::value_of(r.out, "NoNewPrivs"));
    else
        report(attack, Outcome::blocked, "NoNewPrivs: 1 under a profile faking prctl");
}

BOOST_AUTO_TEST_SUITE_END()
