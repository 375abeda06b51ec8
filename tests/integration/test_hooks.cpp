// OCI hooks as a user configures them: each kind runs at its point of the
// lifecycle, in order, with the container state on stdin.
#include "integration/harness.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <thread>

using namespace ward_it;
namespace utf = boost::unit_test;
using std::chrono::milliseconds;

namespace {

// Appends its kind to LOG/order and saves its stdin as LOG/KIND.json.
const char* const hook_script = "#!/bin/sh\n"
                                "cat > \"$2/$1.json\"\n"
                                "echo \"$1\" >> \"$2/order\"\n";

void write_executable(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
    ::chmod(path.c_str(), 0755);
}

Json hook(const std::string& path, const std::vector<std::string>& args) {
    Json h = Json::object();
    h["path"] = path;
    h["args"] = Json::strings(args);
    return h;
}

struct HookedBundle : Bundle {
    std::string log;

    HookedBundle() {
        log = bundle_dir + "/log";
        std::filesystem::create_directories(log);
        ::chmod(log.c_str(), 0777);
        write_executable(bundle_dir + "/hook.sh", hook_script);
        // Only inside the rootfs: startContainer must resolve its path there.
        write_executable(rootfs + "/in-container-hook.sh", hook_script);
        std::filesystem::create_directories(rootfs + "/hooklog");
        Json m = Json::object();
        m["destination"] = "/hooklog";
        m["type"] = "bind";
        m["source"] = log;
        m["options"] = Json::strings({"rbind", "rw"});
        config["mounts"].push(m);
        std::string host_hook = bundle_dir + "/hook.sh";
        for (const char* kind :
             {"prestart", "createRuntime", "createContainer", "poststart", "poststop"})
            config["hooks"][kind] = Json::array({hook(host_hook, {"hook.sh", kind, log})});
        config["hooks"]["startContainer"] = Json::array({hook(
            "/in-container-hook.sh", {"in-container-hook.sh", "startContainer", "/hooklog"})});
    }

    std::vector<std::string> order() const {
        std::vector<std::string> kinds;
        std::ifstream in(log + "/order");
        std::string line;
        while (std::getline(in, line))
            kinds.push_back(line);
        return kinds;
    }
};

// Runs create → start → (process exits) → delete, as a runc user would.
void walk_lifecycle(HookedBundle& b, const std::string& id) {
    b.set_args({"/checker", "exit", "0"});
    Result c = b.create(id);
    BOOST_TEST_REQUIRE(c.status == 0, "create: " << c.err);
    Result s = b.runtime({"start", id});
    BOOST_TEST_REQUIRE(s.status == 0, "start: " << s.err);
    BOOST_TEST_REQUIRE(b.wait_status(id, "stopped"));
    Result d = b.runtime({"delete", id});
    BOOST_TEST_REQUIRE(d.status == 0, "delete: " << d.err);
}

} // namespace

BOOST_AUTO_TEST_SUITE(hooks)

BOOST_AUTO_TEST_CASE(hooks_run_in_lifecycle_order_with_the_state, *utf::label("asan")) {
    HookedBundle b;
    std::string id = b.new_id("hooks");
    walk_lifecycle(b, id);
    std::vector<std::string> want = {"prestart",       "createRuntime", "createContainer",
                                     "startContainer", "poststart",     "poststop"};
    std::vector<std::string> got = b.order();
    // startContainer runs inside the container concurrently with the
    // runtime's poststart in runc; the strict order is a ward-only test.
    std::vector<std::string> host_side;
    for (const auto& kind : got)
        if (kind != "startContainer")
            host_side.push_back(kind);
    std::vector<std::string> want_host = {"prestart", "createRuntime", "createContainer",
                                          "poststart", "poststop"};
    BOOST_TEST(host_side == want_host, boost::test_tools::per_element());
    auto at = std::find(got.begin(), got.end(), "startContainer");
    BOOST_TEST((at != got.end() && at - got.begin() >= 3 && at - got.begin() <= 4),
               "startContainer must run once, after createContainer and before poststop");
    BOOST_TEST(got.size() == want.size());
    for (const auto& kind : want) {
        BOOST_TEST_CONTEXT(kind) {
            std::string text = slurp(b.log + "/" + kind + ".json");
            BOOST_TEST_REQUIRE(!text.empty());
            Json st = Json::parse(text);
            BOOST_TEST(st.at("id").str() == id);
            BOOST_TEST(st.at("bundle").str() == b.bundle_dir);
            BOOST_TEST(!st.at("ociVersion").str().empty());
            if (kind != "poststop")
                BOOST_TEST(st.at("pid").num() > 0);
        }
    }
}

// startContainer runs before the process is executed, poststart after: so
// startContainer always comes first (runc 1.1 races the two).
BOOST_AUTO_TEST_CASE(start_container_runs_before_poststart,
                     *utf::label("ward_only") * utf::precondition(ward_only)) {
    for (int round = 0; round < 3; round++) {
        HookedBundle b;
        std::string id = b.new_id("strict");
        walk_lifecycle(b, id);
        std::vector<std::string> want = {"prestart",       "createRuntime", "createContainer",
                                         "startContainer", "poststart",     "poststop"};
        std::vector<std::string> got = b.order();
        BOOST_TEST(got == want, boost::test_tools::per_element());
    }
}

// The runtime-spec statuses each hook sees. runc 1.1 passes other statuses
// to some hooks (see the report), so this holds only for ward.
BOOST_AUTO_TEST_CASE(each_hook_sees_the_status_the_spec_names,
                     *utf::label("ward_only") * utf::precondition(ward_only)) {
    HookedBundle b;
    std::string id = b.new_id("hookstatus");
    walk_lifecycle(b, id);
    std::vector<std::pair<std::string, std::string>> want = {
        {"prestart", "creating"},        {"createRuntime", "creating"},
        {"createContainer", "creating"}, {"startContainer", "created"},
        {"poststart", "running"},        {"poststop", "stopped"}};
    for (const auto& [kind, status] : want) {
        std::string text = slurp(b.log + "/" + kind + ".json");
        BOOST_TEST_CONTEXT(kind << ": " << text) {
            BOOST_TEST_REQUIRE(!text.empty());
            BOOST_TEST(Json::parse(text).at("status").str() == status);
        }
    }
}

BOOST_AUTO_TEST_CASE(start_container_hook_resolves_inside_the_container) {
    HookedBundle b;
    std::string id = b.new_id("inner");
    // The in-container path does not exist on the host: if the runtime looked
    // there, the hook would fail and start with it.
    BOOST_REQUIRE(!std::filesystem::exists("/in-container-hook.sh"));
    walk_lifecycle(b, id);
    BOOST_TEST(std::filesystem::exists(b.log + "/startContainer.json"));
}

BOOST_AUTO_TEST_CASE(hooks_receive_their_args_and_env) {
    HookedBundle b;
    std::string script = b.bundle_dir + "/env-hook.sh";
    write_executable(script, "#!/bin/sh\ncat >/dev/null\necho \"$0 $1 $HOOK_VAR\" > \"$2\"\n");
    Json h = hook(script, {"custom-argv0", "first", b.log + "/env-out"});
    h["env"] = Json::strings({"HOOK_VAR=from-config"});
    b.config["hooks"]["prestart"] = Json::array({h});
    std::string id = b.new_id("hookenv");
    walk_lifecycle(b, id);
    std::string out = slurp(b.log + "/env-out");
    BOOST_TEST(out.find("first from-config") != std::string::npos, "hook wrote: " << out);
}

// ward writes the config as run into the state dir while the init sets
// up; a createContainer hook (the only create-phase hook here) still finds
// it there: for a store image that file is the bundle's config.json.
BOOST_AUTO_TEST_CASE(a_create_container_hook_alone_finds_the_config_as_run) {
    HookedBundle b;
    std::string id = b.new_id("cfgrun");
    std::string script = b.bundle_dir + "/copy-config.sh";
    write_executable(script, "#!/bin/sh\ncat >/dev/null\ncp \"$1\" \"$2\"\n");
    Json hooks = Json::object();
    hooks["createContainer"] =
        Json::array({hook(script, {"copy-config.sh", b.state_dir + "/" + id + "/config.json",
                                   b.log + "/config-as-run.json"})});
    b.config["hooks"] = hooks;
    walk_lifecycle(b, id);
    std::string copied = slurp(b.log + "/config-as-run.json");
    BOOST_TEST(copied.find("\"createContainer\"") != std::string::npos,
               "the hook copied: " << copied.substr(0, 200));
}

BOOST_AUTO_TEST_SUITE_END()
