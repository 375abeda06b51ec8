// Store images run as containers: an image built by umoci from the test
// busybox rootfs, imported with `ward image import` into a store of the
// test's own (WARD_STORE), then `ward run --image` and `ward bundle create
// --image`. What is checked is what a user sees: the image's Cmd runs as
// its User (a name resolved in the image's /etc/passwd) in its WorkingDir
// with its Env, a command replaces Cmd, the config lives in the state dir
// and goes with delete. Images built FROM scratch and writable roots:
// test_image_writable.cpp. ward_only: runc has no image store.
#include "integration/store_image.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

using namespace ward_it;
namespace utf = boost::unit_test;
namespace fs = std::filesystem;

namespace {

// `ward run --image` under `policy`: the image's Cmd prints as its user.
void runs_as_its_user(Bundle& b, Image& img, const std::string& policy) {
    std::string id = b.new_id("trusted");
    Result r = img.ward({"--policy", policy, "run", "--image", img.name, id});
    BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(r.out.find("uid=1000 gid=1000 groups=1000 50 cwd=/home/user") == 0,
               "stdout: " << r.out);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
}

} // namespace

BOOST_AUTO_TEST_SUITE(image_run, *utf::label("ward_only") * utf::precondition(ward_only) *
                                     utf::precondition(has_umoci))

BOOST_AUTO_TEST_CASE(run_image_runs_cmd_as_the_images_user) {
    Bundle b;
    Image img(b, "svc");
    Result imp = img.import();
    BOOST_REQUIRE_MESSAGE(imp.status == 0, "import: " << imp.err);

    std::string id = b.new_id("img");
    Result r = img.ward({"run", "--image", img.name, id});
    BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(r.out == "uid=1000 gid=1000 groups=1000 50 cwd=/home/user home=/home/user "
                        "greeting=hi\n",
               "stdout: " << r.out);
    // run deletes the container and with it the config it made.
    BOOST_TEST(!fs::exists(b.state_dir + "/" + id), "state dir left behind");
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
}

BOOST_AUTO_TEST_CASE(a_command_replaces_cmd_and_the_state_dir_is_the_bundle) {
    Bundle b;
    Image img(b, "cmd");
    BOOST_REQUIRE(img.import().status == 0);

    std::string id = b.new_id("img");
    Result r = img.ward({"run", "--keep", "--image", img.name, id, "--", "sh", "-c",
                         "touch /x 2>/dev/null || echo read-only root; echo $PATH"});
    BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(r.out == "read-only root\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:"
                        "/bin\n",
               "stdout: " << r.out);

    Json st = b.state(id);
    std::string state_dir = fs::canonical(b.state_dir).string() + "/" + id;
    BOOST_TEST(st["bundle"].str() == state_dir);
    BOOST_TEST(st["annotations"]["dev.ward.image.name"].str() == img.name);
    BOOST_TEST(st["annotations"]["dev.ward.image.digest"].str().rfind("sha256:", 0) == 0);
    BOOST_TEST(st["rootfs"].str().rfind(img.store + "/images/sha256/", 0) == 0,
               "rootfs " << st["rootfs"].str());
    BOOST_TEST(fs::exists(state_dir + "/config.json"));

    Result del = img.ward({"delete", id});
    BOOST_TEST(del.status == 0, "delete: " << del.err);
    BOOST_TEST(!fs::exists(state_dir));
}

// As an operator types it: no `--`, the shell's -c is the shell's (ward's
// flags end at the command's first word, as podman's do).
BOOST_AUTO_TEST_CASE(a_command_with_options_needs_no_double_dash) {
    Bundle b;
    Image img(b, "shc");
    BOOST_REQUIRE(img.import().status == 0);

    std::string id = b.new_id("shc");
    Result r = img.ward({"run", "--image", img.name, id, "sh", "-c", "echo hi"});
    BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(r.out == "hi\n", "stdout: " << r.out);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));

    std::string dir = b.dir + "/shc-bundle";
    Result bc = img.ward({"bundle", "create", "--image", img.name, dir, "sh", "-c", "echo hi"});
    BOOST_REQUIRE_MESSAGE(bc.status == 0, "bundle create: " << bc.err);
    Json args = Json::parse(slurp(dir + "/config.json"))["process"]["args"];
    BOOST_TEST(args.dump() == R"(["sh","-c","echo hi"])", "args " << args.dump());
}

BOOST_AUTO_TEST_CASE(bundle_create_writes_only_a_config_referencing_the_store) {
    Bundle b;
    Image img(b, "bun");
    BOOST_REQUIRE(img.import().status == 0);

    std::string dir = b.dir + "/made";
    Result r = img.ward({"bundle", "create", "--image", img.name, dir});
    BOOST_REQUIRE_MESSAGE(r.status == 0, "bundle create: " << r.err);
    BOOST_TEST(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
    struct stat st {};
    BOOST_REQUIRE(::stat((dir + "/config.json").c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 07777) == 0644u);
    Json config = Json::parse(slurp(dir + "/config.json"));
    BOOST_TEST(config["root"]["readonly"].boolean());
    BOOST_TEST(config["root"]["path"].str().rfind(img.store + "/images/sha256/", 0) == 0);

    std::string id = b.new_id("made");
    Result run = img.ward({"run", "--bundle", dir, id});
    BOOST_TEST(run.status == 0, "run exit " << run.status << "; stderr: " << run.err);
    BOOST_TEST(run.out.find("uid=1000 gid=1000") == 0, "stdout: " << run.out);

    // A bundle is never written over another.
    Result again = img.ward({"bundle", "create", "--image", img.name, dir});
    BOOST_TEST(again.status == 1);
    BOOST_TEST(again.err.find("directory is not empty") != std::string::npos, again.err);
}

BOOST_AUTO_TEST_CASE(a_signed_image_runs_under_a_hardened_policy_trusting_its_key,
                     *utf::label("asan")) {
    Bundle b;
    Image img(b, "signed");
    std::string key = b.dir + "/demo";
    BOOST_REQUIRE(img.ward({"key", "generate", "--out", key}).status == 0);
    // Signed with the default identity, the name import gives the image:
    // the policy's default signedIdentity (matchRepoDigestOrExact) accepts it.
    Result sign = img.ward({"image", "sign", "--key", key + ".key", img.layout + ":v1"});
    BOOST_REQUIRE_MESSAGE(sign.status == 0, "sign: " << sign.err);
    BOOST_TEST(sign.out.find("as \"" + img.name + "\"") != std::string::npos, sign.out);

    // hardened, with its trust section trusting only that key.
    std::string policy_path =
        policy_trusting(b, "hardened", signed_by(key), "never", "policy.json");
    // The policy is the one deciding: another key's signature is not enough.
    std::string other = b.dir + "/other";
    BOOST_REQUIRE(img.ward({"key", "generate", "--out", other}).status == 0);
    std::string other_path =
        policy_trusting(b, "hardened", signed_by(other), "never", "other-policy.json");
    Result refused = img.ward({"--policy", other_path, "image", "import", img.layout + ":v1"});
    BOOST_TEST(refused.status == 1, "import under another key: " << refused.err);

    Result imp = img.ward({"--policy", policy_path, "image", "import", img.layout + ":v1"});
    BOOST_REQUIRE_MESSAGE(imp.status == 0, "import: " << imp.err);

    runs_as_its_user(b, img, policy_path);

    // Key rotation at create: a listed key file that is gone is skipped
    // with a warning while the other key admits the image; once the signing
    // key is no longer listed, create refuses the image it alone signed.
    auto write_policy = [&](const std::string& path, const std::vector<std::string>& keys) {
        Json req = Json::object();
        req["type"] = "sigstoreSigned";
        Json list = Json::array();
        for (const auto& k : keys)
            list.push(k);
        req["keyPaths"] = list;
        Json p = Json::parse(slurp(policy_path));
        p["trust"]["default"] = Json::array({req});
        std::ofstream(path) << p.dump();
    };
    std::string rotating = b.dir + "/rotating.json";
    write_policy(rotating, {b.dir + "/gone.pub", key + ".pub"});
    std::string id2 = b.new_id("rot");
    Result rot = img.ward({"--policy", rotating, "run", "--image", img.name, id2, "true"});
    BOOST_TEST(rot.status == 0, "run exit " << rot.status << "; stderr: " << rot.err);
    BOOST_TEST(rot.err.find("key " + b.dir + "/gone.pub does not exist; skipped") !=
                   std::string::npos,
               "stderr: " << rot.err);
    std::string rotated = b.dir + "/rotated.json";
    write_policy(rotated, {other + ".pub"});
    std::string id3 = b.new_id("rev");
    Result rev = img.ward({"--policy", rotated, "run", "--image", img.name, id3, "true"});
    BOOST_TEST(rev.status == 1);
    BOOST_TEST(rev.err.find("refusing to start: no signature by a trusted key for " + img.name) !=
                   std::string::npos,
               "stderr: " << rev.err);
    BOOST_TEST(leftovers(b, id3).empty(), "left behind:" << listed(leftovers(b, id3)));

    // The store's verify memo (trust/verify_memo.hpp) answers by a key's
    // bytes, never its path: once starts have filled it, the policy's key
    // file rewritten in place with another key refuses the image; put back,
    // it admits it again; memo files damaged on disk are not believed.
    std::string in_place = b.dir + "/in-place.pub";
    fs::copy_file(key + ".pub", in_place);
    std::string by_path = b.dir + "/by-path.json";
    write_policy(by_path, {in_place});
    auto run_true = [&](const std::string& tag) {
        return img.ward({"--policy", by_path, "run", "--image", img.name, b.new_id(tag), "true"});
    };
    Result first = run_true("memo");
    BOOST_TEST(first.status == 0, "run exit " << first.status << "; stderr: " << first.err);
    BOOST_TEST(fs::exists(img.store + "/verify-memo"), "no memo in " << img.store);
    fs::copy_file(other + ".pub", in_place, fs::copy_options::overwrite_existing);
    Result swapped = run_true("swap");
    BOOST_TEST(swapped.status == 1);
    BOOST_TEST(swapped.err.find("refusing to start: no signature by a trusted key for " +
                                img.name) != std::string::npos,
               "stderr: " << swapped.err);
    fs::copy_file(key + ".pub", in_place, fs::copy_options::overwrite_existing);
    Result back = run_true("back");
    BOOST_TEST(back.status == 0, "run exit " << back.status << "; stderr: " << back.err);
    for (const auto& entry : fs::directory_iterator(img.store + "/verify-memo")) {
        std::string text = slurp(entry.path().string());
        text.back() = '?';
        std::ofstream(entry.path()) << text;
    }
    Result damaged = run_true("damaged");
    BOOST_TEST(damaged.status == 0, "run exit " << damaged.status << "; stderr: " << damaged.err);
}

// cosign 3's format: a Sigstore bundle v0.3 attached as an OCI 1.1
// referrer, assembled by the openssl CLI (tests/trust/sigstore_bundle.py:
// the image is made here, so no committed fixture can know its digest).
// Imported under hardened trusting only that key, then run; the store's
// saved bundle is what create admits again.
BOOST_AUTO_TEST_CASE(a_sigstore_bundle_signed_image_runs_under_a_policy_trusting_its_key) {
    Bundle b;
    Image img(b, "bundled");
    std::string key = b.dir + "/signer";
    shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + q(key + ".key") +
          " && openssl pkey -in " + q(key + ".key") + " -pubout -out " + q(key + ".pub"));
    std::string tool = fs::absolute("tests/trust/sigstore_bundle.py").string();
    std::string digest_cmd = "python3 " + fs::absolute("tests/trust/layout_edit.py").string() +
                             " digest " + q(img.layout) + " v1";
    shell("d=$(" + digest_cmd + ") && " + q(tool) + " sign \"$d\" " + q(key + ".key") + " " +
          q(b.dir + "/bundle.json") + " && " + q(tool) + " attach " + q(img.layout) + " \"$d\" " +
          q(b.dir + "/bundle.json") + " referrer");

    std::string policy_path =
        policy_trusting(b, "hardened", signed_by(key), "never", "policy.json");
    Result imp = img.ward({"--policy", policy_path, "image", "import", img.layout + ":v1"});
    BOOST_REQUIRE_MESSAGE(imp.status == 0, "import: " << imp.err);
    BOOST_TEST(imp.out.find("sigstore bundle v0.3 key " + key + ".pub") != std::string::npos,
               "stdout: " << imp.out);

    runs_as_its_user(b, img, policy_path);
}

BOOST_AUTO_TEST_CASE(an_unknown_image_is_named) {
    Bundle b;
    std::string store = b.dir + "/store";
    ::mkdir(store.c_str(), 0700);
    std::string id = b.new_id("none");
    Result r = b.runtime({"run", "--image", "localhost/none:1", id},
                         RunOptions{std::chrono::milliseconds(30000), {}, {"WARD_STORE=" + store}});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err.find("image \"localhost/none:1\": not in the store") != std::string::npos,
               "stderr: " << r.err);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
}

BOOST_AUTO_TEST_SUITE_END()
