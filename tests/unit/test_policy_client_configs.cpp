// The shipped policies against the configs real engines generate for a
// default container (captured by the clients lane into tests/data/clients:
// containerd's ctr, podman, Docker). baseline exists to admit those and
// refuse what Kubernetes' baseline Pod Security Standard refuses; hardened
// refuses them (an engine's defaults are not hardened).
#include "ward/base/file.hpp"
#include "ward/policy/policy.hpp"
#include "ward/seccomp/profiles.hpp"
#include "ward/spec/parse.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>

using namespace ward;

namespace {

policy::Policy shipped(const std::string& name) {
    std::string path = "contrib/policies/" + name + ".json";
    return policy::parse_policy(read_file(path), path);
}

const char* const kCaptured[] = {"containerd-default", "docker-default", "docker-network-none",
                                 "podman-default"};

// A captured config as the engine wrote it, with the policy's fills (the
// seccomp profile baseline fills when an engine sends none), so evaluate
// judges what create would start. The capture's placeholder for a host's
// rlimit becomes a number again.
spec::Spec captured(const std::string& name, const policy::Policy& p) {
    std::string path = "tests/data/clients/" + name + ".json";
    std::string text = read_file(path);
    for (std::size_t at; (at = text.find("\"<limit>\"")) != std::string::npos;)
        text.replace(at, 9, "1048576");
    spec::Spec s = spec::parse_spec(text, path);
    policy::set_profile_provider(seccomp::find_builtin_profile);
    policy::apply(p, s);
    return s;
}

std::vector<std::string> refusals(const std::vector<policy::Finding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings)
        if (f.action == policy::Action::enforce)
            out.push_back(f.message);
    return out;
}

void drop_namespace(spec::Spec& s, const std::string& type) {
    auto& ns = s.linux->namespaces;
    ns.erase(std::remove_if(ns.begin(), ns.end(), [&](auto& n) { return n.type == type; }),
             ns.end());
}

} // namespace

BOOST_AUTO_TEST_SUITE(policy_client_configs)

BOOST_AUTO_TEST_CASE(baseline_admits_every_engines_default_container) {
    policy::Policy baseline = shipped("baseline");
    for (const char* name : kCaptured) {
        BOOST_TEST_CONTEXT(name) {
            spec::Spec s = captured(name, baseline);
            for (const auto& refusal : refusals(policy::evaluate(baseline, s)))
                BOOST_ERROR(refusal);
        }
    }
}

// hostNetwork, hostPID, hostIPC: what the Pod Security baseline refuses,
// whichever engine asked; the refusal names the setting that asked for it.
BOOST_AUTO_TEST_CASE(baseline_refuses_each_host_namespace_naming_the_setting) {
    policy::Policy baseline = shipped("baseline");
    const std::pair<const char*, const char*> cases[] = {
        {"network", "(a Kubernetes hostNetwork pod, --network host)"},
        {"pid", "(a Kubernetes hostPID pod, --pid host)"},
        {"ipc", "(a Kubernetes hostIPC pod, --ipc host)"},
        {"uts", "(--uts host; containerd gives a hostNetwork pod the host's too)"},
    };
    for (const char* name : kCaptured)
        for (const auto& [type, setting] : cases) {
            BOOST_TEST_CONTEXT(name << " without " << type) {
                spec::Spec s = captured(name, baseline);
                drop_namespace(s, type);
                auto found = refusals(policy::evaluate(baseline, s));
                BOOST_TEST_REQUIRE(found.size() == 1u);
                BOOST_TEST(found[0].find(std::string("policy \"baseline\": linux.namespaces has "
                                                     "no ") +
                                         type +
                                         " namespace: the container would share the host's " +
                                         setting) == 0u,
                           found[0]);
            }
        }
}

// containerd's sandbox of a hostNetwork pod has neither a network nor a
// uts namespace: refused for both, on purpose.
BOOST_AUTO_TEST_CASE(a_host_network_pod_sandbox_is_refused_for_both_namespaces) {
    policy::Policy baseline = shipped("baseline");
    spec::Spec s = captured("containerd-default", baseline);
    drop_namespace(s, "network");
    drop_namespace(s, "uts");
    auto found = refusals(policy::evaluate(baseline, s));
    BOOST_TEST_REQUIRE(found.size() == 2u);
    BOOST_TEST(found[0].find("no uts namespace") != std::string::npos, found[0]);
    BOOST_TEST(found[1].find("no network namespace") != std::string::npos, found[1]);
}

// An engine's defaults are not hardened: hardened refuses each of them
// (capabilities at least), and compat admits them without a refusal.
BOOST_AUTO_TEST_CASE(hardened_refuses_and_compat_admits_the_defaults) {
    for (const char* name : kCaptured) {
        BOOST_TEST_CONTEXT(name) {
            policy::Policy hardened = shipped("hardened"), compat = shipped("compat");
            BOOST_TEST(!refusals(policy::evaluate(hardened, captured(name, hardened))).empty());
            BOOST_TEST(refusals(policy::evaluate(compat, captured(name, compat))).empty());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
