// ward's hardening policy with real containers: a config that breaks an
// enforced rule is refused before anything touches the host; what a config
// leaves out is filled and visible from inside; a warn rule only warns.
// ward_only: runc has no policy. Each test names its policy with --policy
// (after the harness's default, so it wins).
#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>

using namespace ward_it;
namespace utf = boost::unit_test;
namespace fs = std::filesystem;

namespace {

Result with_policy(Bundle& b, const std::string& policy, const std::string& verb,
                   const std::string& id) {
    b.write_config();
    return b.runtime({"--policy", shipped_policy(policy), verb, "--bundle", b.bundle_dir, id});
}

} // namespace

BOOST_AUTO_TEST_SUITE(policy, *utf::label("ward_only") * utf::precondition(ward_only))

BOOST_AUTO_TEST_CASE(hardened_refuses_a_capability_and_leaves_nothing, *utf::label("asan")) {
    Bundle b;
    b.leave_to_policy(Bundle::Seccomp::keep);
    b.config["process"]["capabilities"]["bounding"] = Json::strings({"CAP_SYS_ADMIN"});
    std::string id = b.new_id("refused");
    Result r = with_policy(b, "hardened", "create", id);
    BOOST_TEST(r.status == 1, "create exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(r.err.find("policy \"hardened\": process.capabilities.bounding contains "
                          "CAP_SYS_ADMIN, allowed: CAP_NET_BIND_SERVICE") != std::string::npos,
               "stderr: " << r.err);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
}

BOOST_AUTO_TEST_CASE(hardened_refuses_a_host_socket_mount_and_leaves_nothing) {
    Bundle b;
    b.leave_to_policy(Bundle::Seccomp::keep);
    Json m = Json::object();
    m["destination"] = "/run/docker.sock";
    m["type"] = "bind";
    m["source"] = "/var/run/docker.sock";
    m["options"] = Json::strings({"rbind", "ro"});
    b.config["mounts"].push(m);
    std::string id = b.new_id("sock");
    Result r = with_policy(b, "hardened", "run", id);
    BOOST_TEST(r.status == 1, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(r.err.find("policy \"hardened\": mounts[7].source is /var/run/docker.sock, "
                          "forbidden: ") != std::string::npos,
               "stderr: " << r.err);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
}

BOOST_AUTO_TEST_CASE(hardened_fills_the_gaps_visibly_from_inside, *utf::label("asan")) {
    Bundle b;
    b.leave_to_policy(Bundle::Seccomp::keep);
    b.set_args({"/bin/sh", "-c", "/checker status; /checker write /probe; true"});
    Result r = with_policy(b, "hardened", "run", b.new_id("filled"));
    BOOST_TEST_REQUIRE(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(value_of(r.out, "Seccomp") == "2");
    BOOST_TEST(value_of(r.out, "NoNewPrivs") == "1");
    BOOST_TEST(value_of(r.out, "CapEff") == "0000000000000000");
    BOOST_TEST(value_of(r.out, "CapBnd") == "0000000000000000");
    BOOST_TEST(value_of(r.out, "root_readonly") == "1");
    BOOST_TEST(value_of(r.out, "write /probe") == "error EROFS");
}

BOOST_AUTO_TEST_CASE(the_state_dir_records_the_policy_and_what_it_filled) {
    Bundle b;
    b.leave_to_policy(Bundle::Seccomp::keep);
    std::string id = b.new_id("recorded");
    Result r = with_policy(b, "hardened", "create", id);
    BOOST_TEST_REQUIRE(r.status == 0, "create exit " << r.status << "; stderr: " << r.err);
    std::string record = slurp(b.state_dir + "/" + id + "/policy.json");
    BOOST_TEST(record.find("\"name\": \"hardened\"") != std::string::npos, record);
    BOOST_TEST(record.find("process.noNewPrivileges: true") != std::string::npos, record);
    BOOST_TEST(record.find("root.readonly: true") != std::string::npos, record);
    // What an operator sees: `ward policy show ID` prints the record, with
    // the whole policy document as it was at create.
    Result shown = b.runtime({"policy", "show", id});
    BOOST_TEST(shown.status == 0, shown.err);
    BOOST_TEST(shown.out.find("linux.seccomp: profile default-deny") != std::string::npos,
               shown.out);
    BOOST_TEST(shown.out.find("\"rules\": {") != std::string::npos, shown.out);
    BOOST_TEST(shown.out.find("\"CAP_NET_BIND_SERVICE\"") != std::string::npos, shown.out);
    b.runtime({"delete", "--force", id});
}

BOOST_AUTO_TEST_CASE(a_warn_rule_warns_and_runs) {
    Bundle b; // the default test config asks for capabilities compat only warns about
    b.set_args({"/checker", "status"});
    Result r = with_policy(b, "compat", "run", b.new_id("warned"));
    BOOST_TEST_REQUIRE(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(r.err.find("policy \"compat\": process.capabilities.bounding contains CAP_CHOWN, "
                          "allowed: CAP_NET_BIND_SERVICE") != std::string::npos,
               "stderr: " << r.err);
    BOOST_TEST(value_of(r.out, "CapEff") ==
               cap_mask({"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL", "CAP_SETGID",
                         "CAP_SETUID", "CAP_NET_BIND_SERVICE"}));
    BOOST_TEST(value_of(r.out, "Seccomp") == "0"); // compat fills nothing
}

BOOST_AUTO_TEST_SUITE_END()
