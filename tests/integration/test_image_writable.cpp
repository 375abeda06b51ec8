// Store images that lack what a container needs of them, on real
// containers: an image built FROM scratch (one static busybox, no /dev,
// /proc, /sys) gets its mount points at import, recorded in image.json
// apart from files.jsonl, and runs under hardened with /proc mounted while
// verifyRootfs still refuses any other extra path; a writable root
// (--writable) is an overlay on the store rootfs whose writes land in the
// state dir, the store staying byte-identical (an independent find +
// sha256sum walk), delete (and delete --force after a killed create)
// removing it all; hardened refuses a writable root. ward_only: runc has
// no image store.
#include "integration/store_image.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <sys/stat.h>
#include <thread>

using namespace ward_it;
namespace utf = boost::unit_test;
namespace fs = std::filesystem;

namespace {

// Lines of a mountinfo file that mention `text`.
std::vector<std::string> mountinfo_lines(const std::string& file, const std::string& text) {
    std::vector<std::string> found;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line))
        if (contains(line, text))
            found.push_back(line);
    return found;
}

// The root mount of the container whose init is `pid`, as its mountinfo says.
std::string root_mount(int pid) {
    for (const auto& line : mountinfo_lines("/proc/" + std::to_string(pid) + "/mountinfo", " / / "))
        return line;
    return "";
}

// An imported image and a bundle DIR/made of it with a writable root
// running `command`.
std::string writable_bundle(Image& img, const std::vector<std::string>& command) {
    BOOST_REQUIRE(img.import().status == 0);
    std::string dir = img.b.dir + "/made";
    std::vector<std::string> args = {"bundle", "create", "--writable", "--image",
                                     img.name, dir,      "--"};
    args.insert(args.end(), command.begin(), command.end());
    Result r = img.ward(args);
    BOOST_REQUIRE_MESSAGE(r.status == 0, "bundle create: " << r.err);
    return dir;
}

// A policy trusting anything, verifyRootfs as given, rules of `name`.
std::string open_policy(Bundle& b, const std::string& name, const std::string& verify_rootfs) {
    Json any = Json::object();
    any["type"] = "insecureAcceptAnything";
    return policy_trusting(b, name, any, verify_rootfs, name + "-" + verify_rootfs + ".json");
}

} // namespace

BOOST_AUTO_TEST_SUITE(image_writable, *utf::label("ward_only") * utf::precondition(ward_only) *
                                          utf::precondition(has_umoci))

BOOST_AUTO_TEST_CASE(a_from_scratch_image_gets_mount_points_at_import_and_runs_under_hardened) {
    Bundle b;
    Image img(b, "scratch", {}, Contents::scratch);
    std::string key = b.dir + "/demo";
    BOOST_REQUIRE(img.ward({"key", "generate", "--out", key}).status == 0);
    BOOST_REQUIRE(img.ward({"image", "sign", "--key", key + ".key", "--identity", img.name,
                            img.layout + ":v1"})
                      .status == 0);
    std::string policy = policy_trusting(b, "hardened", signed_by(key), "always", "policy.json");
    Result imp = img.ward({"--policy", policy, "image", "import", img.layout + ":v1"});
    BOOST_REQUIRE_MESSAGE(imp.status == 0, "import: " << imp.err);

    // Recorded apart: image.json lists them, the per-file record does not.
    std::string entry = img.entry();
    Json image = Json::parse(slurp(entry + "/image.json"));
    BOOST_TEST(image["mountPoints"].dump() == R"(["/dev","/proc","/sys"])");
    std::string record = slurp(entry + "/files.jsonl");
    for (const char* p : {"/dev", "/proc", "/sys"}) {
        BOOST_TEST(!contains(record, std::string("\"path\":\"") + p + "\""),
                   p << " in files.jsonl");
        struct stat st {};
        BOOST_TEST(::lstat((entry + "/rootfs" + p).c_str(), &st) == 0);
        BOOST_TEST((S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0755 && st.st_uid == 0),
                   p << ": mode " << std::oct << st.st_mode << " uid " << std::dec << st.st_uid);
    }

    std::string id = b.new_id("scratch");
    auto run = [&] {
        return img.ward({"--policy", policy, "run", "--image", img.name, id, "--", "/bin/busybox",
                         "awk", R"($5 == "/proc" { print $9 })", "/proc/self/mountinfo"});
    };
    Result r = run();
    BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(r.out == "proc\n", "stdout: " << r.out);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));

    // Only those empty directories are accepted: another directory, or
    // anything inside one of them, is still a change of the image.
    std::string rootfs = entry + "/rootfs";
    ::mkdir((rootfs + "/mnt").c_str(), 0755);
    r = run();
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err, "refusing to start: rootfs file /mnt added since import"), r.err);
    ::rmdir((rootfs + "/mnt").c_str());
    ::mkdir((rootfs + "/proc/x").c_str(), 0755);
    r = run();
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err, "refusing to start: rootfs file /proc/x added since import"), r.err);
    ::rmdir((rootfs + "/proc/x").c_str());
    ::chmod((rootfs + "/sys").c_str(), 0700);
    r = run();
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err, "rootfs file /sys mode changed since import (want 0755, got 0700)"),
               r.err);
    ::chmod((rootfs + "/sys").c_str(), 0755);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
    BOOST_TEST(run().status == 0, "the restored rootfs runs again");
}

BOOST_AUTO_TEST_CASE(a_writable_root_takes_writes_and_the_store_stays_byte_identical,
                     *utf::label("asan")) {
    Bundle b;
    Image img(b, "rw");
    BOOST_REQUIRE(img.import().status == 0);
    std::string entry = img.entry();
    std::string before = hash_walk(entry + "/rootfs");
    std::string record = slurp(entry + "/files.jsonl");

    std::string id = b.new_id("rw");
    Result r =
        img.ward({"run", "-d", "--writable", "--image", img.name, id, "--", "sleep", "1000"});
    BOOST_REQUIRE_MESSAGE(r.status == 0, "run -d: " << r.err);
    // compat warns about the writable root (its readonlyRoot rule).
    BOOST_TEST(contains(r.err, "root.readonly is false, required: true"), r.err);
    // As root: the image's user owns nothing outside /tmp; a root-owned
    // file changed (copied up) and one removed (a whiteout) are the point.
    Result w = img.ward({"exec", "--user", "0:0", id, "sh", "-c",
                         "echo new >/newfile && echo changed >>/etc/passwd && rm /bin/true && "
                         "mkdir /made && cat /newfile && tail -n 1 /etc/passwd && "
                         "(test -e /bin/true && echo kept || echo gone)"});
    BOOST_TEST(w.status == 0, "exec: " << w.err);
    BOOST_TEST(w.out == "new\nchanged\ngone\n", "stdout: " << w.out);

    // The overlay: lower the store rootfs, upper the state dir's; it is
    // the container's root only, never in the host's mount table.
    std::string state_dir = fs::canonical(b.state_dir).string() + "/" + id;
    Json st = Json::parse(slurp(state_dir + "/state.json"));
    std::string upper = state_dir + "/rootfs-upper";
    BOOST_TEST(st["rootfsOverlay"]["upper"].str() == upper);
    BOOST_TEST(st["rootfsOverlay"]["lower"].str() == entry + "/rootfs");
    std::string root = root_mount(static_cast<int>(st["pid"].num()));
    BOOST_TEST(contains(root, " - overlay overlay rw,"), root);
    BOOST_TEST(contains(root, "upperdir=" + upper + ","), root);
    BOOST_TEST(contains(root, entry + "/rootfs"), root);
    BOOST_TEST(mountinfo_lines("/proc/self/mountinfo", state_dir).empty());
    BOOST_TEST(slurp(upper + "/newfile") == "new\n");
    BOOST_TEST(!fs::exists(entry + "/rootfs/newfile"));

    // Another container of the image starts from the image, not from this one.
    std::string other = b.new_id("rw2");
    Result fresh = img.ward({"run", "--writable", "--image", img.name, other, "--", "sh", "-c",
                             "test -e /newfile && echo seen || echo fresh"});
    BOOST_TEST(fresh.out == "fresh\n", "stdout: " << fresh.out << "; stderr: " << fresh.err);

    BOOST_TEST(img.ward({"kill", id, "KILL"}).status == 0);
    BOOST_TEST(b.wait_status(id, "stopped"));
    Result del = img.ward({"delete", id});
    BOOST_TEST(del.status == 0, "delete: " << del.err);
    BOOST_TEST(!fs::exists(state_dir), "state dir (with the upper layer) left behind");
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
    BOOST_TEST(leftovers(b, other).empty(), "left behind:" << listed(leftovers(b, other)));
    BOOST_TEST(mountinfo_lines("/proc/self/mountinfo", "rootfs-upper").empty());

    // Byte for byte what it was, by find + sha256sum and by ward's own
    // check against the import's record.
    BOOST_TEST(hash_walk(entry + "/rootfs") == before);
    BOOST_TEST(slurp(entry + "/files.jsonl") == record);
    std::string check = b.new_id("check");
    Result verified = img.ward({"--policy", open_policy(b, "compat", "always"), "run", "--image",
                                img.name, check, "--", "true"});
    BOOST_TEST(verified.status == 0, "verifyRootfs always: " << verified.err);
}

BOOST_AUTO_TEST_CASE(bundle_create_writable_writes_a_writable_root_config) {
    Bundle b;
    Image img(b, "rwb");
    std::string dir = writable_bundle(img, {"sh", "-c", "touch /tmp/x && echo wrote"});
    Json config = Json::parse(slurp(dir + "/config.json"));
    BOOST_TEST(!config["root"]["readonly"].boolean());

    std::string id = b.new_id("rwb");
    Result run = img.ward({"run", "--bundle", dir, id});
    BOOST_TEST(run.status == 0, "run exit " << run.status << "; stderr: " << run.err);
    BOOST_TEST(run.out == "wrote\n", "stdout: " << run.out);
    BOOST_TEST(!fs::exists(img.entry() + "/rootfs/tmp/x"));
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));

    // Without --image there is no store rootfs to put an overlay on.
    Result usage = img.ward({"run", "--writable", id});
    BOOST_TEST(usage.status == 1);
    BOOST_TEST(contains(usage.err, "--writable needs --image"), usage.err);
}

BOOST_AUTO_TEST_CASE(hardened_refuses_a_writable_root) {
    Bundle b;
    Image img(b, "rwh");
    std::string policy = open_policy(b, "hardened", "never");
    BOOST_REQUIRE(img.ward({"--policy", policy, "image", "import", img.layout + ":v1"}).status ==
                  0);
    std::string id = b.new_id("rwh");
    Result r = img.ward({"--policy", policy, "run", "--writable", "--image", img.name, id});
    BOOST_TEST(r.status == 1, "exit " << r.status << "; stdout: " << r.out);
    BOOST_TEST(contains(r.err, "policy \"hardened\" (--policy " + policy + ") refuses this"),
               r.err);
    BOOST_TEST(contains(r.err, "policy \"hardened\": root.readonly is false, required: true"),
               r.err);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
    // The same image, shared read-only, runs under that policy.
    Result ro = img.ward({"--policy", policy, "run", "--image", img.name, id});
    BOOST_TEST(ro.status == 0, "read-only: " << ro.err);
}

BOOST_AUTO_TEST_CASE(delete_force_after_a_killed_create_removes_the_writable_root) {
    Bundle b;
    Image img(b, "rwk");
    std::string dir = writable_bundle(img, {"true"});
    // A createRuntime hook that waits: ward is killed while it runs,
    // after the overlay and the state are made.
    std::string hook_pid = b.dir + "/hook.pid";
    Json config = Json::parse(slurp(dir + "/config.json"));
    Json waiting = Json::object();
    waiting["path"] = "/bin/sh";
    waiting["args"] = Json::strings({"sh", "-c", "echo $$ >" + hook_pid + "; exec sleep 30"});
    config["hooks"]["createRuntime"] = Json::array({waiting});
    std::ofstream(dir + "/config.json") << config.dump();

    std::string id = b.new_id("rwk");
    Spawned create = b.spawn({"create", "--bundle", dir, id}, img.env());
    for (int i = 0; i < 200 && !fs::exists(hook_pid); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    BOOST_REQUIRE_MESSAGE(fs::exists(hook_pid), "the createRuntime hook never ran");
    std::this_thread::sleep_for(std::chrono::milliseconds(50)); // the pid written whole
    std::string state_dir = b.state_dir + "/" + id;
    BOOST_TEST(fs::exists(state_dir + "/rootfs-upper"));
    ::kill(create.pid(), SIGKILL);
    create.wait(std::chrono::milliseconds(10000));
    int hook = std::stoi(slurp(hook_pid));
    ::kill(hook, SIGKILL); // the hook ward started, left behind by its death

    Result del = img.ward({"delete", "--force", id});
    BOOST_TEST(del.status == 0, "delete --force: " << del.err);
    BOOST_TEST(!fs::exists(state_dir));
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
    BOOST_TEST(mountinfo_lines("/proc/self/mountinfo", "rootfs-upper").empty());
}

BOOST_AUTO_TEST_SUITE_END()
