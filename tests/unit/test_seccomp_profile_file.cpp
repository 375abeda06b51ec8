// Profile files (seccomp/analysis.hpp parse_profile/load_profile): the OCI
// shape, a whole config.json, Docker/moby profiles resolved for a
// capability set, an architecture and a kernel, and the errors.
#include "ward/base/error.hpp"
#include "ward/seccomp/analysis.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>

using namespace ward;

namespace {

// A small moby-format profile with every kind of include and exclude.
const char* kMoby = R"({
  "defaultAction": "SCMP_ACT_ERRNO",
  "defaultErrnoRet": 1,
  "archMap": [
    {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
    {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}
  ],
  "syscalls": [
    {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW", "args": []},
    {"name": "getpid", "action": "SCMP_ACT_ALLOW", "comment": "one name"},
    {"names": ["mount", "umount2"], "action": "SCMP_ACT_ALLOW",
     "includes": {"caps": ["CAP_SYS_ADMIN"]}},
    {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW",
     "includes": {"caps": ["CAP_SYS_ADMIN", "CAP_SYS_PTRACE"]}},
    {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
    {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
     "excludes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["s390x"]}},
    {"names": ["clone"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
    {"names": ["pidfd_getfd"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "5.6"}},
    {"names": ["kexec_load"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
     "excludes": {"minKernel": "5.0"}}
  ]
})";

std::set<std::string> names(const spec::Seccomp& p) {
    std::set<std::string> out;
    for (const auto& rule : p.syscalls)
        out.insert(rule.names.begin(), rule.names.end());
    return out;
}

seccomp::ProfileSource for_(std::vector<std::string> caps, std::string arch = "SCMP_ARCH_X86_64",
                            std::string kernel = "6.1") {
    seccomp::ProfileSource s;
    s.capabilities = std::move(caps);
    s.arch = std::move(arch);
    s.kernel = std::move(kernel);
    return s;
}

std::string error_of(std::string_view text, const seccomp::ProfileSource& s = for_({})) {
    try {
        seccomp::parse_profile(text, "p.json", s);
    } catch (const Error& e) {
        return e.what();
    }
    return "(accepted)";
}

} // namespace

BOOST_AUTO_TEST_SUITE(seccomp_profile_file)

BOOST_AUTO_TEST_CASE(moby_includes_follow_capabilities) {
    auto without = seccomp::parse_profile(kMoby, "p.json", for_({}));
    auto with = seccomp::parse_profile(kMoby, "p.json", for_({"CAP_SYS_ADMIN"}));
    auto both = seccomp::parse_profile(kMoby, "p.json", for_({"CAP_SYS_ADMIN", "CAP_SYS_PTRACE"}));
    BOOST_TEST(names(without).count("mount") == 0u);
    BOOST_TEST(names(with).count("mount") == 1u);
    BOOST_TEST(names(with).count("umount2") == 1u);
    // Every listed capability is needed.
    BOOST_TEST(names(with).count("ptrace") == 0u);
    BOOST_TEST(names(both).count("ptrace") == 1u);
    // excludes: the argument-tested clone goes when CAP_SYS_ADMIN is held,
    // the unconditional one comes in.
    auto clone_rules = [](const spec::Seccomp& p) {
        std::vector<std::size_t> args;
        for (const auto& r : p.syscalls)
            if (std::find(r.names.begin(), r.names.end(), "clone") != r.names.end())
                args.push_back(r.args.size());
        return args;
    };
    BOOST_TEST(clone_rules(without) == std::vector<std::size_t>{1});
    BOOST_TEST(clone_rules(with) == std::vector<std::size_t>{0});
    BOOST_TEST(names(without).count("getpid") == 1u); // "name" as well as "names"
    BOOST_TEST(without.default_action == "SCMP_ACT_ERRNO");
    BOOST_TEST(without.default_errno_ret.value_or(0) == 1u);

    // Decoded: mount is allowed only with the capability; clone is
    // conditional without it and allowed outright with it.
    auto d_without = seccomp::analyse(without), d_with = seccomp::analyse(with);
    BOOST_TEST(d_without.allowed("SCMP_ARCH_X86_64").count("mount") == 0u);
    BOOST_TEST(d_with.allowed("SCMP_ARCH_X86_64").count("mount") == 1u);
    BOOST_TEST(d_without.allowed("SCMP_ARCH_X86_64", false).count("clone") == 0u);
    BOOST_TEST(d_without.allowed("SCMP_ARCH_X86_64", true).count("clone") == 1u);
    BOOST_TEST(d_with.allowed("SCMP_ARCH_X86_64", false).count("clone") == 1u);
}

BOOST_AUTO_TEST_CASE(moby_arch_map_and_arch_includes) {
    auto amd64 = seccomp::parse_profile(kMoby, "p.json", for_({}));
    BOOST_TEST(amd64.architectures ==
                   (std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}),
               boost::test_tools::per_element());
    BOOST_TEST(names(amd64).count("arch_prctl") == 1u);
    auto arm64 = seccomp::parse_profile(kMoby, "p.json", for_({}, "SCMP_ARCH_AARCH64"));
    BOOST_TEST(arm64.architectures ==
                   (std::vector<std::string>{"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}),
               boost::test_tools::per_element());
    BOOST_TEST(names(arm64).count("arch_prctl") == 0u);
    auto s390x = seccomp::parse_profile(kMoby, "p.json", for_({}, "SCMP_ARCH_S390X"));
    BOOST_TEST(s390x.architectures.empty());       // not in archMap: libseccomp's native one
    BOOST_TEST(names(s390x).count("clone") == 0u); // excluded on s390x
}

BOOST_AUTO_TEST_CASE(moby_min_kernel) {
    auto old_kernel = seccomp::parse_profile(kMoby, "p.json", for_({}, "SCMP_ARCH_X86_64", "4.19"));
    auto new_kernel =
        seccomp::parse_profile(kMoby, "p.json", for_({}, "SCMP_ARCH_X86_64", "5.6.0-1"));
    BOOST_TEST(names(old_kernel).count("pidfd_getfd") == 0u);
    BOOST_TEST(names(new_kernel).count("pidfd_getfd") == 1u);
    BOOST_TEST(names(old_kernel).count("kexec_load") == 1u);
    BOOST_TEST(names(new_kernel).count("kexec_load") == 0u);
}

BOOST_AUTO_TEST_CASE(oci_and_config_shapes) {
    const char* oci = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
        "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})";
    auto p = seccomp::parse_profile(oci, "oci.json");
    BOOST_TEST(names(p) == std::set<std::string>{"read"});
    std::string config =
        std::string(R"({"ociVersion": "1.2.0", "linux": {"seccomp": )") + oci + "}}";
    BOOST_TEST(names(seccomp::parse_profile(config, "config.json")) ==
               std::set<std::string>{"read"});
    std::string e = error_of(R"({"ociVersion": "1.2.0", "linux": {}})");
    BOOST_TEST(e.find("p.json: linux.seccomp: this config has no seccomp filter") == 0u, e);
    BOOST_TEST(seccomp::load_profile("default-deny").builtin_profile == "default-deny");
    e = "(accepted)";
    try {
        seccomp::load_profile("/nonexistent/profile.json");
    } catch (const Error& err) {
        e = err.what();
    }
    BOOST_TEST(e.find("/nonexistent/profile.json") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(errors_name_the_field) {
    auto check = [](std::string_view text, const std::string& want) {
        std::string e = error_of(text);
        BOOST_TEST(e.find(want) != std::string::npos, "got: " << e << "; want: " << want);
    };
    check(R"({"defaultAction": "SCMP_ACT_ERRNO", "archMap": [],
              "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW"},
                           {"name": "b", "names": ["c"], "action": "SCMP_ACT_ALLOW"}]})",
          "p.json: syscalls[1]: has both \"name\" and \"names\"");
    check(R"({"defaultAction": "SCMP_ACT_ERRNO", "archMap": [],
              "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALOW"}]})",
          "p.json: syscalls[0].action: \"SCMP_ACT_ALOW\" is not a seccomp action");
    check(R"({"defaultAction": "SCMP_ACT_ERRNO", "archMap": [],
              "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "include": {}}]})",
          "p.json: syscalls[0].include: unknown field");
    check(R"({"defaultAction": "SCMP_ACT_ERRNO", "archMap": [],
              "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW",
                            "includes": {"minKernel": "five"}}]})",
          "p.json: syscalls[0].includes.minKernel: \"five\" is not a kernel version");
    check(R"({"defaultAction": "SCMP_ACT_ERRNO", "archMap": [],
              "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW",
                            "args": [{"index": 7, "value": 1, "op": "SCMP_CMP_EQ"}]}]})",
          "p.json: syscalls[0].args[0].index: must be an argument index 0..5");
    check(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
              "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]})",
          "has both \"architectures\" and \"archMap\"");
    check(R"({"defaultAction": "SCMP_ACT_NOPE", "syscalls": []})",
          "p.json: linux.seccomp.defaultAction: \"SCMP_ACT_NOPE\"");
    check("[1, 2]", "p.json: expected a JSON object");
    check("{\"defaultAction\": ", "p.json: invalid JSON");
}

BOOST_AUTO_TEST_SUITE_END()
