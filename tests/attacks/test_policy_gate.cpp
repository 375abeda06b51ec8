// Ways around the policy gate (issue 10, holes 1, 2 and 9): every process
// ward starts, and every mount and hook of a config, is judged by the
// policy the container was created under. Each attack asks, under
// hardened, for what the gate must refuse before anything runs: exec with
// capabilities (then ward_it::mount_entry(2)), a --process file with every capability, a
// hook that runs a host binary as root, kernel filesystems and an overlay
// over host directories, and inheritable capabilities that hand a
// file-capability binary its capabilities (CVE-2022-29162).
//
// A host directory bound at /out (and marker files the hook would make)
// shows whether anything ran. Controls show the same requests working
// under compat, inside the container, where they cannot reach the host.
#include "attacks/attack.hpp"
#include "ward/spec/names.hpp"

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <linux/capability.h>
#include <sys/xattr.h>

using namespace ward_attack;
using ward_it::Json;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// BUNDLE_DIR/out on the host, /out in the container.
std::string bind_out(Bundle& b) {
    std::string out = b.dir + "/out";
    fs::create_directories(out);
    fs::create_directories(b.rootfs + "/out");
    b.config["mounts"].push(ward_it::mount_entry("/out", "bind", out, {"rbind", "rw"}));
    return out;
}

// A container under `policy` whose init sleeps, with /out bound; "" when it
// did not start (the reason in `why`).
std::string start_sleeping(Bundle& b, const std::string& policy, std::string& why) {
    b.set_args({"/bin/sleep", "300"});
    std::string id = b.new_id("gate");
    Result r = with_policy(b, policy, "run", id, {"--detach"});
    if (r.status != 0) {
        why = "container did not start under " + policy + ": " + r.err;
        return "";
    }
    return id;
}

// A refusal of the gate with the recorded policy, as exec reports it.
bool refused_by_recorded(const Result& r, const std::string& policy) {
    return r.status == 255 &&
           contains(r.err, "exec failed: policy \"" + policy + "\" (--policy ") &&
           contains(r.err, "recorded for this container at create, refuses this process");
}

// An allowed exec that writes a marker: proves /out shows what runs.
bool markers_work(Bundle& b, const std::string& id, const std::string& out) {
    Result r = b.runtime({"exec", id, "/bin/sh", "-c", "echo alive > /out/alive"});
    return r.status == 0 && fs::exists(out + "/alive");
}

const char* kMountAttempt = "echo started > /out/started; mount -t tmpfs none /mnt && echo "
                            "mounted > /out/mounted";

// security.capability (VFS_CAP_REVISION_2) on a copy of the checker in the
// rootfs: file permitted and inheritable sets. With the effective bit the
// kernel refuses to run a file whose permitted set it cannot grant whole,
// so the copy with a permitted set goes without it (it still gains them
// into its permitted set if anything lets it).
bool give_file_caps(const std::string& path, uint32_t permitted, uint32_t inheritable) {
    vfs_cap_data caps{};
    caps.magic_etc = VFS_CAP_REVISION_2 | (permitted ? 0 : VFS_CAP_FLAGS_EFFECTIVE);
    caps.data[0].permitted = permitted;
    caps.data[0].inheritable = inheritable;
    return ::setxattr(path.c_str(), "security.capability", &caps, sizeof caps, 0) == 0;
}

constexpr uint32_t kNetBind = 1u << CAP_NET_BIND_SERVICE;
constexpr uint32_t kSysAdmin = 1u << CAP_SYS_ADMIN;

// CapInh, CapPrm and CapEff of a checker status, "0/0/0" when nothing.
std::string gained(const std::string& out) {
    auto hex = [&](const char* key) {
        std::string v = ward_it::value_of(out, key);
        return v.empty() ? std::string("?") : std::to_string(std::stoull(v, nullptr, 16));
    };
    return hex("CapInh") + "/" + hex("CapPrm") + "/" + hex("CapEff");
}

} // namespace

BOOST_AUTO_TEST_SUITE(policy_gate)

BOOST_AUTO_TEST_CASE(exec_cap_sys_admin_then_mount) {
    const char* attack = "policy-gate/exec-cap-sys-admin";
    Bundle b;
    std::string out = bind_out(b);
    b.leave_to_policy();
    std::string why;
    std::string id = start_sleeping(b, "hardened", why);
    if (id.empty() || !markers_work(b, id, out)) {
        report(attack, Outcome::could_not_run, why.empty() ? "no marker from /out" : why);
        return;
    }
    Result r = b.runtime({"exec", "--cap", "CAP_SYS_ADMIN", id, "/bin/sh", "-c", kMountAttempt});
    if (r.status == 0 || fs::exists(out + "/started"))
        report(attack, Outcome::not_blocked,
               std::string("the process ran") +
                   (fs::exists(out + "/mounted") ? " and mounted a tmpfs" : ""));
    else if (!refused_by_recorded(r, "hardened") ||
             !contains(r.err, "process.capabilities.bounding contains CAP_SYS_ADMIN"))
        report(attack, Outcome::could_not_run, "refused for another reason: " + r.err);
    else
        report(attack, Outcome::blocked, "the gate refused exec --cap CAP_SYS_ADMIN; no process");

    // The same exec in a container created under compat, with no filter.
    Bundle weak;
    std::string weak_out = bind_out(weak);
    weak.leave_to_policy();
    std::string weak_id = start_sleeping(weak, "compat", why);
    Result w =
        weak.runtime({"exec", "--cap", "CAP_SYS_ADMIN", weak_id, "/bin/sh", "-c", kMountAttempt});
    report_control(attack, !weak_id.empty() && w.status == 0 && fs::exists(weak_out + "/mounted"),
                   "under compat the exec'd process mounted a tmpfs in its container");
}

BOOST_AUTO_TEST_CASE(exec_process_file_with_every_capability) {
    const char* attack = "policy-gate/exec-process-file-all-caps";
    Bundle b;
    std::string out = bind_out(b);
    b.leave_to_policy();
    std::string why;
    std::string id = start_sleeping(b, "hardened", why);
    if (id.empty() || !markers_work(b, id, out)) {
        report(attack, Outcome::could_not_run, why.empty() ? "no marker from /out" : why);
        return;
    }
    Json every = Json::array();
    for (const auto& cap : ward::spec::capability_names())
        every.push(Json(cap));
    Json p = Json::object();
    p["args"] = Json::strings({"/bin/sh", "-c", kMountAttempt});
    p["cwd"] = "/";
    p["env"] = Json::strings({"PATH=/bin"});
    for (const char* set : {"bounding", "effective", "permitted", "inheritable", "ambient"})
        p["capabilities"][set] = every;
    p["noNewPrivileges"] = false;
    std::string file = b.dir + "/every-cap.json";
    std::ofstream(file) << p.dump();
    Result r = b.runtime({"exec", "--process", file, id});
    if (r.status == 0 || fs::exists(out + "/started"))
        report(attack, Outcome::not_blocked,
               std::string("the process ran") +
                   (fs::exists(out + "/mounted") ? " and mounted a tmpfs" : ""));
    else if (!refused_by_recorded(r, "hardened") ||
             !contains(r.err, "process.capabilities.ambient contains ") ||
             !contains(r.err, "CAP_SYS_ADMIN"))
        report(attack, Outcome::could_not_run, "refused for another reason: " + r.err);
    else
        report(attack, Outcome::blocked, "the gate refused the --process file; no process");
}

BOOST_AUTO_TEST_CASE(a_hook_runs_a_host_binary_as_root) {
    const char* attack = "policy-gate/hook-host-binary";
    Bundle b;
    b.leave_to_policy();
    b.set_args({"/bin/true"});
    std::string marker = b.dir + "/hook-ran";
    Json hook = Json::object();
    hook["path"] = "/bin/sh";
    hook["args"] = Json::strings({"sh", "-c", "touch " + marker});
    b.config["hooks"]["createRuntime"] = Json::array({hook});
    std::string id = b.new_id("hook");
    Result r = hardened(b, "run", id);
    if (r.status == 0 || fs::exists(marker))
        report(attack, Outcome::not_blocked, "the hook ran on the host (marker made)");
    else if (!contains(r.err, "policy \"hardened\": hooks.createRuntime[0].path is /bin/sh, "
                              "allowed: none"))
        report(attack, Outcome::could_not_run, "refused for another reason: " + r.err);
    else
        report(attack, Outcome::blocked, "create refused the hook; it never ran");

    Bundle weak;
    weak.leave_to_policy();
    weak.set_args({"/bin/true"});
    std::string weak_marker = weak.dir + "/hook-ran";
    hook["args"] = Json::strings({"sh", "-c", "touch " + weak_marker});
    weak.config["hooks"]["createRuntime"] = Json::array({hook});
    Result w = with_policy(weak, "baseline", "run", weak.new_id("hook"));
    report_control(attack, w.status == 0 && fs::exists(weak_marker),
                   "under baseline (which allows hooks) the hook ran and made its marker");
}

BOOST_AUTO_TEST_CASE(an_overlay_over_host_directories) {
    const char* attack = "policy-gate/overlay-host-lowerdir";
    Bundle b;
    std::string out = bind_out(b);
    b.leave_to_policy();
    // /etc itself: hostMounts forbids binding it; an overlay is another way in.
    b.config["mounts"].push(
        ward_it::mount_entry("/mnt", "overlay", "overlay", {"lowerdir=/etc:/usr", "ro"}));
    b.set_args({"/bin/sh", "-c", "cat /mnt/hostname > /out/leak"});
    std::string id = b.new_id("overlay");
    Result r = hardened(b, "run", id);
    if (r.status == 0 || fs::exists(out + "/leak"))
        report(attack, Outcome::not_blocked, "the container ran with the host's /etc mounted");
    else if (!contains(r.err, "policy \"hardened\": mounts[8].type is overlay, allowed: "))
        report(attack, Outcome::could_not_run, "refused for another reason: " + r.err);
    else
        report(attack, Outcome::blocked, "create refused the overlay mount");

    // A host directory of the test's own, under compat.
    Bundle weak;
    std::string weak_out = bind_out(weak);
    weak.leave_to_policy();
    for (const char* d : {"lower1", "lower2"})
        fs::create_directories(weak.dir + "/" + d);
    std::ofstream(weak.dir + "/lower1/secret") << "host file";
    weak.config["mounts"].push(
        ward_it::mount_entry("/mnt", "overlay", "overlay",
                             {"lowerdir=" + weak.dir + "/lower1:" + weak.dir + "/lower2"}));
    weak.set_args({"/bin/sh", "-c", "cat /mnt/secret > /out/leak"});
    Result w = with_policy(weak, "compat", "run", weak.new_id("overlay"));
    report_control(attack, w.status == 0 && ward_it::slurp(weak_out + "/leak") == "host file",
                   "under compat the container read a host file through the overlay");
}

// No control: a debugfs or tracefs mount is the host kernel's own, from any
// mount namespace; the lane does not hand one to a container.
BOOST_AUTO_TEST_CASE(kernel_filesystems_mounted_into_the_container) {
    for (const char* type : {"debugfs", "tracefs"}) {
        std::string attack = std::string("policy-gate/") + type;
        Bundle b;
        std::string out = bind_out(b);
        b.leave_to_policy();
        b.config["mounts"].push(
            ward_it::mount_entry("/mnt", type, type, {"ro", "nosuid", "nodev", "noexec"}));
        b.set_args({"/bin/sh", "-c", "ls /mnt > /out/listing"});
        std::string id = b.new_id(type);
        Result r = hardened(b, "run", id);
        if (r.status == 0 || fs::exists(out + "/listing"))
            report(attack, Outcome::not_blocked, std::string("the container ran with ") + type);
        else if (!contains(r.err, "policy \"hardened\": mounts[8].type is " + std::string(type) +
                                      ", allowed: "))
            report(attack, Outcome::could_not_run, "refused for another reason: " + r.err);
        else
            report(attack, Outcome::blocked, std::string("create refused the ") + type + " mount");
    }
}

BOOST_AUTO_TEST_CASE(inheritable_capabilities_in_the_config) {
    const char* attack = "CVE-2022-29162/inheritable-config";
    Bundle b;
    b.leave_to_policy();
    // Only a capability hardened allows: the attack is the inheritable set.
    b.config["process"]["capabilities"]["inheritable"] = Json::strings({"CAP_NET_BIND_SERVICE"});
    b.set_args({"/checker", "status"});
    std::string id = b.new_id("inh");
    Result r = hardened(b, "run", id);
    if (r.status == 0)
        report(attack, Outcome::not_blocked,
               "ran with CapInh " + ward_it::value_of(r.out, "CapInh"));
    else if (!contains(r.err, "policy \"hardened\": process.capabilities.inheritable contains "
                              "CAP_NET_BIND_SERVICE, allowed: what process.capabilities.ambient "
                              "needs (none)"))
        report(attack, Outcome::could_not_run, "refused for another reason: " + r.err);
    else
        report(attack, Outcome::blocked, "create refused inheritable capabilities");
}

BOOST_AUTO_TEST_CASE(a_file_capability_binary_exec_d_under_the_defaults) {
    const char* attack = "CVE-2022-29162/file-caps-after-exec";
    Bundle b;
    b.leave_to_policy();
    // One copy gains only through inheritable, one through its permitted set.
    fs::copy_file(b.rootfs + "/checker", b.rootfs + "/fcaps-inh");
    fs::copy_file(b.rootfs + "/checker", b.rootfs + "/fcaps-all");
    bool tagged =
        give_file_caps(b.rootfs + "/fcaps-inh", 0, kNetBind | kSysAdmin) &&
        give_file_caps(b.rootfs + "/fcaps-all", kNetBind | kSysAdmin, kNetBind | kSysAdmin);
    if (!tagged) {
        report(attack, Outcome::could_not_run,
               std::string("setxattr security.capability: ") + std::strerror(errno));
        return;
    }
    std::string why;
    std::string id = start_sleeping(b, "hardened", why);
    if (id.empty()) {
        report(attack, Outcome::could_not_run, why);
        return;
    }
    std::string seen, failed;
    for (const char* binary : {"/fcaps-inh", "/fcaps-all"})
        for (const char* user : {"0:0", "1000:1000"}) {
            Result r = b.runtime({"exec", "--user", user, id, binary, "status"});
            std::string what = std::string(binary) + " as " + user;
            if (r.status != 0 || ward_it::value_of(r.out, "CapEff").empty())
                failed += " " + what + ": " + r.err;
            else
                seen += " " + what + " " + gained(r.out);
        }
    if (!failed.empty())
        report(attack, Outcome::could_not_run, "exec failed:" + failed);
    else if (seen == " /fcaps-inh as 0:0 0/0/0 /fcaps-inh as 1000:1000 0/0/0 /fcaps-all as 0:0 "
                     "0/0/0 /fcaps-all as 1000:1000 0/0/0")
        report(attack, Outcome::blocked,
               "CapInh/CapPrm/CapEff all 0 after exec of file-capability binaries");
    else
        report(attack, Outcome::not_blocked, "capabilities gained (inh/prm/eff):" + seen);

    // A compat container that keeps inheritable capabilities and lets a
    // non-root process gain privileges: the inheritable-only binary gains.
    Bundle weak;
    weak.leave_to_policy();
    fs::copy_file(weak.rootfs + "/checker", weak.rootfs + "/fcaps-inh");
    give_file_caps(weak.rootfs + "/fcaps-inh", 0, kNetBind);
    weak.config["process"]["user"]["uid"] = 1000;
    weak.config["process"]["user"]["gid"] = 1000;
    weak.config["process"]["noNewPrivileges"] = false;
    Json& caps = weak.config["process"]["capabilities"];
    caps["bounding"] = Json::strings({"CAP_NET_BIND_SERVICE"});
    caps["inheritable"] = Json::strings({"CAP_NET_BIND_SERVICE"});
    for (const char* set : {"effective", "permitted", "ambient"})
        caps[set] = Json::array();
    weak.set_args({"/fcaps-inh", "status"});
    Result w = with_policy(weak, "compat", "run", weak.new_id("fcaps"));
    report_control(attack,
                   w.status == 0 && ward_it::value_of(w.out, "CapPrm") == "0000000000000400",
                   "under compat, inheritable CAP_NET_BIND_SERVICE reached the binary (CapPrm " +
                       ward_it::value_of(w.out, "CapPrm") + ")");
}

BOOST_AUTO_TEST_SUITE_END()
