// The pure parts of rootless: where state and store go for an unprivileged
// caller, what `ward spec --rootless` writes, and what the hardened policy
// makes of it (tests/rootless/run.sh runs it for real).
#include "fake_env.hpp"
#include "trust_helpers.hpp"
#include "ward/base/error.hpp"
#include "ward/base/user_dirs.hpp"
#include "ward/json/json.hpp"
#include "ward/policy/policy.hpp"
#include "ward/seccomp/profiles.hpp"
#include "ward/spec/parse.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>
#include <unistd.h>

using namespace ward;
using ward::test::env_of;
using ward::test::error_of;

namespace {

bool has_namespace(const spec::Spec& s, const std::string& type) {
    return std::any_of(
        s.linux->namespaces.begin(), s.linux->namespaces.end(),
        [&](const spec::Namespace& ns) { return ns.type == type && ns.path.empty(); });
}

const spec::Mount& mount_at(const spec::Spec& s, const std::string& destination) {
    auto it = std::find_if(s.mounts.begin(), s.mounts.end(),
                           [&](const spec::Mount& m) { return m.destination == destination; });
    BOOST_REQUIRE(it != s.mounts.end());
    return *it;
}

std::vector<std::string> messages(const std::vector<policy::Finding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings)
        out.push_back(f.message);
    return out;
}

policy::Policy hardened() {
    return policy::parse_policy(policy::builtin_hardened_text(), "built-in");
}

// The policy fills built-in seccomp profiles through this hook (main sets
// it at startup).
struct Profiles {
    Profiles() { policy::set_profile_provider(seccomp::find_builtin_profile); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(rootless, *boost::unit_test::fixture<Profiles>())

BOOST_AUTO_TEST_CASE(state_root_is_run_ward_for_root_and_xdg_runtime_dir_for_a_user) {
    auto xdg = env_of({{"XDG_RUNTIME_DIR", "/run/user/1000"}});
    BOOST_TEST(default_state_root(0, xdg) == "/run/ward");
    BOOST_TEST(default_state_root(1000, xdg) == "/run/user/1000/ward");
    BOOST_TEST(default_state_root(1000, env_of({{"XDG_RUNTIME_DIR", "/run/user/1000//"}})) ==
               "/run/user/1000/ward");
    // Unset, empty or relative: ignored, as the XDG spec says; runc's
    // fallback, which then fails on its permissions.
    BOOST_TEST(default_state_root(1000, env_of({})) == "/run/ward");
    BOOST_TEST(default_state_root(1000, env_of({{"XDG_RUNTIME_DIR", ""}})) == "/run/ward");
    BOOST_TEST(default_state_root(1000, env_of({{"XDG_RUNTIME_DIR", "run"}})) == "/run/ward");
}

BOOST_AUTO_TEST_CASE(store_is_var_lib_ward_for_root_and_the_users_data_home_else) {
    auto both = env_of({{"XDG_DATA_HOME", "/home/u/data"}, {"HOME", "/home/u"}});
    BOOST_TEST(default_store_root(0, both) == "/var/lib/ward");
    BOOST_TEST(default_store_root(1000, both) == "/home/u/data/ward");
    BOOST_TEST(default_store_root(1000, env_of({{"HOME", "/home/u"}})) ==
               "/home/u/.local/share/ward");
    BOOST_TEST(default_store_root(1000, env_of({{"XDG_DATA_HOME", "data"}, {"HOME", "/home/u"}})) ==
               "/home/u/.local/share/ward");
    std::string e = error_of([] { default_store_root(1000, env_of({{"HOME", "relative"}})); });
    BOOST_TEST(e.find("ward runs as uid 1000") != std::string::npos, e);
    BOOST_TEST(e.find("--store or WARD_STORE") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(spec_rootless_maps_the_caller_to_root_and_keeps_a_network_namespace) {
    spec::Spec s = spec::default_spec(true);
    BOOST_TEST(has_namespace(s, "user"));
    for (const char* type : {"pid", "network", "ipc", "uts", "mount", "cgroup"})
        BOOST_TEST(has_namespace(s, type), type);
    BOOST_TEST(s.linux->namespaces.size() == 7u);
    BOOST_REQUIRE(s.linux->uid_mappings.size() == 1u);
    BOOST_TEST(s.linux->uid_mappings[0].container_id == 0u);
    BOOST_TEST(s.linux->uid_mappings[0].host_id == ::geteuid());
    BOOST_TEST(s.linux->uid_mappings[0].size == 1u);
    BOOST_REQUIRE(s.linux->gid_mappings.size() == 1u);
    BOOST_TEST(s.linux->gid_mappings[0].host_id == ::getegid());
    BOOST_TEST(s.linux->gid_mappings[0].size == 1u);
    // No cgroup is the caller's to limit or filter devices with.
    BOOST_TEST(!s.linux->resources.has_value());
    // gid=5 names a group the one-id namespace does not have.
    const auto& pts = mount_at(s, "/dev/pts").options;
    BOOST_TEST(std::none_of(pts.begin(), pts.end(),
                            [](const std::string& o) { return o.starts_with("gid="); }));
    // The netns is the user namespace's, so sysfs mounts (runc binds the
    // host's /sys because it drops the netns).
    BOOST_TEST(mount_at(s, "/sys").type == "sysfs");
    // What is written parses back as the same config.
    spec::Spec back = spec::parse_spec(json::serialize(spec::spec_to_json(s)));
    BOOST_TEST(back.linux->uid_mappings.size() == 1u);
    BOOST_TEST(has_namespace(back, "user"));
}

BOOST_AUTO_TEST_CASE(spec_without_rootless_has_no_user_namespace) {
    spec::Spec s = spec::default_spec(false);
    BOOST_TEST(!has_namespace(s, "user"));
    BOOST_TEST(s.linux->uid_mappings.empty());
    BOOST_TEST(s.linux->resources.has_value());
}

BOOST_AUTO_TEST_CASE(hardened_policy_admits_the_rootless_spec_once_filled) {
    policy::Policy p = hardened();
    spec::Spec s = spec::default_spec(true);
    policy::apply(p, s); // the default-deny filter the config leaves out
    std::vector<std::string> found = messages(policy::evaluate(p, s));
    BOOST_TEST(found.empty(), found.size()
                                  << " findings, the first: " << (found.empty() ? "" : found[0]));
}

// runc's `spec --rootless` drops the network namespace and binds the
// host's /sys: the hardened policy refuses both, which is why ward's
// rootless config keeps a network namespace of its own.
BOOST_AUTO_TEST_CASE(hardened_policy_refuses_runcs_rootless_shape) {
    policy::Policy p = hardened();
    spec::Spec s = spec::default_spec(true);
    std::erase_if(s.linux->namespaces, [](const auto& ns) { return ns.type == "network"; });
    for (auto& m : s.mounts)
        if (m.destination == "/sys") {
            m.type = "none";
            m.source = "/sys";
            m.options = {"rbind", "nosuid", "noexec", "nodev", "ro"};
        }
    policy::apply(p, s);
    std::vector<std::string> found = messages(policy::evaluate(p, s));
    auto has = [&](const std::string& part) {
        return std::any_of(found.begin(), found.end(),
                           [&](const std::string& m) { return m.find(part) != std::string::npos; });
    };
    BOOST_TEST(has("has no network namespace"));
    BOOST_TEST(has("mounts[5].source is /sys, forbidden"));
}

BOOST_AUTO_TEST_SUITE_END()
