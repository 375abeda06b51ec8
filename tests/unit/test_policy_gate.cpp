// The policy gate (gate.hpp) and what it relies on beyond evaluate(): the
// process rules exec is held to, the refusal's first line, warnings not
// repeated, the record of the policy a container was created under, a
// selection exec and update ignore, and the details of the rules about
// mount types, hooks, --no-pivot and inherited capabilities.
#include "trust_helpers.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/policy/gate.hpp"
#include "ward/policy/record.hpp"
#include "ward/seccomp/profiles.hpp"
#include "ward/spec/parse.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>

using namespace ward;
using ward::test::error_of;
using ward::test::TempDir;

namespace {

policy::Policy shipped(const std::string& name) {
    std::string path = "contrib/policies/" + name + ".json";
    return policy::parse_policy(read_file(path), path);
}

policy::Effective builtin() {
    return {policy::parse_policy(policy::builtin_hardened_text(), "built-in"), "built-in"};
}

// ward's default config with a deny-by-default filter: hardened admits it.
spec::Spec good_spec() {
    spec::Spec s = spec::default_spec();
    s.linux->seccomp = spec::Seccomp{};
    s.linux->seccomp->default_action = "SCMP_ACT_ERRNO";
    return s;
}

std::vector<std::string> messages(const std::vector<policy::Finding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings)
        out.push_back(f.message);
    return out;
}

std::vector<std::string> mount_findings(const policy::Policy& p, const spec::Mount& m) {
    spec::Spec s = good_spec();
    s.mounts.push_back(m);
    return messages(policy::evaluate(p, s));
}

std::string parse_error(const std::string& rules) {
    return error_of(
        [&] { policy::parse_policy(R"({"name":"x","rules":)" + rules + "}", "p.json"); });
}

// A process as `exec --cap CAP` makes it from the hardened config's own.
spec::Process with_cap(const std::string& cap) {
    spec::Spec s = good_spec();
    policy::apply(builtin().policy, s);
    spec::Process p = *s.process;
    for (auto* set :
         {&p.capabilities->bounding, &p.capabilities->effective, &p.capabilities->permitted})
        (*set)->push_back(cap);
    return p;
}

// Log lines written while fn runs (warnings, and debug ones when asked).
std::string logged(const std::function<void()>& fn, bool debug = false) {
    TempDir dir;
    std::string path = dir.str("log");
    log::configure({path, log::Format::text, debug});
    try {
        fn();
    } catch (...) {
        log::configure({});
        throw;
    }
    log::configure({});
    return read_file(path);
}

const std::string kCreateChoices =
    "choose another policy with --policy FILE, WARD_POLICY=FILE or /etc/ward/policy.json";

} // namespace

struct Profiles {
    Profiles() { policy::set_profile_provider(seccomp::find_builtin_profile); }
};

BOOST_AUTO_TEST_SUITE(policy_gate, *boost::unit_test::fixture<Profiles>())

BOOST_AUTO_TEST_CASE(mount_types_judge_what_the_mount_code_mounts) {
    policy::Policy hardened = builtin().policy;
    // A bind option makes a bind mount whatever the type says ("none", "",
    // even "overlay"): the mount code binds the source, and hostMounts
    // judges the source.
    BOOST_TEST(mount_findings(hardened, {"/v", "none", "/srv", {"rbind", "ro"}, {}, {}}).empty());
    BOOST_TEST(mount_findings(hardened, {"/v", "", "/srv", {"bind"}, {}, {}}).empty());
    BOOST_TEST(mount_findings(hardened, {"/v", "overlay", "/etc", {"bind"}, {}, {}}) ==
                   std::vector<std::string>{"policy \"hardened\": mounts[7].source is /etc, "
                                            "forbidden: /, /proc, /sys, /dev, /boot, /etc, /root, "
                                            "/var/run/docker.sock, /run/docker.sock, "
                                            "/run/containerd, /var/run/containerd, /run/podman, "
                                            "/var/run/podman, /run/crio, /var/run/crio"},
               boost::test_tools::per_element());
    // "cgroup" is mounted as cgroup2 (runc spec and Docker write "cgroup").
    BOOST_TEST(mount_findings(hardened, {"/c", "cgroup", "cgroup", {"ro"}, {}, {}}).empty());
    BOOST_TEST(mount_findings(hardened, {"/c", "cgroup2", "cgroup2", {}, {}, {}}).empty());
    BOOST_TEST(mount_findings(hardened, {"/x", "", "x", {"ro"}, {}, {}}) ==
                   std::vector<std::string>{"policy \"hardened\": mounts[7].type is not set, "
                                            "allowed: bind, proc, sysfs, tmpfs, devpts, mqueue, "
                                            "cgroup2"},
               boost::test_tools::per_element());
    policy::Policy no_cgroups = hardened;
    no_cgroups.mount_types->names = {"bind", "proc", "sysfs", "tmpfs", "devpts", "mqueue"};
    // default_spec() mounts /sys/fs/cgroup as "cgroup": mounts[6].
    BOOST_TEST(messages(policy::evaluate(no_cgroups, good_spec())) ==
                   std::vector<std::string>{"policy \"hardened\": mounts[6].type is cgroup "
                                            "(mounted as cgroup2), allowed: bind, proc, sysfs, "
                                            "tmpfs, devpts, mqueue"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(every_kind_of_hook_is_checked_and_star_allows_every_path) {
    spec::Spec s = good_spec();
    s.hooks = spec::Hooks{};
    spec::Hook h{"/usr/bin/hook", {}, {}, {}};
    s.hooks->prestart = s.hooks->create_runtime = s.hooks->create_container = {h};
    s.hooks->start_container = s.hooks->poststart = s.hooks->poststop = {h};
    std::vector<std::string> want;
    for (const char* kind : {"prestart", "createRuntime", "createContainer", "startContainer",
                             "poststart", "poststop"})
        want.push_back(std::string("policy \"hardened\": hooks.") + kind +
                       "[0].path is /usr/bin/hook, allowed: none");
    BOOST_TEST(messages(policy::evaluate(builtin().policy, s)) == want,
               boost::test_tools::per_element());

    // baseline: engines' hooks (Docker's libnetwork prestart hook) run.
    policy::Policy baseline = shipped("baseline");
    BOOST_TEST(baseline.hooks->names == std::vector<std::string>{"*"});
    auto findings = policy::evaluate(baseline, s);
    for (const auto& f : findings)
        BOOST_TEST(f.rule != "hooks", f.message);

    // compat warns about each.
    auto compat = policy::evaluate(shipped("compat"), s);
    int warned = 0;
    for (const auto& f : compat)
        if (f.rule == "hooks") {
            ++warned;
            BOOST_TEST(policy::action_name(f.action) == "warn");
        }
    BOOST_TEST(warned == 6);

    // A named path is compared in normal form.
    policy::Policy named = builtin().policy;
    named.hooks->names = {"/usr/bin/hook"};
    s.hooks->prestart = {spec::Hook{"/usr/lib/../bin/hook", {}, {}, {}}};
    s.hooks->poststop = {spec::Hook{"/usr/bin/hook2", {}, {}, {}}};
    BOOST_TEST(messages(policy::evaluate(named, s)) ==
                   std::vector<std::string>{"policy \"hardened\": hooks.poststop[0].path is "
                                            "/usr/bin/hook2, allowed: /usr/bin/hook"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(no_pivot_is_judged_from_what_create_was_asked) {
    const std::string refusal = "--no-pivot is set, required: pivot_root into the rootfs (leave "
                                "--no-pivot out)";
    BOOST_TEST(policy::evaluate(builtin().policy, good_spec(), {}).empty());
    for (const char* name : {"hardened", "baseline", "compat"}) {
        BOOST_TEST_CONTEXT(name) {
            policy::Policy p = shipped(name);
            policy::CreateFacts facts;
            facts.no_pivot = true;
            auto findings = policy::evaluate(p, good_spec(), facts);
            bool found = false;
            for (const auto& f : findings)
                if (f.rule == "noPivot") {
                    found = true;
                    BOOST_TEST(f.message == "policy \"" + std::string(name) + "\": " + refusal);
                    BOOST_TEST(policy::action_name(f.action) ==
                               (std::string(name) == "compat" ? "warn" : "enforce"));
                }
            BOOST_TEST(found);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_new_rules_are_parsed_strictly) {
    BOOST_TEST(parse_error(R"({"hooks":{"action":"enforce","allowed":["usr/bin/x"]}})") ==
               "p.json: rules.hooks.allowed: \"usr/bin/x\" is not an absolute path in normal "
               "form (or \"*\")");
    BOOST_TEST(parse_error(R"({"hooks":{"action":"enforce","allowed":["/a/../b"]}})") ==
               "p.json: rules.hooks.allowed: \"/a/../b\" is not an absolute path in normal form "
               "(or \"*\")");
    BOOST_TEST(parse_error(R"({"hooks":{"action":"enforce","forbidden":[]}})") ==
               "p.json: rules.hooks.forbidden: unknown key");
    BOOST_TEST(parse_error(R"({"mountTypes":{"action":"warn","allowed":["bind",""]}})") ==
               "p.json: rules.mountTypes.allowed: an empty type");
    BOOST_TEST(parse_error(R"({"noPivot":{"action":"enforce","allowed":true}})") ==
               "p.json: rules.noPivot.allowed: unknown key");
    BOOST_TEST(parse_error(R"({"noPivot":{}})") ==
               "p.json: rules.noPivot.action: required (enforce or warn)");
    policy::Policy p = policy::parse_policy(
        R"({"name":"x","rules":{"hooks":{"action":"warn","allowed":["*","/opt/h"]},
            "mountTypes":{"action":"enforce","allowed":["bind"]},"noPivot":{"action":"warn"}}})",
        "p.json");
    BOOST_TEST(json::serialize(policy::policy_to_json(p)) ==
               R"({"name":"x","rules":{"mountTypes":{"action":"enforce","allowed":["bind"]},)"
               R"("hooks":{"action":"warn","allowed":["*","/opt/h"]},)"
               R"("noPivot":{"action":"warn"}}})");
}

BOOST_AUTO_TEST_CASE(ambient_needs_permitted_and_inheritable_and_inheritable_needs_ambient) {
    policy::Policy p = builtin().policy;
    p.capabilities->allowed = {"CAP_NET_BIND_SERVICE", "CAP_KILL"};
    p.capabilities->ambient = true;
    auto findings = [&](std::vector<std::string> permitted, std::vector<std::string> inheritable,
                        std::vector<std::string> ambient) {
        spec::Process proc;
        proc.no_new_privileges = true;
        proc.capabilities =
            spec::Capabilities{permitted, permitted, inheritable, permitted, ambient};
        return messages(policy::evaluate_process(p, proc));
    };
    const std::string pre = "policy \"hardened\": process.capabilities.";
    BOOST_TEST(
        findings({"CAP_NET_BIND_SERVICE"}, {"CAP_NET_BIND_SERVICE"}, {"CAP_NET_BIND_SERVICE"})
            .empty());
    BOOST_TEST(findings({"CAP_NET_BIND_SERVICE"}, {}, {}).empty());
    BOOST_TEST(findings({"CAP_NET_BIND_SERVICE"}, {"CAP_NET_BIND_SERVICE", "CAP_KILL"},
                        {"CAP_NET_BIND_SERVICE"}) ==
                   std::vector<std::string>{pre + "inheritable contains CAP_KILL, allowed: what "
                                                  "process.capabilities.ambient needs "
                                                  "(CAP_NET_BIND_SERVICE)"},
               boost::test_tools::per_element());
    // What `runc spec` writes: ambient without inheritable.
    BOOST_TEST(findings({"CAP_NET_BIND_SERVICE"}, {}, {"CAP_NET_BIND_SERVICE"}) ==
                   std::vector<std::string>{pre + "ambient contains CAP_NET_BIND_SERVICE, "
                                                  "required: also in "
                                                  "process.capabilities.permitted and "
                                                  "process.capabilities.inheritable"},
               boost::test_tools::per_element());
    BOOST_TEST(findings({}, {"CAP_KILL"}, {"CAP_KILL"}) ==
                   std::vector<std::string>{pre + "ambient contains CAP_KILL, required: also in "
                                                  "process.capabilities.permitted and "
                                                  "process.capabilities.inheritable"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(exec_is_held_to_the_process_rules_only) {
    // A config hardened refuses for its mounts and filter: exec judges only
    // the process it starts, so create's findings are not reported again.
    spec::Spec s = good_spec();
    s.linux->seccomp.reset();
    s.mounts.push_back({"/d", "debugfs", "debugfs", {}, {}, {}});
    BOOST_TEST(policy::evaluate_process(builtin().policy, *s.process).empty());
    s.process->user.uid = 0;
    s.process->no_new_privileges = false;
    s.process->capabilities->bounding->push_back("CAP_SYS_ADMIN");
    policy::Policy p = builtin().policy;
    p.user = policy::UserRule{policy::Action::enforce, false};
    BOOST_TEST(messages(policy::evaluate_process(p, *s.process)) ==
                   (std::vector<std::string>{
                       "policy \"hardened\": process.capabilities.bounding contains CAP_SYS_ADMIN, "
                       "allowed: CAP_NET_BIND_SERVICE",
                       "policy \"hardened\": process.noNewPrivileges is false, required: true",
                       "policy \"hardened\": process.user.uid is 0, allowed: a non-root uid"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_process_is_filled_as_create_fills_the_config) {
    // `exec --process FILE` with neither capabilities nor noNewPrivileges.
    spec::Process p =
        spec::process_from_json(json::parse(R"({"args":["sh"],"cwd":"/"})"), "process.json");
    std::vector<std::string> filled = policy::apply_process(builtin().policy, p);
    BOOST_TEST(filled ==
                   (std::vector<std::string>{
                       "process.capabilities.bounding: []", "process.capabilities.effective: []",
                       "process.capabilities.permitted: []", "process.capabilities.inheritable: []",
                       "process.capabilities.ambient: []", "process.noNewPrivileges: true"}),
               boost::test_tools::per_element());
    BOOST_TEST(policy::evaluate_process(builtin().policy, p).empty());
    spec::Process untouched =
        spec::process_from_json(json::parse(R"({"args":["sh"],"cwd":"/"})"), "process.json");
    BOOST_TEST(policy::apply_process(shipped("compat"), untouched).empty());
    BOOST_TEST(!untouched.no_new_privileges);
}

BOOST_AUTO_TEST_CASE(a_refusal_says_first_which_policy_and_how_to_choose_another) {
    spec::Spec s = good_spec();
    s.process->capabilities->bounding->push_back("CAP_SYS_ADMIN");
    s.process->no_new_privileges = false;
    policy::Request create;
    create.config = &s;
    std::string e = error_of([&] { policy::admit(builtin(), create); });
    BOOST_TEST(e == "policy \"hardened\" (built-in) refuses this container; " + kCreateChoices +
                        "\npolicy \"hardened\": process.capabilities.bounding contains "
                        "CAP_SYS_ADMIN, allowed: CAP_NET_BIND_SERVICE"
                        "\npolicy \"hardened\": process.noNewPrivileges is false, required: true");
}

// An engine's default config breaks hardened with many capabilities in
// several sets: the refusal names each set once, with every capability.
BOOST_AUTO_TEST_CASE(a_refusal_groups_the_values_of_one_field) {
    spec::Spec s = good_spec();
    for (const char* cap : {"CAP_NET_RAW", "CAP_SYS_ADMIN"}) {
        s.process->capabilities->bounding->push_back(cap);
        s.process->capabilities->permitted->push_back(cap);
    }
    policy::Request create;
    create.config = &s;
    std::string e = error_of([&] { policy::admit(builtin(), create); });
    BOOST_TEST(e == "policy \"hardened\" (built-in) refuses this container; " + kCreateChoices +
                        "\npolicy \"hardened\": process.capabilities.bounding contains "
                        "CAP_NET_RAW, CAP_SYS_ADMIN, allowed: CAP_NET_BIND_SERVICE"
                        "\npolicy \"hardened\": process.capabilities.permitted contains "
                        "CAP_NET_RAW, CAP_SYS_ADMIN, allowed: CAP_NET_BIND_SERVICE");
}

BOOST_AUTO_TEST_CASE(exec_passes_the_gate_with_the_recorded_policy) {
    policy::Effective recorded = builtin();
    spec::Process p = with_cap("CAP_SYS_ADMIN");
    policy::Request exec;
    exec.stage = policy::Stage::exec;
    exec.process = &p;
    std::string e = error_of([&] { policy::admit(recorded, exec); });
    BOOST_TEST(e.substr(0, e.find('\n')) ==
               "policy \"hardened\" (built-in), recorded for this container at create, refuses "
               "this process; a container keeps the policy it was created under: create it again "
               "with --policy FILE, WARD_POLICY=FILE or /etc/ward/policy.json to choose another");
    BOOST_TEST(e.find("\npolicy \"hardened\": process.capabilities.bounding contains "
                      "CAP_SYS_ADMIN, allowed: CAP_NET_BIND_SERVICE") != std::string::npos,
               e);
    BOOST_TEST(e.find("\npolicy \"hardened\": process.capabilities.permitted contains "
                      "CAP_SYS_ADMIN, allowed: CAP_NET_BIND_SERVICE") != std::string::npos,
               e);

    // What hardened allows passes, filled.
    spec::Process plain = spec::process_from_json(
        json::parse(R"({"args":["sh"],"cwd":"/","user":{"uid":1000,"gid":1000}})"), "p.json");
    policy::Request ok;
    ok.stage = policy::Stage::exec;
    ok.process = &plain;
    policy::Admission a = policy::admit(recorded, ok);
    BOOST_TEST(a.filled.size() == 6u);
    BOOST_TEST(plain.no_new_privileges.value_or(false));
}

BOOST_AUTO_TEST_CASE(exec_does_not_repeat_what_create_warned_about) {
    policy::Effective compat{shipped("compat"), "--policy compat.json"};
    spec::Spec s = good_spec();
    s.process->user.uid = 1000;
    s.process->capabilities->bounding = std::vector<std::string>{"CAP_CHOWN"};
    policy::Request create;
    create.config = &s;
    policy::Admission at_create;
    std::string create_log = logged([&] { at_create = policy::admit(compat, create); });
    const std::string chown = "policy \"compat\": process.capabilities.bounding contains "
                              "CAP_CHOWN, allowed: CAP_NET_BIND_SERVICE";
    BOOST_TEST(create_log.find(chown) != std::string::npos, create_log);

    std::vector<std::string> warned = messages(at_create.warnings);
    spec::Process p = *s.process;
    p.capabilities->bounding->push_back("CAP_SYS_ADMIN");
    policy::Request exec;
    exec.stage = policy::Stage::exec;
    exec.process = &p;
    exec.already_warned = warned;
    std::string exec_log = logged([&] { policy::admit(compat, exec); });
    BOOST_TEST(exec_log.find(chown) == std::string::npos, exec_log);
    BOOST_TEST(exec_log.find("policy \"compat\": process.capabilities.bounding contains "
                             "CAP_SYS_ADMIN") != std::string::npos,
               exec_log);
    // Still there for whoever asks for debug output.
    std::string debug_log = logged([&] { policy::admit(compat, exec); }, true);
    BOOST_TEST(debug_log.find(chown + " (warned at create)") != std::string::npos, debug_log);
}

BOOST_AUTO_TEST_CASE(update_is_judged_on_the_limits_it_writes) {
    std::vector<policy::UnavailableLimit> limits = {{"linux.resources.memory.limit", "memory"}};
    policy::Request enforced;
    enforced.stage = policy::Stage::update;
    enforced.findings = policy::evaluate_unavailable(builtin().policy, limits,
                                                     "/sys/fs/cgroup/unified", {"hugetlb"});
    std::string e = error_of([&] { policy::admit(builtin(), enforced); });
    BOOST_TEST(e.substr(0, e.find('\n'))
                       .find("recorded for this container at create, refuses "
                             "this update") != std::string::npos,
               e);
    BOOST_TEST(e.find("\npolicy \"hardened\": linux.resources.memory.limit needs the memory "
                      "controller") != std::string::npos,
               e);
    policy::Effective compat{shipped("compat"), "x"};
    policy::Request warned;
    warned.stage = policy::Stage::update;
    warned.findings =
        policy::evaluate_unavailable(compat.policy, limits, "/sys/fs/cgroup/unified", {"hugetlb"});
    std::string log = logged([&] { policy::admit(compat, warned); });
    BOOST_TEST(log.find("; not applied") != std::string::npos, log);
}

BOOST_AUTO_TEST_CASE(the_record_keeps_the_whole_policy_for_exec_and_update) {
    policy::Record r;
    r.effective = {shipped("baseline"), "WARD_POLICY=/etc/ward/baseline.json"};
    r.filled = {"linux.seccomp: profile compat"};
    r.warnings = {"policy \"baseline\": root.readonly is false, required: true"};
    r.trust_kind = "unverified";
    r.trust_detail = "neither a store image nor signed";
    std::string text = json::serialize(policy::record_to_json(r), json::Style::pretty);
    policy::Record back = policy::parse_record(text, "/run/ward/c/policy.json");
    BOOST_TEST(json::serialize(policy::policy_to_json(back.effective.policy)) ==
               json::serialize(policy::policy_to_json(r.effective.policy)));
    BOOST_TEST(back.effective.source == r.effective.source);
    BOOST_TEST(back.filled == r.filled, boost::test_tools::per_element());
    BOOST_TEST(back.warnings == r.warnings, boost::test_tools::per_element());
    BOOST_TEST(back.trust_kind == r.trust_kind);
    BOOST_TEST(back.trust_detail == r.trust_detail);
}

// What create wrote before mountTypes, hooks and noPivot existed: the policy
// document in it has none of them, so they are not checked for that
// container (a rule left out is not checked); everything else still is.
BOOST_AUTO_TEST_CASE(a_record_from_before_the_new_rules_still_gates_exec) {
    const std::string old = R"({
      "name": "hardened", "source": "built-in", "filled": [], "warnings": [],
      "trust": {"kind": "unverified", "detail": "allowed"},
      "policy": {"name": "hardened", "rules": {
        "capabilities": {"action": "enforce", "allowed": ["CAP_NET_BIND_SERVICE"],
                         "ambient": false, "fill": []},
        "noNewPrivileges": {"action": "enforce", "fill": true}}}})";
    policy::Record r = policy::parse_record(old, "policy.json");
    BOOST_TEST(!r.effective.policy.hooks);
    BOOST_TEST(!r.effective.policy.mount_types);
    spec::Process p = with_cap("CAP_SYS_ADMIN");
    policy::Request exec;
    exec.stage = policy::Stage::exec;
    exec.process = &p;
    BOOST_CHECK_THROW(policy::admit(r.effective, exec), Error);

    // Older still: only the name was recorded. There is nothing to judge by.
    BOOST_TEST(error_of([] {
                   policy::parse_record(R"({"name":"hardened","source":"built-in"})",
                                        "/run/ward/c/policy.json");
               }) == "/run/ward/c/policy.json: policy: missing: the container was created by a "
                     "ward that did not record its policy document; delete it and create it "
                     "again");
    BOOST_TEST(error_of([] {
                   policy::parse_record(
                       R"({"source":"x","policy":{"name":"p","rules":{"noPivot":{}}}})",
                       "policy.json");
               }) == "policy.json: policy: rules.noPivot.action: required (enforce or warn)");
}

BOOST_AUTO_TEST_CASE(a_policy_named_to_exec_or_update_is_ignored_with_a_warning) {
    ::unsetenv("WARD_POLICY");
    policy::Policy recorded = builtin().policy;
    BOOST_TEST(!policy::ignored_selection("", recorded, "exec"));
    // The same document under another name: nothing to say.
    BOOST_TEST(!policy::ignored_selection("contrib/policies/hardened.json", recorded, "exec"));
    BOOST_TEST(
        policy::ignored_selection("contrib/policies/compat.json", recorded, "exec").value_or("") ==
        "--policy contrib/policies/compat.json (policy \"compat\") is ignored: exec "
        "evaluates against policy \"hardened\", recorded for this container at create");
    ::setenv("WARD_POLICY", "contrib/policies/baseline.json", 1);
    BOOST_TEST(policy::ignored_selection("", recorded, "update").value_or("") ==
               "WARD_POLICY=contrib/policies/baseline.json (policy \"baseline\") is ignored: "
               "update evaluates against policy \"hardened\", recorded for this container at "
               "create");
    ::unsetenv("WARD_POLICY");
    std::string unreadable =
        policy::ignored_selection("/nonexistent/p.json", recorded, "exec").value_or("");
    BOOST_TEST(unreadable.starts_with("--policy /nonexistent/p.json (policy: open "), unreadable);
    BOOST_TEST(unreadable.ends_with("is ignored: exec evaluates against policy \"hardened\", "
                                    "recorded for this container at create"),
               unreadable);
}

BOOST_AUTO_TEST_SUITE_END()
