// The trust step of create, on real containers: what the shipped policies do
// with an unverified bundle, a bundle signed with `ward sign` (runs; any
// change or a key gone refuses), and a store image (runs; revoked by
// removing its key or scope; verifyRootfs catches a changed store rootfs;
// a bundle pointing elsewhere is refused). Every refusal leaves nothing
// behind. ward_only: runc has no trust step.
#include "integration/store_image.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

using namespace ward_it;
namespace fs = std::filesystem;

namespace {

// compat's rules (the test config asks for what hardened refuses) with a
// trust section of the test's choosing.
std::string policy_with_trust(Bundle& b, const std::string& name, const std::string& trust) {
    std::string text = slurp("contrib/policies/compat.json");
    size_t at = text.find("\"trust\":");
    BOOST_REQUIRE(at != std::string::npos);
    size_t end = text.rfind('}');
    text = text.substr(0, at) + "\"trust\": " + trust + "\n" + text.substr(end);
    std::string path = b.dir + "/" + name + ".json";
    std::ofstream(path) << text;
    return path;
}

void expect_refused(Bundle& b, const Result& r, const std::string& id, const std::string& why) {
    BOOST_TEST(r.status == 1, "exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(contains(r.err, "refusing to start: " + why), "stderr: " << r.err);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
}

void generate_key(Bundle& b, const std::string& name) {
    shell(q(runtime_path()) + " key generate --out " + q(b.dir + "/" + name));
}

// A key pair DIR/NAME.{key,pub}, and the image's layout signed with it.
void sign_with_new_key(Bundle& b, const Image& img, const std::string& name) {
    generate_key(b, name);
    shell(q(runtime_path()) + " image sign --key " + q(b.dir + "/" + name + ".key") + " " +
          q(img.layout + ":v1"));
}

} // namespace

BOOST_AUTO_TEST_SUITE(trust_check, *utf::label("ward_only") * utf::precondition(ward_only))

BOOST_AUTO_TEST_CASE(hardened_refuses_an_unverified_bundle_and_baseline_warns) {
    Bundle b;
    b.config["process"].erase("capabilities");
    b.set_args({"/bin/true"});
    b.write_config();
    std::string id = b.new_id("unverified");
    Result r = b.runtime({"--policy", fs::absolute("contrib/policies/hardened.json").string(),
                          "run", "--bundle", b.bundle_dir, id});
    expect_refused(b, r, id, "bundle " + b.bundle_dir + " is unverified");
    BOOST_TEST(contains(r.err, "policy \"hardened\" refuses unverified bundles"), r.err);

    r = b.runtime({"--policy", fs::absolute("contrib/policies/baseline.json").string(), "run",
                   "--bundle", b.bundle_dir, b.new_id("baseline")});
    BOOST_TEST(r.status == 0, "baseline: exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(contains(r.err, "is unverified"), "baseline warns: " << r.err);
}

// The trust verdict comes first: a client's unverified bundle that also
// breaks a dozen rules is refused for what really blocks it, not behind a
// wall of capability findings.
BOOST_AUTO_TEST_CASE(the_trust_refusal_comes_before_rule_findings) {
    Bundle b; // the test config asks for capabilities hardened refuses
    b.set_args({"/bin/true"});
    b.write_config();
    std::string id = b.new_id("first");
    Result r = b.runtime({"--policy", fs::absolute("contrib/policies/hardened.json").string(),
                          "run", "--bundle", b.bundle_dir, id});
    expect_refused(b, r, id, "bundle " + b.bundle_dir + " is unverified");
    BOOST_TEST(!contains(r.err, "process.capabilities"), r.err);
}

BOOST_AUTO_TEST_CASE(a_signed_bundle_runs_until_something_changes) {
    Bundle b;
    b.set_args({"/bin/cat", "/etc/passwd"});
    b.write_config();
    generate_key(b, "ops");
    shell(q(runtime_path()) + " sign --key " + q(b.dir + "/ops.key") + " " + q(b.bundle_dir));
    std::string policy = policy_with_trust(
        b, "signed",
        R"({"default": [{"type": "reject"}], "bundles": [{"type": "sigstoreSigned", "keyPath": ")" +
            b.dir + R"(/ops.pub"}], "unverified": "refuse"})");

    Result r = b.runtime({"--policy", policy, "run", "--bundle", b.bundle_dir, b.new_id("ok")});
    BOOST_TEST(r.status == 0, "exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(contains(r.out, "root:x:0:0"), r.out);

    shell("echo 'mallory::0:0::/:/bin/sh' >>" + q(b.rootfs + "/etc/passwd"));
    std::string id = b.new_id("changed");
    expect_refused(b, b.runtime({"--policy", policy, "run", "--bundle", b.bundle_dir, id}), id,
                   "rootfs file /etc/passwd changed since signing");

    // Signed again, then the key leaves the host: nothing it signed runs.
    shell(q(runtime_path()) + " sign --key " + q(b.dir + "/ops.key") + " " + q(b.bundle_dir));
    BOOST_TEST(b.runtime({"--policy", policy, "run", "--bundle", b.bundle_dir, b.new_id("again")})
                   .status == 0);
    fs::remove(b.dir + "/ops.pub");
    id = b.new_id("revoked");
    expect_refused(b, b.runtime({"--policy", policy, "run", "--bundle", b.bundle_dir, id}), id,
                   "trust.bundles[0]: no key left to verify with: key file " + b.dir +
                       "/ops.pub does not exist");
}

BOOST_AUTO_TEST_CASE(a_store_image_is_checked_again_at_every_create,
                     *utf::precondition(has_umoci)) {
    Bundle b;
    Image img(b, "signed");
    sign_with_new_key(b, img, "demo");
    auto scoped = [&](const std::string& file, const std::string& extra) {
        return policy_with_trust(
            b, file,
            R"({"default": [{"type": "reject"}], "scopes": {"localhost/signed": [{"type": "sigstoreSigned", "keyPath": ")" +
                b.dir + R"(/demo.pub", "signedIdentity": {"type": "matchRepository"}}]})" + extra +
                "}");
    };
    std::string trusting = scoped("trusting", "");
    std::string rejecting =
        policy_with_trust(b, "rejecting", R"({"default": [{"type": "reject"}]})");
    std::string rehashing = scoped("rehashing", R"(, "verifyRootfs": "always")");

    // Import refuses what the policy does not admit, and leaves no entry.
    Result imp = img.ward({"--policy", rejecting, "image", "import", img.layout + ":v1"});
    BOOST_TEST(imp.status == 1);
    BOOST_TEST(
        contains(imp.err, "localhost/signed:v1 is rejected by the policy (scope \"default\")"),
        imp.err);
    imp = img.ward({"--policy", trusting, "image", "import", img.layout + ":v1"});
    BOOST_REQUIRE_MESSAGE(imp.status == 0, "import: " << imp.err);

    Result r = img.ward({"--policy", trusting, "run", "--image", img.name, b.new_id("ok"), "true"});
    BOOST_TEST(r.status == 0, "exit " << r.status << "; stderr: " << r.err);
    r = img.ward({"--policy", rehashing, "run", "--image", img.name, b.new_id("rehash"), "true"});
    BOOST_TEST(r.status == 0, "verifyRootfs on an untouched store: " << r.err);

    // The scope gone from the policy revokes the image already imported.
    std::string id = b.new_id("revoked");
    expect_refused(b, img.ward({"--policy", rejecting, "run", "--image", img.name, id, "true"}), id,
                   "localhost/signed:v1 is rejected by the policy (scope \"default\")");

    // A bundle that claims the image but has another root.
    std::string other = b.dir + "/claims";
    Result made = img.ward({"--policy", trusting, "bundle", "create", "--image", img.name, other});
    BOOST_REQUIRE_MESSAGE(made.status == 0, made.err);
    std::string config = slurp(other + "/config.json");
    size_t at = config.find("\"path\": \"");
    BOOST_REQUIRE(at != std::string::npos);
    size_t end = config.find('"', at + 9);
    config.replace(at + 9, end - at - 9, b.rootfs);
    std::ofstream(other + "/config.json") << config;
    id = b.new_id("elsewhere");
    expect_refused(b, img.ward({"--policy", trusting, "run", "--bundle", other, id}), id,
                   "root.path " + b.rootfs + " is not the rootfs of image sha256:");

    // A mount target the image lacks would be created in the shared store.
    std::string extra = b.dir + "/extra-mount";
    made = img.ward({"--policy", trusting, "bundle", "create", "--image", img.name, extra});
    BOOST_REQUIRE_MESSAGE(made.status == 0, made.err);
    config = slurp(extra + "/config.json");
    at = config.find("\"mounts\": [");
    BOOST_REQUIRE(at != std::string::npos);
    config.insert(at + 11, R"({"destination": "/data", "type": "tmpfs", "source": "tmpfs"}, )");
    std::ofstream(extra + "/config.json") << config;
    id = b.new_id("target");
    expect_refused(b, img.ward({"--policy", trusting, "run", "--bundle", extra, id}), id,
                   "mounts[0].destination /data does not exist in the rootfs of image sha256:");

    // The store's rootfs changed: caught only where the policy re-hashes.
    Result inspect = img.ward({"image", "inspect", img.name});
    size_t r0 = inspect.out.find("\"rootfs\": \"");
    BOOST_REQUIRE(r0 != std::string::npos);
    std::string rootfs = inspect.out.substr(r0 + 11, inspect.out.find('"', r0 + 11) - r0 - 11);
    BOOST_TEST(!fs::exists(rootfs + "/data"), "the refused mount target was created in the store");
    shell("echo 'mallory::0:0::/:/bin/sh' >>" + q(rootfs + "/etc/passwd"));
    id = b.new_id("tampered");
    expect_refused(b, img.ward({"--policy", rehashing, "run", "--image", img.name, id, "true"}), id,
                   "rootfs file /etc/passwd changed since import (image sha256:");
}

// A bundle someone else unpacked (as containerd and podman do): no store
// annotation, no signature, only a rootfs that is, file for file, a store
// image. It runs while the policy admits that image; a changed file, an
// added one, or the image's scope gone refuses it with one line naming the
// image. (tests/clients/60-trust.sh does the same through the clients.)
BOOST_AUTO_TEST_CASE(a_client_unpacked_rootfs_runs_when_it_is_a_trusted_store_image,
                     *utf::label("asan") * utf::precondition(has_umoci)) {
    Bundle b;
    Image img(b, "client");
    sign_with_new_key(b, img, "demo");
    std::string trusting = policy_with_trust(
        b, "trusting",
        R"({"default": [{"type": "reject"}], "scopes": {"localhost/client": [{"type": "sigstoreSigned", "keyPath": ")" +
            b.dir +
            R"(/demo.pub", "signedIdentity": {"type": "matchRepository"}}]}, "unverified": "refuse"})");
    std::string rejecting = policy_with_trust(
        b, "rejecting", R"({"default": [{"type": "reject"}], "unverified": "refuse"})");
    Result imp = img.ward({"--policy", trusting, "image", "import", img.layout + ":v1"});
    BOOST_REQUIRE_MESSAGE(imp.status == 0, "import: " << imp.err);
    Result inspect = img.ward({"image", "inspect", img.name});
    size_t r0 = inspect.out.find("\"rootfs\": \"");
    BOOST_REQUIRE(r0 != std::string::npos);
    std::string store_rootfs =
        inspect.out.substr(r0 + 11, inspect.out.find('"', r0 + 11) - r0 - 11);

    // The client's own copy of the image's tree is the bundle's rootfs.
    shell("rm -rf " + q(b.rootfs) + " && cp -a " + q(store_rootfs) + " " + q(b.rootfs));
    b.set_args({"/bin/true"});
    b.write_config();
    Result r = img.ward({"--policy", trusting, "run", "--bundle", b.bundle_dir, b.new_id("ok")});
    BOOST_TEST(r.status == 0, "exit " << r.status << "; stderr: " << r.err);

    std::string id = b.new_id("rejected");
    expect_refused(b, img.ward({"--policy", rejecting, "run", "--bundle", b.bundle_dir, id}), id,
                   "bundle " + b.bundle_dir + " is unverified");
    r = img.ward({"--policy", rejecting, "run", "--bundle", b.bundle_dir, b.new_id("rej2")});
    BOOST_TEST(contains(r.err, "rootfs is image localhost/client:v1 (sha256:"), r.err);
    BOOST_TEST(contains(r.err, "localhost/client:v1 is rejected by the policy"), r.err);

    // A policy that only warns does not walk, at every start, a rootfs
    // whose proof could not be cached (a plain directory, as podman's vfs
    // driver makes): it runs, with the warning saying so.
    std::string warning = policy_with_trust(
        b, "warning",
        R"({"default": [{"type": "reject"}], "scopes": {"localhost/client": [{"type": "sigstoreSigned", "keyPath": ")" +
            b.dir +
            R"(/demo.pub", "signedIdentity": {"type": "matchRepository"}}]}, "unverified": "warn"})");
    r = img.ward({"--policy", warning, "run", "--bundle", b.bundle_dir, b.new_id("warned")});
    BOOST_TEST(r.status == 0, "exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(contains(r.err, "is unverified"), r.err);
    BOOST_TEST(contains(r.err, "not proven: its rootfs is no overlay snapshot"), r.err);

    shell("echo 'mallory::0:0::/:/bin/sh' >>" + q(b.rootfs + "/etc/passwd"));
    id = b.new_id("changed");
    r = img.ward({"--policy", trusting, "run", "--bundle", b.bundle_dir, id});
    expect_refused(b, r, id, "bundle " + b.bundle_dir + " is unverified");
    BOOST_TEST(contains(r.err, "rootfs does not match image localhost/client:v1 (sha256:"), r.err);
    BOOST_TEST(contains(r.err, "rootfs file /etc/passwd changed since import"), r.err);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') <= 1, "one line: " << r.err);
    BOOST_TEST(!contains(slurp(store_rootfs + "/etc/passwd"), "mallory"),
               "the store changed with the client's copy");
}

BOOST_AUTO_TEST_SUITE_END()
