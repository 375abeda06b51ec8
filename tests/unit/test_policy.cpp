// The policy engine without root: every rule refuses under enforce with the
// exact message create prints and only warns under warn; apply fills what a
// config leaves out and never touches what it sets; the shipped policies
// load and the built-in one is the shipped hardened.json.
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/policy/policy.hpp"
#include "ward/seccomp/profiles.hpp"
#include "ward/spec/parse.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <functional>

using namespace ward;
namespace fs = std::filesystem;

namespace {

policy::Policy hardened() {
    return policy::parse_policy(policy::builtin_hardened_text(), "built-in");
}

policy::Policy shipped(const std::string& name) {
    std::string path = "contrib/policies/" + name + ".json";
    return policy::parse_policy(read_file(path), path);
}

spec::Seccomp deny_profile() {
    spec::Seccomp s;
    s.default_action = "SCMP_ACT_ERRNO";
    s.syscalls.push_back({{"read", "write"}, "SCMP_ACT_ALLOW", std::nullopt, {}});
    return s;
}

// ward's own default config plus a filter and a Landlock ruleset of its
// own: what hardened accepts as is and fills nothing of.
spec::Spec good_spec() {
    spec::Spec s = spec::default_spec();
    s.linux->seccomp = deny_profile();
    s.process->landlock = spec::Landlock{};
    s.process->landlock->scoped = 2; // signal
    return s;
}

std::string parse_error(const std::string& text) {
    try {
        policy::parse_policy(text, "p.json");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::vector<std::string> messages(const std::vector<policy::Finding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings)
        out.push_back(f.message);
    return out;
}

// Sets the action of one rule of a policy by its document name.
void set_action(policy::Policy& p, const std::string& rule, policy::Action a) {
    if (rule == "seccomp")
        p.seccomp->action = a;
    else if (rule == "capabilities")
        p.capabilities->action = a;
    else if (rule == "noNewPrivileges")
        p.no_new_privileges->action = a;
    else if (rule == "readonlyRoot")
        p.readonly_root->action = a;
    else if (rule == "maskedPaths")
        p.masked_paths->action = a;
    else if (rule == "readonlyPaths")
        p.readonly_paths->action = a;
    else if (rule == "namespaces")
        p.namespaces->action = a;
    else if (rule == "devices")
        p.devices->action = a;
    else if (rule == "hostMounts")
        p.host_mounts->action = a;
    else if (rule == "sysctls")
        p.sysctls->action = a;
    else if (rule == "mountPropagation")
        p.mount_propagation->action = a;
    else if (rule == "mountTypes")
        p.mount_types->action = a;
    else if (rule == "hooks")
        p.hooks->action = a;
    else if (rule == "noPivot")
        p.no_pivot->action = a;
    else if (rule == "user")
        p.user->action = a;
    else if (rule == "resources")
        p.resources->action = a;
    else if (rule == "systemdProperties")
        p.systemd_properties->action = a;
    else
        BOOST_FAIL("no rule " << rule);
}

struct Violation {
    std::string rule;
    std::function<void(spec::Spec&)> change;
    std::string message; // after `policy "hardened": `
};

spec::Mount bind(const std::string& source, const std::string& dest) {
    return {dest, "bind", source, {"rbind", "ro"}, {}, {}};
}

const std::vector<Violation>& violations() {
    static const std::vector<Violation> v = {
        {"seccomp", [](spec::Spec& s) { s.linux->seccomp->default_action = "SCMP_ACT_ALLOW"; },
         "linux.seccomp.defaultAction is SCMP_ACT_ALLOW, allowed: an action that denies (not "
         "SCMP_ACT_ALLOW or SCMP_ACT_LOG)"},
        {"capabilities",
         [](spec::Spec& s) { s.process->capabilities->bounding->push_back("CAP_SYS_ADMIN"); },
         "process.capabilities.bounding contains CAP_SYS_ADMIN, allowed: CAP_NET_BIND_SERVICE"},
        {"capabilities",
         [](spec::Spec& s) {
             // A consistent ambient set (in permitted and inheritable), which
             // hardened still refuses: its rule says "ambient": false.
             auto& caps = *s.process->capabilities;
             caps.permitted = caps.inheritable = caps.ambient =
                 std::vector<std::string>{"CAP_NET_BIND_SERVICE"};
         },
         "process.capabilities.ambient contains CAP_NET_BIND_SERVICE, allowed: none"},
        // CVE-2022-29162: inheritable capabilities that no ambient one needs
        // are handed to whatever file-capability binary the process runs.
        {"capabilities",
         [](spec::Spec& s) {
             s.process->capabilities->inheritable =
                 std::vector<std::string>{"CAP_NET_BIND_SERVICE"};
         },
         "process.capabilities.inheritable contains CAP_NET_BIND_SERVICE, allowed: what "
         "process.capabilities.ambient needs (none)"},
        {"noNewPrivileges", [](spec::Spec& s) { s.process->no_new_privileges = false; },
         "process.noNewPrivileges is false, required: true"},
        {"readonlyRoot", [](spec::Spec& s) { s.root->readonly = false; },
         "root.readonly is false, required: true"},
        {"maskedPaths",
         [](spec::Spec& s) {
             auto& m = *s.linux->masked_paths;
             m.erase(std::find(m.begin(), m.end(), "/proc/kcore"));
         },
         "linux.maskedPaths does not contain /proc/kcore, required: /proc/acpi, /proc/asound, "
         "/proc/kcore, /proc/keys, /proc/latency_stats, /proc/timer_list, /proc/timer_stats, "
         "/proc/sched_debug, /proc/scsi, /sys/firmware"},
        {"readonlyPaths",
         [](spec::Spec& s) {
             auto& r = *s.linux->readonly_paths;
             r.erase(std::find(r.begin(), r.end(), "/proc/sys"));
         },
         "linux.readonlyPaths does not contain /proc/sys, required: /proc/bus, /proc/fs, "
         "/proc/irq, /proc/sys, /proc/sysrq-trigger"},
        {"namespaces",
         [](spec::Spec& s) {
             auto& ns = s.linux->namespaces;
             ns.erase(std::find_if(ns.begin(), ns.end(), [](auto& n) { return n.type == "pid"; }));
         },
         "linux.namespaces has no pid namespace: the container would share the host's (a "
         "Kubernetes hostPID pod, --pid host), required: new pid, ipc, uts, mount, network "
         "namespaces (or joined from another container, such "
         "as a pod's sandbox; never the host's)"},
        {"namespaces",
         [](spec::Spec& s) {
             for (auto& n : s.linux->namespaces)
                 if (n.type == "ipc")
                     n.path = "/proc/1/ns/ipc";
         },
         "linux.namespaces ipc joins /proc/1/ns/ipc (not known to be another container's), "
         "required: new pid, ipc, uts, mount, network namespaces (or joined from another "
         "container, such "
         "as a pod's sandbox; never the host's)"},
        {"devices",
         [](spec::Spec& s) {
             s.linux->devices.push_back({"b", "/dev/sda", 8, 0, {}, {}, {}});
         },
         "linux.devices contains /dev/sda, allowed: none"},
        {"devices",
         [](spec::Spec& s) {
             s.linux->resources->devices.insert(s.linux->resources->devices.begin(),
                                                {true, "a", {}, {}, "rwm"});
         },
         "linux.resources.devices[0] allows every device, allowed: none"},
        {"hostMounts",
         [](spec::Spec& s) { s.mounts.push_back(bind("/var/run/docker.sock", "/sock")); },
         "mounts[7].source is /var/run/docker.sock, forbidden: /, /proc, /sys, /dev, /boot, "
         "/etc, /root, /var/run/docker.sock, /run/docker.sock, /run/containerd, "
         "/var/run/containerd, /run/podman, /var/run/podman, /run/crio, /var/run/crio"},
        {"hostMounts", [](spec::Spec& s) { s.mounts.push_back(bind("/proc/1/root/", "/h")); },
         "mounts[7].source is /proc/1/root/, forbidden: /, /proc, /sys, /dev, /boot, /etc, "
         "/root, /var/run/docker.sock, /run/docker.sock, /run/containerd, /var/run/containerd, "
         "/run/podman, /var/run/podman, /run/crio, /var/run/crio"},
        {"sysctls", [](spec::Spec& s) { s.linux->sysctl["kernel.core_pattern"] = "|/x"; },
         "linux.sysctl contains kernel.core_pattern, allowed: kernel.shm_rmid_forced, "
         "net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, "
         "net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_local_reserved_ports, "
         "net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, "
         "net.ipv4.tcp_keepalive_probes"},
        {"mountPropagation", [](spec::Spec& s) { s.linux->rootfs_propagation = "rshared"; },
         "linux.rootfsPropagation is rshared, allowed: private, rprivate, slave, rslave, "
         "unbindable, runbindable"},
        {"mountPropagation", [](spec::Spec& s) { s.mounts[0].options.push_back("shared"); },
         "mounts[0].options contains shared, allowed: private, rprivate, slave, rslave, "
         "unbindable, runbindable"},
        {"mountTypes",
         [](spec::Spec& s) {
             s.mounts.push_back(
                 {"/merged", "overlay", "overlay", {"lowerdir=/etc:/usr", "ro"}, {}, {}});
         },
         "mounts[7].type is overlay, allowed: bind, proc, sysfs, tmpfs, devpts, mqueue, cgroup2"},
        {"mountTypes",
         [](spec::Spec& s) {
             s.mounts.push_back({"/d", "debugfs", "debugfs", {}, {}, {}});
         },
         "mounts[7].type is debugfs, allowed: bind, proc, sysfs, tmpfs, devpts, mqueue, cgroup2"},
        {"mountTypes",
         [](spec::Spec& s) {
             s.mounts.push_back({"/t", "tracefs", "none", {"nodev"}, {}, {}});
         },
         "mounts[7].type is tracefs, allowed: bind, proc, sysfs, tmpfs, devpts, mqueue, cgroup2"},
        // Without a bind option "none" is not a bind mount: the kernel gets
        // a filesystem named "none".
        {"mountTypes",
         [](spec::Spec& s) {
             s.mounts.push_back({"/n", "none", "/srv", {"ro"}, {}, {}});
         },
         "mounts[7].type is none, allowed: bind, proc, sysfs, tmpfs, devpts, mqueue, cgroup2"},
        {"hooks",
         [](spec::Spec& s) {
             s.hooks = spec::Hooks{};
             s.hooks->create_runtime.push_back({"/usr/bin/true", {}, {}, {}});
         },
         "hooks.createRuntime[0].path is /usr/bin/true, allowed: none"},
        {"user", [](spec::Spec& s) { s.process->user.uid = 0; },
         "process.user.uid is 0, allowed: a non-root uid"},
        {"resources",
         [](spec::Spec& s) {
             s.linux->resources = spec::Resources{};
             s.linux->resources->memory = spec::MemoryResources{};
             s.linux->resources->memory->limit = 1 << 30;
         },
         "linux.resources.pids.limit is not set, required: a limit"},
        {"systemdProperties",
         [](spec::Spec& s) { s.annotations["org.systemd.property.DeviceAllow"] = "@a(ss) []"; },
         "annotations contains org.systemd.property.DeviceAllow, allowed: unit properties After, "
         "CollectMode, DefaultDependencies, Description, KillSignal, TimeoutStopUSec"},
    };
    return v;
}

// hardened with the two rules it leaves out (user, resources), so that every
// rule is exercised; good_spec() must still meet them.
policy::Policy every_rule() {
    policy::Policy p = hardened();
    p.user = policy::UserRule{policy::Action::enforce, false};
    p.resources = policy::ListRule{policy::Action::enforce, {"pids"}};
    return p;
}

spec::Spec every_rule_spec() {
    spec::Spec s = good_spec();
    s.process->user.uid = 1000;
    s.linux->resources = spec::Resources{};
    s.linux->resources->pids = spec::PidsResources{512};
    return s;
}

std::optional<spec::Seccomp> fake_provider(std::string_view name) {
    if (name == "default-deny")
        return deny_profile();
    return std::nullopt;
}

std::optional<spec::Seccomp> no_profiles(std::string_view) {
    return std::nullopt;
}

std::string spec_example() {
    for (fs::path dir :
         {fs::path("../shared/oci-runtime-spec"),
          fs::path(std::getenv("WARD_SPEC_DIR") ? std::getenv("WARD_SPEC_DIR") : "")})
        if (fs::is_regular_file(dir / "schema/test/config/good/spec-example.json"))
            return (dir / "schema/test/config/good").string();
    return "";
}

} // namespace

// As the CLI does at startup: built-in profiles come from the seccomp module.
struct InstallSeccompProfiles {
    InstallSeccompProfiles() { policy::set_profile_provider(seccomp::find_builtin_profile); }
};

BOOST_AUTO_TEST_SUITE(policy_engine, *boost::unit_test::fixture<InstallSeccompProfiles>())

BOOST_AUTO_TEST_CASE(builtin_is_the_shipped_hardened_json) {
    BOOST_TEST(read_file("contrib/policies/hardened.json") ==
               std::string(policy::builtin_hardened_text()));
}

BOOST_AUTO_TEST_CASE(shipped_policies_load_and_round_trip) {
    for (const char* name : {"hardened", "baseline", "compat"}) {
        BOOST_TEST_CONTEXT(name) {
            policy::Policy p = shipped(name);
            BOOST_TEST(p.name == name);
            json::Value doc = policy::policy_to_json(p);
            std::string again = json::serialize(
                policy::policy_to_json(policy::parse_policy(json::serialize(doc), "x")));
            BOOST_TEST(again == json::serialize(doc));
        }
    }
}

BOOST_AUTO_TEST_CASE(compat_fills_nothing_and_only_warns) {
    policy::Policy p = shipped("compat");
    spec::Spec s;
    s.oci_version = "1.0.2";
    s.process = spec::Process{};
    s.root = spec::Root{"rootfs", std::nullopt};
    BOOST_TEST(policy::apply(p, s).empty());
    auto findings = policy::evaluate(p, s);
    BOOST_TEST(!findings.empty());
    BOOST_TEST(!policy::refuses(findings));
}

BOOST_AUTO_TEST_CASE(bad_policies_are_refused_with_the_path) {
    BOOST_TEST(parse_error(R"({"rules":{}})") == "p.json: name: required");
    BOOST_TEST(parse_error(R"({"name":"x","rules":{"capabilties":{"action":"warn"}}})") ==
               "p.json: rules.capabilties: unknown key");
    BOOST_TEST(parse_error(R"({"name":"x","rules":{"user":{"action":"deny"}}})") ==
               "p.json: rules.user.action: \"deny\" is not an action (enforce or warn)");
    BOOST_TEST(parse_error(R"({"name":"x","rules":{"user":{}}})") ==
               "p.json: rules.user.action: required (enforce or warn)");
    BOOST_TEST(parse_error(R"({"name":"x","rules":{"capabilities":{"action":"warn",
               "allowed":["CAP_NET_BIND_SERVICE","CAP_FOO"]}}})") ==
               "p.json: rules.capabilities.allowed: \"CAP_FOO\" is not a capability");
    BOOST_TEST(parse_error(R"({"name":"x","rules":{"namespaces":{"action":"warn",
               "required":["pid","nett"]}}})") ==
               "p.json: rules.namespaces.required: \"nett\" is not a namespace type");
    BOOST_TEST(parse_error(R"({"name":"x","rules":{"resources":{"action":"warn",
               "required":["cpu"]}}})") ==
               "p.json: rules.resources.required: \"cpu\" is not a limit (pids or memory)");
    BOOST_TEST(parse_error(R"({"name":"x","rules":{"seccomp":{"action":"warn","fill":7}}})") ==
               "p.json: rules.seccomp.fill: expected string, got number");
    BOOST_TEST(parse_error(R"({"name":"x","rules":{"systemdProperties":{"action":"warn",
               "allowed":["Description","Device-Allow"]}}})") ==
               "p.json: rules.systemdProperties.allowed: \"Device-Allow\" is not a unit property "
               "name (three or more letters)");
    BOOST_TEST(parse_error(R"({"name":"x","rules":{"systemdProperties":{"action":"warn",
               "allowed":["TimeoutStopSec"]}}})") ==
               "p.json: rules.systemdProperties.allowed: \"TimeoutStopSec\": list it as "
               "\"TimeoutStopUSec\" (an annotation's ...Sec name is the ...USec property)");
}

BOOST_AUTO_TEST_CASE(a_compliant_config_has_no_findings) {
    BOOST_TEST(messages(policy::evaluate(hardened(), good_spec())).empty());
    BOOST_TEST(messages(policy::evaluate(every_rule(), every_rule_spec())).empty());
}

BOOST_AUTO_TEST_CASE(each_rule_refuses_under_enforce_and_warns_under_warn) {
    for (const auto& v : violations()) {
        BOOST_TEST_CONTEXT(v.rule << ": " << v.message) {
            spec::Spec s = every_rule_spec();
            v.change(s);
            for (auto action : {policy::Action::enforce, policy::Action::warn}) {
                policy::Policy p = every_rule();
                set_action(p, v.rule, action);
                auto findings = policy::evaluate(p, s);
                BOOST_TEST_REQUIRE(findings.size() == 1u);
                BOOST_TEST(findings[0].rule == v.rule);
                BOOST_TEST(policy::action_name(findings[0].action) == policy::action_name(action));
                BOOST_TEST(findings[0].message == "policy \"hardened\": " + v.message);
                BOOST_TEST(policy::refuses(findings) == (action == policy::Action::enforce));
            }
        }
    }
}

// containerd joins every app container to its pod sandbox's namespaces by
// path: fine when create found them not to be the host's, refused when
// they are, or when nothing is known of them (ward policy check).
BOOST_AUTO_TEST_CASE(joining_a_pod_sandbox_namespace_but_never_the_hosts) {
    spec::Spec s = good_spec();
    for (auto& n : s.linux->namespaces)
        if (n.type == "ipc" || n.type == "uts")
            n.path = "/proc/4242/ns/" + n.type;
    policy::CreateFacts sandbox;
    sandbox.joined = {{"ipc", "/proc/4242/ns/ipc", false}, {"uts", "/proc/4242/ns/uts", false}};
    BOOST_TEST(messages(policy::evaluate(hardened(), s, sandbox)).empty());

    policy::CreateFacts host = sandbox;
    host.joined[0].host = true;
    auto found = messages(policy::evaluate(hardened(), s, host));
    BOOST_REQUIRE_EQUAL(found.size(), 1U);
    BOOST_TEST(found[0].find("linux.namespaces ipc joins /proc/4242/ns/ipc, the host's own ipc "
                             "namespace, required: ") != std::string::npos,
               found[0]);

    // Without facts a join cannot be told from the host's: refused.
    BOOST_TEST(messages(policy::evaluate(hardened(), s)).size() == 2U);
}

BOOST_AUTO_TEST_CASE(missing_seccomp_is_a_finding) {
    spec::Spec s = good_spec();
    s.linux->seccomp.reset();
    BOOST_TEST(messages(policy::evaluate(hardened(), s)) ==
                   std::vector<std::string>{"policy \"hardened\": linux.seccomp is not set, "
                                            "required: a seccomp profile"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(apply_fills_every_gap_then_the_config_passes) {
    policy::set_profile_provider(fake_provider);
    spec::Spec s;
    s.oci_version = "1.0.2";
    s.process = spec::Process{};
    s.process->args = {"sh"};
    s.process->cwd = "/";
    s.root = spec::Root{"rootfs", std::nullopt};
    auto filled = policy::apply(hardened(), s);
    policy::set_profile_provider(seccomp::find_builtin_profile);
    std::vector<std::string> want = {
        "linux.seccomp: profile default-deny", "process.capabilities.bounding: []",
        "process.capabilities.effective: []", "process.capabilities.permitted: []",
        "process.capabilities.inheritable: []", "process.capabilities.ambient: []",
        "process.noNewPrivileges: true", "root.readonly: true",
        "linux.maskedPaths: [/proc/acpi, /proc/asound, /proc/kcore, /proc/keys, "
        "/proc/latency_stats, /proc/timer_list, /proc/timer_stats, /proc/sched_debug, "
        "/proc/scsi, /sys/firmware]",
        "linux.readonlyPaths: [/proc/bus, /proc/fs, /proc/irq, /proc/sys, /proc/sysrq-trigger]",
        "linux.namespaces: [pid, ipc, uts, mount, network]",
        // No rootfs listed (no create facts): nothing executable.
        "process.landlock: handled 16 filesystem rights; read_file+read_dir /; scoped: "
        "abstract_unix_socket, signal"};
    BOOST_TEST(filled == want, boost::test_tools::per_element());
    BOOST_TEST(s.linux->seccomp->default_action == "SCMP_ACT_ERRNO");
    BOOST_TEST(s.process->no_new_privileges.value_or(false));
    BOOST_TEST(messages(policy::evaluate(hardened(), s)).empty());
}

BOOST_AUTO_TEST_CASE(apply_never_changes_an_explicit_value) {
    policy::set_profile_provider(fake_provider);
    spec::Spec s = good_spec();
    s.linux->seccomp->default_action = "SCMP_ACT_ALLOW";
    s.process->no_new_privileges = false;
    s.root->readonly = false;
    s.process->capabilities->bounding = std::vector<std::string>{"CAP_SYS_ADMIN"};
    s.linux->masked_paths = std::vector<std::string>{};
    spec::Spec before = s;
    auto filled = policy::apply(hardened(), s);
    policy::set_profile_provider(seccomp::find_builtin_profile);
    BOOST_TEST(filled.empty());
    BOOST_TEST(json::serialize(spec::spec_to_json(s)) ==
               json::serialize(spec::spec_to_json(before)));
    BOOST_TEST(policy::refuses(policy::evaluate(hardened(), s)));
}

BOOST_AUTO_TEST_CASE(an_unknown_profile_fills_nothing_and_is_reported) {
    policy::set_profile_provider(no_profiles);
    spec::Spec s = good_spec();
    s.linux->seccomp.reset();
    auto filled = policy::apply(hardened(), s);
    policy::set_profile_provider(seccomp::find_builtin_profile);
    BOOST_TEST(filled.empty());
    BOOST_TEST(!s.linux->seccomp);
    BOOST_TEST(policy::refuses(policy::evaluate(hardened(), s)));
}

// The provider the CLI installs: seccomp's built-in profiles.
BOOST_AUTO_TEST_CASE(the_default_deny_profile_denies_by_default) {
    auto profile = policy::builtin_profile("default-deny");
    BOOST_TEST_REQUIRE(profile.has_value());
    BOOST_TEST(profile->default_action != "SCMP_ACT_ALLOW");
    BOOST_TEST(!policy::builtin_profile("no-such-profile").has_value());
}

BOOST_AUTO_TEST_CASE(runtime_spec_good_examples_pass_compat) {
    std::string dir = spec_example();
    BOOST_TEST_REQUIRE(!dir.empty(), "runtime-spec not found (../shared or WARD_SPEC_DIR)");
    policy::Policy compat = shipped("compat");
    int seen = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        std::string text = read_file(entry.path());
        if (auto at = text.find("0.5.0-dev"); at != std::string::npos)
            text.replace(at, 9, "1.0.0"); // ward reads 1.x only (see test_spec_examples)
        BOOST_TEST_CONTEXT(entry.path().filename()) {
            spec::Spec s = spec::parse_spec(text);
            BOOST_TEST(policy::apply(compat, s).empty());
            BOOST_TEST(!policy::refuses(policy::evaluate(compat, s)));
            ++seen;
        }
    }
    BOOST_TEST(seen >= 9);
}

// org.systemd.property.* annotations (systemdProperties): hardened lets a
// config set only what CRI-O and podman set (ordering, stop timeout and
// signal, collection, description), baseline the scope's lifecycle too,
// compat everything with a warning; none of them a property that undoes
// another rule. Without the rule every annotation refuses; under the
// cgroupfs driver (which ignores them) none is judged.
BOOST_AUTO_TEST_CASE(systemd_properties_by_policy) {
    const std::string prefix = "org.systemd.property.";
    // The property names each shipped policy refuses, from one config.
    auto refused = [&](const policy::Policy& p, const std::vector<std::string>& names,
                       const policy::CreateFacts& facts = {}) {
        spec::Spec s = good_spec();
        for (const auto& n : names)
            s.annotations[prefix + n] = "true";
        std::vector<std::string> out;
        for (const auto& f : policy::evaluate(p, s, facts)) {
            if (f.rule != "systemdProperties")
                continue; // compat's others (user, resources)
            BOOST_TEST(f.field == "annotations");
            out.push_back(f.item.substr(prefix.size()) +
                          (f.action == policy::Action::enforce ? "" : " (warn)"));
        }
        return out;
    };
    using V = std::vector<std::string>;
    const V clients = {"After",      "CollectMode",     "DefaultDependencies", "Description",
                       "KillSignal", "TimeoutStopUSec", "TimeoutStopSec"};
    const V lifecycle = {"Before", "OOMPolicy", "RuntimeMaxSec", "SendSIGKILL"}; // key order
    const V undoing = {"DeviceAllow",
                       "DevicePolicy",
                       "IPAddressAllow",
                       "BPFProgram",
                       "MemoryMax",
                       "TasksMax",
                       "Wants",
                       "Conflicts",
                       "MemoryAccounting",
                       "ManagedOOMPreference",
                       "SuccessAction"};
    for (const char* name : {"hardened", "baseline", "compat"})
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST(refused(shipped(name), clients).empty());
        }
    BOOST_TEST(refused(hardened(), lifecycle) == lifecycle, boost::test_tools::per_element());
    BOOST_TEST(refused(shipped("baseline"), lifecycle).empty());
    V sorted = undoing;
    std::sort(sorted.begin(), sorted.end()); // findings come in annotation (key) order
    BOOST_TEST(refused(hardened(), undoing) == sorted, boost::test_tools::per_element());
    BOOST_TEST(refused(shipped("baseline"), undoing) == sorted, boost::test_tools::per_element());
    V warned;
    for (const auto& n : sorted)
        warned.push_back(n + " (warn)");
    BOOST_TEST(refused(shipped("compat"), undoing) == warned, boost::test_tools::per_element());

    // The message names the annotation (and the ...USec name it counts as).
    spec::Spec s = good_spec();
    s.annotations[prefix + "RuntimeMaxSec"] = "5";
    auto f = policy::evaluate(hardened(), s);
    BOOST_TEST_REQUIRE(f.size() == 1u);
    BOOST_TEST(f[0].message == "policy \"hardened\": annotations contains "
                               "org.systemd.property.RuntimeMaxSec (RuntimeMaxUSec), allowed: unit "
                               "properties After, CollectMode, DefaultDependencies, Description, "
                               "KillSignal, TimeoutStopUSec");
    BOOST_TEST(f[0].item == prefix + "RuntimeMaxSec");

    // No rule: refused, saying so. "*": anything.
    policy::Policy none = hardened();
    none.systemd_properties.reset();
    f = policy::evaluate(none, s);
    BOOST_TEST_REQUIRE(f.size() == 1u);
    BOOST_TEST(policy::refuses(f));
    BOOST_TEST(f[0].message.ends_with("allowed: no unit properties (the policy has no "
                                      "systemdProperties rule)"));
    policy::Policy all = hardened();
    all.systemd_properties->names = {"*"};
    BOOST_TEST(refused(all, undoing).empty());

    // The cgroupfs driver ignores the annotations, so create judges none;
    // unknown (ward policy check, audit) or systemd: judged.
    policy::CreateFacts cgroupfs, systemd;
    cgroupfs.systemd_cgroup = false;
    systemd.systemd_cgroup = true;
    BOOST_TEST(refused(hardened(), undoing, cgroupfs).empty());
    BOOST_TEST(refused(hardened(), undoing, systemd) == sorted, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(hardened_refuses_the_spec_example_with_reasons) {
    std::string dir = spec_example();
    BOOST_TEST_REQUIRE(!dir.empty(), "runtime-spec not found (../shared or WARD_SPEC_DIR)");
    std::string text = read_file(dir + "/spec-example.json");
    text.replace(text.find("0.5.0-dev"), 9, "1.0.0");
    spec::Spec s = spec::parse_spec(text);
    policy::apply(hardened(), s);
    auto findings = policy::evaluate(hardened(), s);
    BOOST_TEST(policy::refuses(findings));
    auto has = [&](const std::string& m) {
        auto all = messages(findings);
        return std::find(all.begin(), all.end(), "policy \"hardened\": " + m) != all.end();
    };
    BOOST_TEST(has("linux.seccomp.defaultAction is SCMP_ACT_ALLOW, allowed: an action that "
                   "denies (not SCMP_ACT_ALLOW or SCMP_ACT_LOG)"));
    BOOST_TEST(has("process.capabilities.bounding contains CAP_AUDIT_WRITE, allowed: "
                   "CAP_NET_BIND_SERVICE"));
    BOOST_TEST(has("process.capabilities.ambient contains CAP_NET_BIND_SERVICE, allowed: none"));
    BOOST_TEST(has("linux.devices contains /dev/sda, allowed: none"));
    BOOST_TEST(has("process.capabilities.inheritable contains CAP_AUDIT_WRITE, allowed: what "
                   "process.capabilities.ambient needs (CAP_NET_BIND_SERVICE)"));
    BOOST_TEST(has("hooks.prestart[0].path is /usr/bin/fix-mounts, allowed: none"));
    BOOST_TEST(has("hooks.poststop[0].path is /usr/sbin/cleanup.sh, allowed: none"));
    BOOST_TEST(has("linux.sysctl contains net.ipv4.ip_forward, allowed: kernel.shm_rmid_forced, "
                   "net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, "
                   "net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, "
                   "net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_keepalive_time, "
                   "net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, "
                   "net.ipv4.tcp_keepalive_probes"));
}

BOOST_AUTO_TEST_CASE(selection_order_flag_then_env_then_builtin) {
    ::unsetenv("WARD_POLICY");
    auto flag = policy::select_policy("contrib/policies/compat.json");
    BOOST_TEST(flag.policy.name == "compat");
    BOOST_TEST(flag.source == "--policy contrib/policies/compat.json");
    ::setenv("WARD_POLICY", "contrib/policies/baseline.json", 1);
    auto env = policy::select_policy("");
    BOOST_TEST(env.policy.name == "baseline");
    BOOST_TEST(env.source == "WARD_POLICY=contrib/policies/baseline.json");
    BOOST_TEST(policy::select_policy("contrib/policies/compat.json").policy.name == "compat");
    ::unsetenv("WARD_POLICY");
    if (!fs::exists("/etc/ward/policy.json")) {
        auto builtin = policy::select_policy("");
        BOOST_TEST(builtin.policy.name == "hardened");
        BOOST_TEST(builtin.source == "built-in");
    }
    BOOST_CHECK_THROW(policy::select_policy("/nonexistent/policy.json"), Error);
}

BOOST_AUTO_TEST_SUITE_END()
