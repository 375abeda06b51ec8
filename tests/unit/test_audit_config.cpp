// The config audit (audit/config_audit.cpp): each check finds what it
// looks for on a minimal config and is silent once it is fixed, every
// policy finding is attached to the check that describes it, and the
// report's verdict is exactly the policy gate's for what create would run.
#include "ward/audit/config_audit.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/policy/policy.hpp"
#include "ward/seccomp/profiles.hpp"
#include "ward/spec/names.hpp"
#include "ward/spec/parse.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <unistd.h>

using namespace ward;
namespace fs = std::filesystem;

namespace {

policy::Policy shipped(const std::string& name) {
    std::string path = "contrib/policies/" + name + ".json";
    return policy::parse_policy(read_file(path), path);
}

// A config no check has anything to say about beyond information: the
// hardened policy admits it as it is.
const char* const kClean = R"({
  "ociVersion": "1.2.0",
  "process": {
    "cwd": "/", "args": ["sh"], "user": {"uid": 1000, "gid": 1000},
    "noNewPrivileges": true,
    "apparmorProfile": "ward-default", "selinuxLabel": "system_u:system_r:container_t:s0",
    "capabilities": {"bounding": [], "effective": [], "permitted": []}
  },
  "root": {"path": "rootfs", "readonly": true},
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"},
                   {"type": "mount"}, {"type": "user"}, {"type": "cgroup"}],
    "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
    "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
    "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                    "/proc/sched_debug", "/proc/scsi", "/sys/firmware"],
    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
    "resources": {"pids": {"limit": 100}, "memory": {"limit": 104857600}},
    "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
                "syscalls": [{"names": ["read", "write", "exit_group"],
                              "action": "SCMP_ACT_ALLOW"}]}
  }
})";

spec::Spec clean() {
    return spec::parse_spec(kClean, "clean.json");
}

audit::Report run(const spec::Spec& s, const std::string& policy_name = "hardened") {
    policy::set_profile_provider(seccomp::find_builtin_profile);
    audit::ConfigSubject subject{"config", "test.json", s, ""};
    return audit::audit_config({shipped(policy_name), "test"}, subject);
}

std::vector<const audit::Finding*> with(const audit::Report& r, const std::string& id) {
    std::vector<const audit::Finding*> out;
    for (const auto& f : r.findings)
        if (f.rule_id == id)
            out.push_back(&f);
    return out;
}

bool has(const audit::Report& r, const std::string& id, const std::string& path = "") {
    return std::any_of(r.findings.begin(), r.findings.end(), [&](const audit::Finding& f) {
        return f.rule_id == id && (path.empty() || f.path == path);
    });
}

} // namespace

BOOST_AUTO_TEST_SUITE(audit_config)

BOOST_AUTO_TEST_CASE(clean_config_passes_hardened_with_information_only) {
    auto r = run(clean());
    BOOST_TEST(!r.refused);
    for (const auto& f : r.findings) {
        BOOST_TEST_CONTEXT(f.rule_id + " " + f.path + ": " + f.message) {
            BOOST_TEST(!f.breaks.has_value());
            BOOST_TEST((f.severity == audit::Severity::info || f.rule_id == "WARD-USER-001"));
        }
    }
    for (const auto& line : r.filled)
        BOOST_TEST(line.find("seccomp") == std::string::npos, line);
}

BOOST_AUTO_TEST_CASE(each_retained_capability_with_what_it_allows) {
    auto s = clean();
    s.process->capabilities->bounding = {"CAP_SYS_ADMIN", "CAP_NET_BIND_SERVICE"};
    s.process->capabilities->effective = {"CAP_SYS_ADMIN"};
    auto r = run(s);
    auto caps = with(r, "WARD-CAP-001");
    BOOST_TEST_REQUIRE(caps.size() == 3u);
    BOOST_TEST(caps[0]->path == "process.capabilities.bounding");
    BOOST_TEST(caps[0]->value.as_string() == "CAP_SYS_ADMIN");
    BOOST_TEST((caps[0]->severity == audit::Severity::critical));
    BOOST_TEST(caps[0]->message.find("mount") != std::string::npos);
    BOOST_TEST(caps[0]->breaks.has_value());
    // Allowed by hardened: reported, low, breaks nothing.
    BOOST_TEST(caps[1]->value.as_string() == "CAP_NET_BIND_SERVICE");
    BOOST_TEST((caps[1]->severity == audit::Severity::low));
    BOOST_TEST(!caps[1]->breaks.has_value());
    BOOST_TEST(caps[2]->path == "process.capabilities.effective");
    BOOST_TEST(r.refused);
    s.process->capabilities = spec::Capabilities{};
    BOOST_TEST(!has(run(s), "WARD-CAP-001"));
}

BOOST_AUTO_TEST_CASE(inheritable_without_ambient_and_the_full_set) {
    auto s = clean();
    s.process->capabilities->inheritable = {"CAP_NET_BIND_SERVICE"};
    auto r = run(s);
    auto inh = with(r, "WARD-CAP-003");
    BOOST_TEST_REQUIRE(inh.size() == 1u);
    // The one policy finding (inheritance) goes to CAP-003, not to CAP-001
    // (the capability itself is allowed).
    BOOST_TEST(inh[0]->breaks.has_value());
    BOOST_TEST(!with(r, "WARD-CAP-001")[0]->breaks.has_value());
    s.process->capabilities->bounding = spec::capability_names();
    BOOST_TEST(has(run(s), "WARD-CAP-002"));
}

BOOST_AUTO_TEST_CASE(seccomp_missing_or_allowing_as_create_would_run_it) {
    auto s = clean();
    s.linux->seccomp.reset();
    auto compat = run(s, "compat");
    auto missing = with(compat, "WARD-SECCOMP-001");
    BOOST_TEST_REQUIRE(missing.size() == 1u);
    BOOST_TEST((missing[0]->breaks && missing[0]->breaks->action == policy::Action::warn));
    // hardened fills default-deny, so create would run a filter: no finding.
    auto hardened = run(s);
    BOOST_TEST(!has(hardened, "WARD-SECCOMP-001"));
    BOOST_TEST(!hardened.filled.empty());
    s = clean();
    s.linux->seccomp->default_action = "SCMP_ACT_ALLOW";
    auto allow = run(s);
    BOOST_TEST(has(allow, "WARD-SECCOMP-002", "linux.seccomp.defaultAction"));
    BOOST_TEST(allow.refused);
}

// Dangerous calls come from the decoded program, not the profile's text:
// a call allowed only for some arguments is reported as such.
BOOST_AUTO_TEST_CASE(seccomp_dangerous_calls_and_allowed_count) {
    auto s = clean();
    auto& calls = s.linux->seccomp->syscalls;
    calls.push_back({{"mount", "keyctl"}, "SCMP_ACT_ALLOW", std::nullopt, {}});
    calls.push_back({{"personality"}, "SCMP_ACT_ALLOW", std::nullopt, {{0, 0, 0, "SCMP_CMP_EQ"}}});
    auto r = run(s);
    auto bad = with(r, "WARD-SECCOMP-004");
    BOOST_TEST_REQUIRE(bad.size() == 3u);
    std::vector<std::string> names;
    for (auto* f : bad)
        names.push_back(f->value.as_string());
    std::sort(names.begin(), names.end());
    BOOST_TEST(names == (std::vector<std::string>{"keyctl", "mount", "personality"}),
               boost::test_tools::per_element());
    for (auto* f : bad)
        if (f->value.as_string() == "personality")
            BOOST_TEST((f->severity == audit::Severity::medium));
    auto counts = with(r, "WARD-SECCOMP-003");
    BOOST_TEST_REQUIRE(counts.size() == 1u);
    BOOST_TEST(counts[0]->value.find("allowed")->as_int64().value_or(-1) == 5);
    BOOST_TEST(!has(run(clean()), "WARD-SECCOMP-004"));
}

BOOST_AUTO_TEST_CASE(nnp_readonly_root_and_kernel_paths) {
    auto s = clean();
    s.process->no_new_privileges = false;
    s.root->readonly = false;
    s.linux->masked_paths->erase(s.linux->masked_paths->begin() + 2); // /proc/kcore
    auto r = run(s);
    BOOST_TEST(has(r, "WARD-NNP-001", "process.noNewPrivileges"));
    BOOST_TEST(has(r, "WARD-ROOTFS-001", "root.readonly"));
    auto masked = with(r, "WARD-PATHS-001");
    BOOST_TEST_REQUIRE(masked.size() == 1u);
    BOOST_TEST(masked[0]->value.as_string() == "/proc/kcore");
    BOOST_TEST(masked[0]->breaks.has_value());
    BOOST_TEST(!has(r, "WARD-PATHS-003"));
    for (auto* f : {with(r, "WARD-NNP-001")[0], with(r, "WARD-ROOTFS-001")[0]})
        BOOST_TEST((f->breaks && f->breaks->action == policy::Action::enforce));
    s.linux->masked_paths = std::vector<std::string>{};
    s.linux->readonly_paths = std::vector<std::string>{};
    auto unmasked = run(s, "compat");
    BOOST_TEST(has(unmasked, "WARD-PATHS-003"));
    BOOST_TEST(with(unmasked, "WARD-PATHS-002").size() == 5u);
}

BOOST_AUTO_TEST_CASE(host_namespaces_each_with_its_rule) {
    auto s = clean();
    auto& ns = s.linux->namespaces;
    ns.erase(std::remove_if(ns.begin(), ns.end(),
                            [](auto& n) { return n.type == "network" || n.type == "user"; }),
             ns.end());
    s.linux->uid_mappings.clear();
    s.linux->gid_mappings.clear();
    for (auto& n : ns)
        if (n.type == "ipc")
            n.path = "/proc/1/ns/ipc";
    auto r = run(s);
    auto net = with(r, "WARD-NS-002");
    BOOST_TEST_REQUIRE(net.size() == 1u);
    BOOST_TEST(net[0]->breaks.has_value());
    BOOST_TEST(has(r, "WARD-NS-005"));
    BOOST_TEST(!has(r, "WARD-NS-001"));
    auto joined = with(r, "WARD-NS-008");
    BOOST_TEST_REQUIRE(joined.size() == 1u);
    BOOST_TEST(joined[0]->value.as_string() == "/proc/1/ns/ipc");
    BOOST_TEST(joined[0]->breaks.has_value());
    // Root without a user namespace is worse than root inside one.
    auto root = s;
    root.process->user.uid = 0;
    BOOST_TEST((with(run(root), "WARD-USER-001")[0]->severity == audit::Severity::medium));
    auto inside = clean();
    inside.process->user.uid = 0;
    BOOST_TEST((with(run(inside), "WARD-USER-001")[0]->severity == audit::Severity::low));
    BOOST_TEST(!has(run(clean()), "WARD-USER-001"));
}

BOOST_AUTO_TEST_CASE(devices_and_host_mounts) {
    auto s = clean();
    spec::Device sda;
    sda.type = "b";
    sda.path = "/dev/sda";
    sda.major = 8;
    s.linux->devices.push_back(sda);
    s.linux->resources->devices.push_back({true, "a", std::nullopt, std::nullopt, "rwm"});
    auto bind = [](std::string src, std::string dst, std::vector<std::string> opts) {
        spec::Mount m;
        m.source = std::move(src);
        m.destination = std::move(dst);
        m.type = "bind";
        m.options = std::move(opts);
        return m;
    };
    s.mounts.push_back(bind("/var/run/docker.sock", "/var/run/docker.sock", {"rbind"}));
    s.mounts.push_back(bind("/etc/", "/host-etc", {"rbind", "ro"}));
    s.mounts.push_back(bind("/srv/data", "/data", {"rbind", "rshared"}));
    spec::Mount overlay;
    overlay.destination = "/x";
    overlay.type = "overlay";
    overlay.source = "overlay";
    s.mounts.push_back(overlay);
    auto r = run(s);
    BOOST_TEST(has(r, "WARD-DEV-001", "linux.devices[0].path"));
    BOOST_TEST(has(r, "WARD-DEV-002", "linux.resources.devices[0]"));
    BOOST_TEST(has(r, "WARD-MOUNT-002", "mounts[1].source"));
    BOOST_TEST(has(r, "WARD-MOUNT-001", "mounts[2].source"));
    auto data = with(r, "WARD-MOUNT-005");
    BOOST_TEST_REQUIRE(data.size() == 1u);
    BOOST_TEST(!data[0]->breaks.has_value());
    BOOST_TEST(has(r, "WARD-MOUNT-003", "mounts[3].options"));
    BOOST_TEST(has(r, "WARD-MOUNT-004", "mounts[4].type"));
    for (const char* id : {"WARD-DEV-001", "WARD-DEV-002", "WARD-MOUNT-001", "WARD-MOUNT-002",
                           "WARD-MOUNT-003", "WARD-MOUNT-004"})
        BOOST_TEST(with(r, id)[0]->breaks.has_value(), id);
    auto fixed = clean();
    auto rf = run(fixed);
    for (const char* id : {"WARD-DEV-001", "WARD-DEV-002", "WARD-MOUNT-001", "WARD-MOUNT-002",
                           "WARD-MOUNT-003", "WARD-MOUNT-004", "WARD-MOUNT-005"})
        BOOST_TEST(!has(rf, id), id);
}

BOOST_AUTO_TEST_CASE(limits_sysctls_hooks_rlimits_mac) {
    auto s = clean();
    s.linux->resources->pids.reset();
    s.linux->resources->memory->limit = -1;
    s.linux->sysctl["kernel.msgmax"] = "65536";
    s.linux->sysctl["net.ipv4.ping_group_range"] = "0 0";
    s.hooks = spec::Hooks{};
    s.hooks->prestart.push_back({"/usr/bin/setup-network", {}, {}, std::nullopt});
    s.process->rlimits.push_back({"RLIMIT_NOFILE", 1024, UINT64_MAX});
    s.process->apparmor_profile.clear();
    auto r = run(s, "compat");
    BOOST_TEST(has(r, "WARD-RES-001", "linux.resources.pids.limit"));
    BOOST_TEST(has(r, "WARD-RES-002", "linux.resources.memory.limit"));
    BOOST_TEST(with(r, "WARD-RES-001")[0]->breaks.has_value());
    auto sysctls = with(r, "WARD-SYSCTL-001");
    BOOST_TEST_REQUIRE(sysctls.size() == 2u);
    BOOST_TEST(sysctls[0]->path == "linux.sysctl[\"kernel.msgmax\"]");
    BOOST_TEST((sysctls[0]->severity == audit::Severity::medium));
    BOOST_TEST(sysctls[0]->breaks.has_value());
    BOOST_TEST((sysctls[1]->severity == audit::Severity::low));
    BOOST_TEST(!sysctls[1]->breaks.has_value());
    BOOST_TEST(has(r, "WARD-HOOK-001", "hooks.prestart[0].path"));
    BOOST_TEST(with(r, "WARD-HOOK-001")[0]->breaks.has_value());
    BOOST_TEST((with(r, "WARD-RLIMIT-001")[0]->severity == audit::Severity::low));
    BOOST_TEST(has(r, "WARD-MAC-001"));
    BOOST_TEST(!has(r, "WARD-MAC-002"));
    auto rc = run(clean(), "compat");
    for (const char* id : {"WARD-RES-001", "WARD-RES-002", "WARD-SYSCTL-001", "WARD-HOOK-001",
                           "WARD-RLIMIT-001", "WARD-MAC-001"})
        BOOST_TEST(!has(rc, id), id);
}

// org.systemd.property.* annotations: one finding each, high for a
// property that undoes confinement, with the policy's finding attached
// when its systemdProperties rule refuses the name.
BOOST_AUTO_TEST_CASE(unit_properties_from_annotations) {
    auto s = clean();
    s.annotations["org.systemd.property.DeviceAllow"] = "@as []";
    s.annotations["org.systemd.property.TimeoutStopSec"] = "10";
    s.annotations["org.systemd.property.RuntimeMaxSec"] = "60";
    s.annotations["org.systemd.property.Wants"] = "['sshd.service']";
    s.annotations["io.example.other"] = "x";
    auto r = run(s);
    auto units = with(r, "WARD-UNIT-001");
    BOOST_TEST_REQUIRE(units.size() == 4u);
    BOOST_TEST((units[3]->severity == audit::Severity::medium)); // Wants: a host service
    BOOST_TEST(units[0]->path == "annotations[\"org.systemd.property.DeviceAllow\"]");
    BOOST_TEST((units[0]->severity == audit::Severity::high));
    BOOST_TEST(units[0]->message == "sets the unit property DeviceAllow of the container's "
                                    "systemd scope (with --systemd-cgroup)");
    BOOST_TEST(units[0]->breaks.has_value());
    BOOST_TEST(units[1]->message.find("RuntimeMaxUSec") != std::string::npos);
    BOOST_TEST((units[1]->severity == audit::Severity::low));
    BOOST_TEST(units[1]->breaks.has_value());  // hardened allows only what clients set
    BOOST_TEST(!units[2]->breaks.has_value()); // TimeoutStopUSec: allowed
    BOOST_TEST(r.refused);
    BOOST_TEST(!has(r, "WARD-POLICY-001"));
    BOOST_TEST(!has(run(clean()), "WARD-UNIT-001"));
}

BOOST_AUTO_TEST_CASE(a_config_alone_has_no_trust_verdict) {
    auto r = run(clean());
    auto trust = with(r, "WARD-TRUST-001");
    BOOST_TEST_REQUIRE(trust.size() == 1u);
    BOOST_TEST((trust[0]->severity == audit::Severity::info));
}

// A bundle is judged with the facts create gathers: a bind source that is
// a symlink to /proc is caught by what it opens to, which its string does
// not say, and the trust step gives its verdict.
BOOST_AUTO_TEST_CASE(a_bundle_is_judged_with_creates_facts) {
    fs::path dir = fs::temp_directory_path() / ("ward-audit-unit-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "rootfs");
    fs::create_symlink("/proc", dir / "proc-link");
    auto s = clean();
    spec::Mount m;
    m.source = "proc-link";
    m.destination = "/host-proc";
    m.type = "bind";
    m.options = {"rbind"};
    s.mounts.push_back(m);
    write_file_atomic((dir / "config.json").string(), json::serialize(spec::spec_to_json(s)));
    policy::set_profile_provider(seccomp::find_builtin_profile);
    auto subject = audit::load_subject(dir.string());
    BOOST_TEST(subject.kind == "bundle");
    auto r = audit::audit_config({shipped("baseline"), "test"}, subject);
    auto host = with(r, "WARD-MOUNT-001");
    BOOST_TEST_REQUIRE(host.size() == 1u);
    BOOST_TEST(host[0]->message.find("/proc on this host") != std::string::npos);
    BOOST_TEST((host[0]->breaks && host[0]->breaks->action == policy::Action::enforce));
    BOOST_TEST(r.refused);
    auto trust = with(r, "WARD-TRUST-001");
    BOOST_TEST_REQUIRE(trust.size() == 1u);
    BOOST_TEST(trust[0]->message.find("unverified") != std::string::npos);
    // A config alone is judged by its strings: "proc-link" is nothing.
    auto alone = run(s, "baseline");
    BOOST_TEST(!has(alone, "WARD-MOUNT-001"));
    BOOST_TEST(!alone.refused);
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(every_rule_a_check_names_is_in_the_catalogue) {
    for (const auto& r : audit::rules()) {
        BOOST_TEST(!r.title.empty(), r.id);
        BOOST_TEST(!r.help.empty(), r.id);
    }
    BOOST_CHECK_THROW(audit::rule("WARD-NO-SUCH"), Error);
}

namespace {

std::vector<std::string> data_configs() {
    std::vector<std::string> out;
    for (const char* dir : {"tests/data/clients", "tests/data/audit"})
        if (fs::is_directory(dir))
            for (const auto& e : fs::directory_iterator(dir))
                if (e.path().extension() == ".json")
                    out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

// The report's verdict is the gate's verdict on what create would run,
// and every finding the gate makes is in the report, attached once, to a
// check that describes it (none left for the catch-all rule).
BOOST_AUTO_TEST_CASE(verdict_is_the_policy_gates_for_every_config_in_tests_data) {
    policy::set_profile_provider(seccomp::find_builtin_profile);
    auto configs = data_configs();
    BOOST_TEST_REQUIRE(configs.size() >= 5u);
    for (const std::string& path : configs) {
        std::string text = read_file(path);
        // The clients lane's placeholder for a host's rlimit (as
        // test_policy_client_configs does).
        for (std::size_t at; (at = text.find("\"<limit>\"")) != std::string::npos;)
            text.replace(at, 9, "1048576");
        spec::Spec parsed = spec::parse_spec(text, path);
        for (const char* name : {"hardened", "baseline", "compat"}) {
            BOOST_TEST_CONTEXT(path << " under " << name) {
                policy::Policy p =
                    name == std::string("hardened")
                        ? policy::parse_policy(policy::builtin_hardened_text(), "built-in")
                        : shipped(name);
                spec::Spec filled = parsed;
                policy::apply(p, filled);
                auto judged = policy::evaluate(p, filled);
                auto start = std::chrono::steady_clock::now();
                auto r = audit::audit_config({p, "test"}, {"config", path, parsed, ""});
                auto ms = std::chrono::duration<double, std::milli>(
                              std::chrono::steady_clock::now() - start)
                              .count();
                BOOST_TEST_MESSAGE("audit " << path << " under " << name << ": " << ms << " ms");
                BOOST_TEST(r.refused == policy::refuses(judged));
                std::vector<std::string> want, got;
                for (const auto& j : judged)
                    want.push_back(j.message);
                for (const auto& f : r.findings) {
                    if (f.breaks)
                        got.push_back(f.breaks->message);
                    BOOST_TEST(f.rule_id != "WARD-POLICY-001", f.message);
                }
                std::sort(want.begin(), want.end());
                std::sort(got.begin(), got.end());
                BOOST_TEST(want == got, boost::test_tools::per_element());
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
