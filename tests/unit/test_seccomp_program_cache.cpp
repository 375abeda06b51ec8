// The seccomp program cache (seccomp/program_cache.hpp): a config's own
// profile is compiled once; what the cache hands back is the program
// libseccomp makes now, instruction for instruction, and anything about a
// cached entry that is not as remembered sends the build to libseccomp.
#include "trust_helpers.hpp"
#include "ward/base/file.hpp"
#include "ward/seccomp/filter.hpp"
#include "ward/seccomp/profiles.hpp"
#include "ward/seccomp/program_cache.hpp"
#include "ward/spec/parse.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>

using namespace ward;
using ward::test::TempDir;
namespace fs = std::filesystem;

namespace {

// The Docker-style profile podman sends with every container (the config
// the clients lane captured), and the built-in profiles as a config that
// brought them itself would.
std::vector<std::pair<std::string, spec::Seccomp>> own_profiles() {
    std::vector<std::pair<std::string, spec::Seccomp>> out;
    std::string text = read_file("tests/data/clients/podman-default.json");
    for (std::size_t at; (at = text.find("\"<limit>\"")) != std::string::npos;)
        text.replace(at, 9, "1048576");
    spec::Spec podman = spec::parse_spec(text, "podman-default.json");
    BOOST_REQUIRE(podman.linux && podman.linux->seccomp);
    out.emplace_back("podman-default", *podman.linux->seccomp);
    for (const auto& name : seccomp::builtin_profile_names()) {
        spec::Seccomp s = seccomp::builtin_profile_spec(name);
        s.builtin_profile.clear();
        out.emplace_back(name, s);
    }
    return out;
}

void require_same_program(const seccomp::Filter& a, const seccomp::Filter& b,
                          const std::string& name) {
    BOOST_TEST(a.rule_count() == b.rule_count(), name);
    BOOST_TEST(a.kernel_flags() == b.kernel_flags(), name);
    BOOST_TEST(a.uses_notify() == b.uses_notify(), name);
    auto pa = a.program();
    auto pb = b.program();
    BOOST_TEST_REQUIRE(pa.size() == pb.size(), name);
    for (size_t i = 0; i < pa.size(); ++i) {
        bool same = pa[i].code == pb[i].code && pa[i].jt == pb[i].jt && pa[i].jf == pb[i].jf &&
                    pa[i].k == pb[i].k;
        BOOST_TEST(same, name << ": instruction " << i);
    }
}

std::vector<fs::path> entries(const TempDir& t) {
    std::vector<fs::path> out;
    if (fs::exists(t.str("@seccomp")))
        for (const auto& e : fs::directory_iterator(t.str("@seccomp")))
            out.push_back(e.path());
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(seccomp_program_cache)

BOOST_AUTO_TEST_CASE(a_cached_program_equals_a_fresh_compile) {
    TempDir t;
    seccomp::ProgramCache cache(t.str());
    auto profiles = own_profiles();
    for (const auto& [name, profile] : profiles) {
        seccomp::Filter first = seccomp::Filter::build(profile, &cache);
        BOOST_TEST(!first.from_cache(), name);
        seccomp::Filter again = seccomp::Filter::build(profile, &cache);
        BOOST_TEST(again.from_cache(), name);
        require_same_program(again, seccomp::Filter::compile(profile), name);
    }
    BOOST_TEST(entries(t).size() == profiles.size());
    // The built-in profiles as the policy fills them never come here.
    spec::Seccomp builtin = seccomp::builtin_profile_spec(seccomp::builtin_profile_names().front());
    BOOST_TEST(seccomp::Filter::build(builtin, &cache).precompiled());
    BOOST_TEST(entries(t).size() == profiles.size());
}

BOOST_AUTO_TEST_CASE(every_field_of_a_profile_is_part_of_its_key) {
    spec::Seccomp base = own_profiles().front().second;
    BOOST_REQUIRE(!base.syscalls.empty());
    std::string key = seccomp::ProgramCache::key_of(base);
    std::vector<std::pair<std::string, spec::Seccomp>> changed(7, {"", base});
    changed[0] = {"defaultAction", base};
    changed[0].second.default_action = "SCMP_ACT_KILL_PROCESS";
    changed[1] = {"defaultErrnoRet", base};
    changed[1].second.default_errno_ret = base.default_errno_ret.value_or(0) + 1;
    changed[2] = {"architectures", base};
    changed[2].second.architectures.pop_back();
    changed[3] = {"a rule's action", base};
    changed[3].second.syscalls[0].action = "SCMP_ACT_LOG";
    changed[4] = {"a rule's errno", base};
    changed[4].second.syscalls[0].errno_ret = 13;
    changed[5] = {"a rule's names", base};
    changed[5].second.syscalls[0].names.push_back("getpid");
    changed[6] = {"an argument", base};
    changed[6].second.syscalls.back().args.push_back({0, 1, 0, "SCMP_CMP_EQ"});
    for (const auto& [what, profile] : changed)
        BOOST_TEST(seccomp::ProgramCache::key_of(profile) != key, what);
    spec::Seccomp moved = base;
    moved.syscalls.back().args = {{1, 2, 3, "SCMP_CMP_MASKED_EQ"}};
    spec::Seccomp other = moved;
    other.syscalls.back().args = {{1, 2, 4, "SCMP_CMP_MASKED_EQ"}};
    BOOST_TEST(seccomp::ProgramCache::key_of(moved) != seccomp::ProgramCache::key_of(other));
}

BOOST_AUTO_TEST_CASE(a_damaged_entry_is_compiled_again) {
    TempDir t;
    seccomp::ProgramCache cache(t.str());
    spec::Seccomp profile = own_profiles().front().second;
    seccomp::Filter::build(profile, &cache);
    auto files = entries(t);
    BOOST_REQUIRE_EQUAL(files.size(), 1u);
    std::string text = read_file(files[0].string());
    // One instruction short, then an instruction count that lies: both are
    // ignored, compiled afresh and written back whole.
    for (std::string damaged : {text.substr(0, text.size() - 8), text + "12345678"}) {
        test::write_bytes(files[0].string(), damaged);
        BOOST_TEST(!cache.find(profile));
        seccomp::Filter rebuilt = seccomp::Filter::build(profile, &cache);
        BOOST_TEST(!rebuilt.from_cache());
        require_same_program(rebuilt, seccomp::Filter::compile(profile), "rebuilt");
        BOOST_TEST(seccomp::Filter::build(profile, &cache).from_cache());
    }
}

BOOST_AUTO_TEST_SUITE_END()
