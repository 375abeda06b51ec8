// What create checks is what the kernel gets: bind sources and the rootfs
// are opened once and mounted from those fds (issue 10 holes 1 and 3), a
// store only root controls vouches for images (hole 4), and a store
// image's shared rootfs is never written by create (hole 5).
#include "attacks/attack.hpp"
#include "integration/store_image.hpp"
#include "ward/base/fd.hpp"
#include "ward/trust/tree_diff.hpp"
#include "ward/trust/tree_walk.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ward_attack;
using ward_it::Json;
using ward_it::q;
using ward_it::shell;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

Json bind_mount(const std::string& dest, const std::string& source) {
    return ward_it::mount_entry(dest, "bind", source, {"rbind", "ro"});
}

// Names in the host's /etc that a busybox rootfs does not have.
bool lists_host_etc(const std::string& out) {
    for (const char* name : {"debian_version", "os-release", "fstab", "shadow"})
        if (fs::exists(std::string("/etc/") + name) &&
            contains(out, std::string("entry: ") + name + " "))
            return true;
    return false;
}

// A child that runs `step` until killed; killed by its pid at scope end.
class Racer {
  public:
    template <class Step>
    explicit Racer(Step step) {
        pid_ = ::fork();
        if (pid_ == 0) {
            for (;;)
                step();
        }
    }
    ~Racer() { stop(); }
    void stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }

  private:
    pid_t pid_ = -1;
};

// compat's rules with a trust section of the test's choosing (an image
// signed by the test's key, accepted by repository).
std::string policy_trusting(Bundle& b, const std::string& key_pub) {
    std::string text = ward_it::slurp("contrib/policies/compat.json");
    size_t at = text.find("\"trust\":");
    BOOST_REQUIRE(at != std::string::npos);
    size_t end = text.rfind('}');
    text =
        text.substr(0, at) +
        R"("trust": {"default": [{"type": "reject"}], "scopes": {"localhost/img": [{"type": "sigstoreSigned", "keyPath": ")" +
        key_pub + R"(", "signedIdentity": {"type": "matchRepository"}}]}})" + "\n" +
        text.substr(end);
    std::string path = b.dir + "/trusting.json";
    std::ofstream(path) << text;
    return path;
}

// A signed image of the test rootfs, imported into DIR/store under a
// policy trusting its key. nullopt (with the reason) when that failed.
struct SignedImage {
    explicit SignedImage(Bundle& b) : img(b, "img") {
        shell(q(ward_it::runtime_path()) + " key generate --out " + q(b.dir + "/k"));
        shell(q(ward_it::runtime_path()) + " image sign --key " + q(b.dir + "/k.key") + " " +
              q(img.layout + ":v1"));
        policy = policy_trusting(b, b.dir + "/k.pub");
        Result r = img.ward({"--policy", policy, "image", "import", img.layout + ":v1"});
        imported = r.status == 0;
        error = r.err;
        if (!imported)
            return;
        Result inspect = img.ward({"image", "inspect", img.name});
        size_t r0 = inspect.out.find("\"rootfs\": \"");
        if (r0 != std::string::npos)
            rootfs = inspect.out.substr(r0 + 11, inspect.out.find('"', r0 + 11) - r0 - 11);
    }
    ward_it::Image img;
    std::string policy;
    std::string rootfs; // the store entry's rootfs
    bool imported = false;
    std::string error;
};

bool umoci_missing() {
    return std::system("command -v umoci >/dev/null 2>&1") != 0;
}

// The signed, imported image an attack needs, or null after reporting why
// the attack could not run.
std::unique_ptr<SignedImage> signed_image(Bundle& b, const std::string& attack) {
    if (umoci_missing()) {
        report(attack, Outcome::could_not_run, "umoci is not installed");
        return nullptr;
    }
    auto si = std::make_unique<SignedImage>(b);
    if (!si->imported || si->rootfs.empty()) {
        report(attack, Outcome::could_not_run, "import failed: " + si->error);
        return nullptr;
    }
    return si;
}

// `bundle create --image` of it into `dir`; false after reporting why not.
bool image_bundle(SignedImage& si, const std::string& dir, const std::string& attack) {
    Result made =
        si.img.ward({"--policy", si.policy, "bundle", "create", "--image", si.img.name, dir});
    if (made.status != 0)
        report(attack, Outcome::could_not_run, "bundle create: " + made.err);
    return made.status == 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(rootfs_sources)

// Hole 1: hostMounts compared strings; a relative source or a symlink in
// the bundle named /etc all the same.
BOOST_AUTO_TEST_CASE(bind_sources_that_lead_to_host_paths_are_refused) {
    struct Variant {
        const char* name;
        std::string source;
        std::function<void(Bundle&)> prepare;
    };
    std::vector<Variant> variants = {
        {"relative-dotdot", "../../../../../../../../../../etc", [](Bundle&) {}},
        {"bundle-symlink", "hostetc",
         [](Bundle& b) { fs::create_symlink("/etc", b.bundle_dir + "/hostetc"); }},
        {"symlink-to-file-below", "hosthostname",
         [](Bundle& b) { fs::create_symlink("/etc/hostname", b.bundle_dir + "/hosthostname"); }},
        {"symlink-chain", "a",
         [](Bundle& b) {
             fs::create_symlink("b", b.bundle_dir + "/a");
             fs::create_symlink("../../../../../../../../../../", b.bundle_dir + "/b");
         }},
    };
    for (const auto& v : variants) {
        Bundle b;
        b.leave_to_policy();
        v.prepare(b);
        b.config["mounts"].push(bind_mount("/h", v.source));
        b.set_args({"/checker", "ls", "/h"});
        std::string attack = std::string("hostMounts/") + v.name;
        Result r = hardened(b, "run", b.new_id("src"));
        if (r.status == 0)
            report(attack, Outcome::not_blocked,
                   "the container ran with " + v.source + " mounted" +
                       (lists_host_etc(r.out) ? " and listed the host's /etc" : ""));
        else if (contains(r.err, "hostMounts") || contains(r.err, "forbidden: "))
            report(attack, Outcome::blocked, r.err.substr(r.err.rfind("policy \"")));
        else
            report(attack, Outcome::could_not_run, "refused for another reason: " + r.err);
    }
    // Control: a policy that only warns lets the relative source through,
    // and the container really sees the host's /etc.
    Bundle b;
    b.leave_to_policy();
    b.config["mounts"].push(bind_mount("/h", "../../../../../../../../../../etc"));
    b.set_args({"/checker", "ls", "/h"});
    Result r = with_policy(b, "compat", "run", b.new_id("ctl"));
    report_control("hostMounts/relative-dotdot", r.status == 0 && lists_host_etc(r.out),
                   "under compat the container listed the host's /etc (exit " +
                       std::to_string(r.status) + ")");
}

// Hole 3: the init opened root.path again after the prestart and
// createRuntime hooks; a hook (or anyone) swapping a root.path symlink
// then had the container pivot into another tree.
BOOST_AUTO_TEST_CASE(a_hook_swapping_the_root_path_symlink_changes_nothing) {
    for (const char* kind : {"prestart", "createRuntime"}) {
        Bundle b;
        std::string evil = b.dir + "/evil";
        shell("cp -a " + q(b.rootfs) + " " + q(evil) + " && echo swapped > " + q(evil + "/marker"));
        fs::create_symlink("rootfs", b.bundle_dir + "/rootlink");
        b.config["root"]["path"] = "rootlink";
        std::string hook = b.dir + "/swap.sh";
        std::ofstream(hook) << "#!/bin/sh\nln -sfn " << evil << " " << b.bundle_dir
                            << "/rootlink\n";
        ::chmod(hook.c_str(), 0755);
        Json h = Json::object();
        h["path"] = hook;
        b.config["hooks"][kind] = Json::array({h});
        b.set_args({"/checker", "read", "/marker"});
        // compat: hooks are refused by the stricter policies; the property
        // (the rootfs opened by create is the one pivoted into) is the
        // runtime's, whatever the policy.
        Result r = with_policy(b, "compat", "run", b.new_id("hook"));
        std::string attack = std::string("root-path-swap/") + kind + "-hook";
        bool swapped = fs::read_symlink(b.bundle_dir + "/rootlink") == evil;
        if (!swapped)
            report(attack, Outcome::could_not_run, "the hook did not swap the link: " + r.err);
        else if (contains(r.out, "read /marker: ok"))
            report(attack, Outcome::not_blocked, "the container ran in the swapped-in tree");
        else if (contains(r.out, "read /marker: error ENOENT"))
            report(attack, Outcome::blocked,
                   "the hook swapped root.path; the container still ran in the tree create "
                   "opened (no /marker)");
        else
            report(attack, Outcome::could_not_run, "run failed: " + r.err + r.out);
    }
}

// Hole 3, raced: root.path a symlink flipped between a trusted store
// image's rootfs and an unverified copy while ward runs it again and again
// under a policy that trusts only the image. Reproduced before the fix:
// 8 of 150 runs started on the unverified tree.
BOOST_AUTO_TEST_CASE(a_raced_root_path_symlink_never_runs_an_unverified_tree) {
    const char* attack = "root-path-swap/race-against-trust";
    Bundle b;
    auto image = signed_image(b, attack);
    std::string bundle = b.dir + "/raced";
    if (!image || !image_bundle(*image, bundle, attack))
        return;
    SignedImage& si = *image;
    std::string evil = b.dir + "/unverified";
    shell("cp -a " + q(si.rootfs) + " " + q(evil) + " && echo unverified > " + q(evil + "/marker"));
    std::string link = bundle + "/rootlink";
    fs::create_symlink(si.rootfs, link);
    Json config = Json::parse(ward_it::slurp(bundle + "/config.json"));
    config["root"]["path"] = link;
    config["process"]["args"] = Json::strings({"/checker", "read", "/marker"});
    std::ofstream(bundle + "/config.json") << config.dump();

    std::string tmp_link = bundle + "/rootlink.tmp";
    Racer racer([&] {
        static bool flip = false;
        flip = !flip;
        ::unlink(tmp_link.c_str());
        if (::symlink((flip ? evil : si.rootfs).c_str(), tmp_link.c_str()) == 0)
            ::rename(tmp_link.c_str(), link.c_str());
        // Flipped every half millisecond: far inside the time between
        // create's open and the init's pivot, so a runtime that looked at
        // root.path twice would see both trees, while each side stays long
        // enough for runs to start on both.
        ::usleep(500);
    });
    int runs = 0, refused = 0, on_image = 0, on_unverified = 0;
    std::string other;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(40);
    for (; runs < 150 && std::chrono::steady_clock::now() < until; ++runs) {
        Result r =
            si.img.ward({"--policy", si.policy, "run", "--bundle", bundle, b.new_id("race")});
        if (contains(r.out, "read /marker: ok"))
            ++on_unverified;
        else if (contains(r.out, "read /marker: error ENOENT"))
            ++on_image;
        else if (contains(r.err, "refusing to start: root.path"))
            ++refused;
        else if (other.empty())
            other = r.err;
    }
    racer.stop();
    std::string counts = std::to_string(runs) + " runs: " + std::to_string(on_image) +
                         " on the image, " + std::to_string(refused) + " refused (link pointed " +
                         "at the unverified tree), " + std::to_string(on_unverified) +
                         " on the unverified tree";
    if (on_unverified > 0)
        report(attack, Outcome::not_blocked, counts);
    else if (on_image == 0 || refused == 0 || !other.empty())
        report(attack, Outcome::could_not_run,
               "the race did not interleave both ways (" + counts + ")" +
                   (other.empty() ? "" : "; other failure: " + other));
    else
        report(attack, Outcome::blocked, counts);
}

// Hole 4: the store was opened for reading without the owner and mode
// check its creation makes, so anyone's copy of a store, with its
// signatures.json next to a rootfs of their own, passed.
BOOST_AUTO_TEST_CASE(a_store_someone_else_controls_vouches_for_nothing) {
    const char* attack = "forged-store";
    Bundle b;
    auto image = signed_image(b, attack);
    if (!image)
        return;
    SignedImage& si = *image;
    auto run_from = [&](const std::string& store, const std::string& hint) {
        return b.runtime(
            {"--policy", si.policy, "run", "--image", si.img.name, b.new_id(hint), "/checker",
             "read", "/marker"},
            ward_it::RunOptions{std::chrono::milliseconds(60000), {}, {"WARD_STORE=" + store}});
    };
    // The forger's copy: signatures and manifest copied, the rootfs theirs.
    auto forge = [&](const std::string& store) {
        shell("cp -a " + q(si.img.store) + " " + q(store) + " && for r in " + q(store) +
              "/images/sha256/*/rootfs; do echo forged > \"$r/marker\"; done");
    };
    // Control: root's own copy is a store like any other; it runs.
    std::string copy = b.dir + "/copy";
    shell("cp -a " + q(si.img.store) + " " + q(copy));
    Result ctl = run_from(copy, "ctl");
    report_control(attack, contains(ctl.out, "read /marker: error ENOENT"),
                   "a root-owned copy of the store runs the image" +
                       (ctl.out.empty() ? ": " + ctl.err : std::string()));

    std::string user_store = b.dir + "/user-store";
    forge(user_store);
    shell("chown -R 1000:1000 " + q(user_store) + " && chmod 0755 " + q(user_store));
    Result r = run_from(user_store, "owned");
    if (contains(r.out, "read /marker: ok"))
        report(std::string(attack) + "/user-owned", Outcome::not_blocked,
               "ran the forged rootfs from a store owned by uid 1000");
    else if (contains(r.err, "must be owned by uid 0"))
        report(std::string(attack) + "/user-owned", Outcome::blocked,
               r.err.substr(r.err.find("image store")));
    else
        report(std::string(attack) + "/user-owned", Outcome::could_not_run, r.err);

    // Root's store, but below a directory a user controls: they can rename
    // it away and put theirs in its place.
    std::string home = b.dir + "/home";
    fs::create_directories(home);
    forge(home + "/store");
    shell("chown 1000:1000 " + q(home) + " && chmod 0755 " + q(home));
    r = run_from(home + "/store", "parent");
    if (contains(r.out, "read /marker: ok"))
        report(std::string(attack) + "/user-owned-parent", Outcome::not_blocked,
               "ran the forged rootfs from a store below a directory of uid 1000");
    else if (contains(r.err, "a directory above it"))
        report(std::string(attack) + "/user-owned-parent", Outcome::blocked,
               r.err.substr(r.err.find("image store")));
    else
        report(std::string(attack) + "/user-owned-parent", Outcome::could_not_run, r.err);
}

// Hole 5: the root bind stayed writable until the final remount, and /dev
// was populated in the rootfs when no /dev mount covered it: containers of
// an image wrote into the shared, recorded store rootfs.
BOOST_AUTO_TEST_CASE(containers_of_a_store_image_never_write_into_it) {
    const char* attack = "write-into-store";
    Bundle b;
    auto image = signed_image(b, attack);
    if (!image)
        return;
    SignedImage& si = *image;
    auto record = [&] {
        ward::UniqueFd dir(::open(si.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        return ward::trust::record_tree(dir.get());
    };
    auto entry_files = [&] {
        std::string out;
        for (const auto& e : fs::directory_iterator(fs::path(si.rootfs).parent_path()))
            if (e.is_regular_file())
                out += e.path().filename().string() + ":" + ward_it::slurp(e.path()) + "\n";
        return out;
    };
    ward::trust::TreeRecord before = record();
    std::string entry_before = entry_files();
    auto rootfs_mtime = fs::last_write_time(si.rootfs);

    // Every mount type, devices, masked and read-only paths, hooks, exec.
    std::string volume = b.dir + "/volume";
    fs::create_directories(volume);
    std::string bundle = b.dir + "/every";
    if (!image_bundle(si, bundle, attack))
        return;
    Json config = Json::parse(ward_it::slurp(bundle + "/config.json"));
    config["process"]["args"] = Json::strings({"/bin/sleep", "30"});
    config["mounts"].push(bind_mount("/mnt", volume));
    Json cg = Json::object();
    cg["destination"] = "/sys/fs/cgroup";
    cg["type"] = "cgroup";
    cg["source"] = "cgroup";
    cg["options"] = Json::strings({"ro", "nosuid", "nodev", "noexec"});
    config["mounts"].push(cg);
    Json fuse = Json::object();
    fuse["path"] = "/dev/fuse";
    fuse["type"] = "c";
    fuse["major"] = 10;
    fuse["minor"] = 229;
    config["linux"]["devices"] = Json::array({fuse});
    Json hook = Json::object();
    hook["path"] = "/bin/true";
    for (const char* kind : {"prestart", "createRuntime", "createContainer", "startContainer",
                             "poststart", "poststop"})
        config["hooks"][kind] = Json::array({hook});
    std::ofstream(bundle + "/config.json") << config.dump();
    std::string id = b.new_id("every");
    ward_it::RunOptions env = si.img.env();
    Result r = b.runtime({"--policy", si.policy, "run", "--detach", "--bundle", bundle, id}, env);
    int ran = r.status == 0;
    if (ran) {
        b.runtime({"exec", id, "/bin/touch", "/tmp/x"}, env);
        b.runtime({"exec", id, "/bin/sh", "-c", "mkdir -p /new || true"}, env);
        b.runtime({"delete", "--force", id}, env);
    }
    ward::trust::TreeRecord after = record();
    auto diff = ward::trust::first_difference(before, after, "since import");
    bool entry_same = entry_files() == entry_before;
    bool mtime_same = fs::last_write_time(si.rootfs) == rootfs_mtime;
    if (!ran)
        report(attack, Outcome::could_not_run, "the container with every mount type: " + r.err);
    else if (diff || !entry_same || !mtime_same)
        report(attack, Outcome::not_blocked,
               diff ? *diff
                    : std::string(entry_same ? "the rootfs was modified (mtime)"
                                             : "the store entry's files changed"));
    else
        report(attack, Outcome::blocked,
               "store rootfs and entry byte-identical after run, exec and delete with bind, "
               "tmpfs, proc, sysfs, devpts, mqueue, cgroup, a device, masked/read-only paths "
               "and every hook");

    // Configs that would need to write there are refused up front.
    struct Refusal {
        const char* name;
        std::function<void(Json&)> edit;
        const char* why;
    };
    std::vector<Refusal> refusals = {
        {"no-dev-mount",
         [](Json& c) {
             Json kept = Json::array();
             for (const Json& m : c["mounts"].items()) {
                 const std::string& dest = m.at("destination").str();
                 if (dest != "/dev" && dest.rfind("/dev/", 0) != 0)
                     kept.push(m);
             }
             c["mounts"] = kept;
         },
         "no mount on /dev"},
        {"missing-target",
         [](Json& c) {
             Json m = Json::object();
             m["destination"] = "/not-in-image";
             m["type"] = "tmpfs";
             m["source"] = "tmpfs";
             c["mounts"].push(m);
         },
         "does not exist in the rootfs"},
    };
    const std::string every = ward_it::slurp(bundle + "/config.json");
    for (const auto& refusal : refusals) {
        Json c = Json::parse(every);
        c["hooks"] = Json::object();
        refusal.edit(c);
        std::ofstream(bundle + "/config.json") << c.dump();
        Result rr =
            b.runtime({"--policy", si.policy, "run", "--bundle", bundle, b.new_id("ref")}, env);
        std::string name = std::string(attack) + "/" + refusal.name;
        if (rr.status == 0)
            report(name, Outcome::not_blocked, "the container ran");
        else if (contains(rr.err, "refusing to start: ") && contains(rr.err, refusal.why))
            report(name, Outcome::blocked, rr.err.substr(rr.err.find("refusing to start: ")));
        else
            report(name, Outcome::could_not_run, "refused for another reason: " + rr.err);
    }
    diff = ward::trust::first_difference(before, record(), "since import");
    BOOST_TEST(!diff, "after the refusals: " << diff.value_or(""));

    // A writable root on a store image is an overlay whose lower layer is
    // the store rootfs: the container may write everywhere, and its writes
    // land in its state dir, never in the store (or the policy refuses).
    Json c = Json::parse(every);
    c["hooks"] = Json::object();
    c["root"]["readonly"] = false;
    c["process"]["args"] =
        Json::strings({"/bin/sh", "-c", "echo owned >/etc/passwd && touch /planted"});
    // As root in the container: the image's own user could not write there.
    c["process"]["user"] = Json::object();
    c["process"]["user"]["uid"] = 0;
    c["process"]["user"]["gid"] = 0;
    std::ofstream(bundle + "/config.json") << c.dump();
    Result rw = b.runtime({"--policy", si.policy, "run", "--bundle", bundle, b.new_id("rw")}, env);
    std::string name = std::string(attack) + "/writable-root";
    diff = ward::trust::first_difference(before, record(), "since import");
    bool refused = contains(rw.err, "refusing to start: ") && contains(rw.err, "root.readonly");
    if (diff)
        report(name, Outcome::not_blocked, *diff);
    else if (rw.status == 0)
        report(name, Outcome::blocked,
               "the container wrote /etc/passwd and /planted into its overlay; the store rootfs "
               "is byte-identical");
    else if (refused)
        report(name, Outcome::blocked, rw.err.substr(rw.err.find("refusing to start: ")));
    else
        report(name, Outcome::could_not_run, "the writing container failed: " + rw.err);
}

BOOST_AUTO_TEST_SUITE_END()
