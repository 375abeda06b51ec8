// Every policy rule against real containers, one rule at a time: a policy
// holding only that rule (as hardened has it; user and resources, which
// hardened leaves out, as a strict operator would write them) lets a
// compliant config run, refuses the config once it breaks the rule (with
// the rule's message, leaving nothing behind) under `enforce`, and runs it
// with the message as a warning under `warn`. The wording of each message is
// checked field by field in the unit tests; here what matters is that the
// refusal happens, is named, and is clean.
#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <functional>

using namespace ward_it;
namespace utf = boost::unit_test;
namespace fs = std::filesystem;

namespace {

struct RuleCase {
    std::string rule;
    std::function<void(Json&)> comply; // makes the test config meet this rule
    std::function<void(Json&)> break_it;
    std::string message; // a part of the finding, after `policy "NAME": `
};

Json bind_mount(const std::string& source, const std::string& destination) {
    Json m = Json::object();
    m["destination"] = destination;
    m["type"] = "bind";
    m["source"] = source;
    m["options"] = Json::strings({"rbind", "ro"});
    return m;
}

void remove_string(Json& list, const std::string& item) {
    Json kept = Json::array();
    for (size_t i = 0; i < list.size(); ++i)
        if (list[i].str() != item)
            kept.push(list[i]);
    list = kept;
}

void nothing(Json&) {}

const std::vector<RuleCase>& cases() {
    static const std::vector<RuleCase> all = {
        {"seccomp", nothing,
         [](Json& c) {
             Json s = Json::object();
             s["defaultAction"] = "SCMP_ACT_ALLOW";
             c["linux"]["seccomp"] = s;
         },
         "linux.seccomp.defaultAction is SCMP_ACT_ALLOW"},
        {"capabilities",
         [](Json& c) {
             for (const char* set : {"bounding", "effective", "permitted"})
                 c["process"]["capabilities"][set] = Json::strings({"CAP_NET_BIND_SERVICE"});
         },
         [](Json& c) { c["process"]["capabilities"]["bounding"].push(Json("CAP_SYS_ADMIN")); },
         "process.capabilities.bounding contains CAP_SYS_ADMIN"},
        {"noNewPrivileges", nothing, [](Json& c) { c["process"]["noNewPrivileges"] = false; },
         "process.noNewPrivileges is false, required: true"},
        {"readonlyRoot", nothing, [](Json& c) { c["root"]["readonly"] = false; },
         "root.readonly is false, required: true"},
        {"maskedPaths", nothing,
         [](Json& c) { remove_string(c["linux"]["maskedPaths"], "/proc/kcore"); },
         "linux.maskedPaths does not contain /proc/kcore"},
        {"readonlyPaths", nothing,
         [](Json& c) { remove_string(c["linux"]["readonlyPaths"], "/proc/sys"); },
         "linux.readonlyPaths does not contain /proc/sys"},
        {"namespaces", nothing,
         [](Json& c) {
             Json kept = Json::array();
             const Json& ns = c["linux"]["namespaces"];
             for (size_t i = 0; i < ns.size(); ++i)
                 if (ns[i].at("type").str() != "uts")
                     kept.push(ns[i]);
             c["linux"]["namespaces"] = kept;
             c.erase("hostname"); // a hostname needs a uts namespace
         },
         "linux.namespaces has no uts namespace"},
        {"devices", nothing,
         [](Json& c) {
             Json d = Json::object();
             d["path"] = "/dev/sda";
             d["type"] = "b";
             d["major"] = 8;
             d["minor"] = 0;
             c["linux"]["devices"] = Json::array({d});
         },
         "linux.devices contains /dev/sda, allowed: none"},
        {"hostMounts", nothing, [](Json& c) { c["mounts"].push(bind_mount("/etc", "/host-etc")); },
         "mounts[7].source is /etc, forbidden: "},
        // ramfs: a fresh instance of its own, so running it under `warn`
        // changes nothing on the host (unlike debugfs or tracefs, whose one
        // superblock is the host's).
        {"mountTypes", nothing,
         [](Json& c) {
             Json m = Json::object();
             m["destination"] = "/mnt";
             m["type"] = "ramfs";
             m["source"] = "ramfs";
             m["options"] = Json::strings({"nosuid", "nodev"});
             c["mounts"].push(m);
         },
         "mounts[7].type is ramfs, allowed: "},
        {"hooks", nothing,
         [](Json& c) {
             Json hook = Json::object();
             hook["path"] = "/bin/true";
             c["hooks"]["prestart"] = Json::array({hook});
         },
         "hooks.prestart[0].path is /bin/true, allowed: none"},
        // Namespaced (the container's own ipc namespace), so running it under
        // `warn` changes nothing on the host.
        {"sysctls", nothing, [](Json& c) { c["linux"]["sysctl"]["kernel.msgmax"] = "16384"; },
         "linux.sysctl contains kernel.msgmax, allowed: "},
        {"mountPropagation", nothing, [](Json& c) { c["linux"]["rootfsPropagation"] = "rshared"; },
         "linux.rootfsPropagation is rshared"},
        {"user", [](Json& c) { c["process"]["user"]["uid"] = 1000; },
         [](Json& c) { c["process"]["user"]["uid"] = 0; },
         "process.user.uid is 0, allowed: a non-root uid"},
    };
    return all;
}

// {"name": "only-RULE", "rules": {RULE: as hardened has it, with `action`}}.
std::string write_policy(const Bundle& b, const std::string& rule, const std::string& action) {
    Json rule_json;
    if (rule == "user") {
        rule_json = Json::object();
        rule_json["allowRoot"] = false;
    } else {
        Json hardened = Json::parse(slurp("contrib/policies/hardened.json"));
        const Json* found = hardened["rules"].find(rule);
        BOOST_TEST_REQUIRE(found != nullptr, "hardened.json has no rule " << rule);
        rule_json = *found;
    }
    rule_json["action"] = action;
    Json doc = Json::object();
    doc["name"] = "only-" + rule;
    doc["rules"] = Json::object();
    doc["rules"][rule] = rule_json;
    std::string path = b.dir + "/policy-" + rule + "-" + action + ".json";
    std::ofstream(path) << doc.dump();
    return path;
}

Result run_with(Bundle& b, const std::string& policy, const std::string& id) {
    b.write_config();
    return b.runtime({"--policy", policy, "run", "--bundle", b.bundle_dir, id});
}

} // namespace

BOOST_AUTO_TEST_SUITE(policy_rules, *utf::label("ward_only") * utf::precondition(ward_only))

BOOST_AUTO_TEST_CASE(each_rule_refuses_under_enforce_and_warns_under_warn) {
    for (const auto& c : cases()) {
        BOOST_TEST_CONTEXT(c.rule << ": " << c.message) {
            Bundle b;
            b.set_args({"/bin/true"});
            c.comply(b.config);
            std::string enforce = write_policy(b, c.rule, "enforce");
            std::string warn = write_policy(b, c.rule, "warn");

            // The compliant config runs: the refusal below is the rule's doing.
            Result ok = run_with(b, enforce, b.new_id("ok"));
            BOOST_TEST(ok.status == 0, "compliant run exit " << ok.status << ": " << ok.err);

            c.break_it(b.config);
            std::string refused_id = b.new_id("refused");
            Result refused = run_with(b, enforce, refused_id);
            std::string named = "policy \"only-" + c.rule + "\": " + c.message;
            BOOST_TEST(refused.status == 1, "exit " << refused.status << ": " << refused.err);
            BOOST_TEST(refused.err.find(named) != std::string::npos, "stderr: " << refused.err);
            auto left = leftovers(b, refused_id);
            BOOST_TEST(left.empty(), "left behind:" << listed(left));

            Result warned = run_with(b, warn, b.new_id("warned"));
            BOOST_TEST(warned.status == 0, "warn run exit " << warned.status << ": " << warned.err);
            BOOST_TEST(warned.err.find("warning: policy \"only-" + c.rule + "\": " + c.message) !=
                           std::string::npos,
                       "stderr: " << warned.err);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
