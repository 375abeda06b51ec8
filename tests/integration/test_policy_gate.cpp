// The policy as one gate, with real containers: exec and update meet the
// policy recorded for the container at create (whatever --policy says
// then), a refused exec starts nothing, and hooks, --no-pivot and mount
// types have rules of their own. A host directory bound at /out lets a
// test see whether a process or hook ran. ward_only: runc has no policy.
#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

using namespace ward_it;
namespace utf = boost::unit_test;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

Result with_policy(Bundle& b, const std::string& policy, const std::string& verb,
                   const std::string& id, const std::vector<std::string>& extra = {}) {
    b.write_config();
    std::vector<std::string> args = {"--policy", shipped_policy(policy), verb};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--bundle", b.bundle_dir, id});
    return b.runtime(args);
}

// BUNDLE_DIR/out on the host is /out in the container.
std::string bind_out(Bundle& b) {
    std::string out = b.dir + "/out";
    fs::create_directories(out);
    fs::create_directories(b.rootfs + "/out");
    b.config["mounts"].push(mount_entry("/out", "bind", out, {"rbind", "rw"}));
    return out;
}

// A hardened container, started, whose init sleeps.
std::string running_hardened(Bundle& b) {
    b.leave_to_policy(Bundle::Seccomp::keep);
    b.set_args({"/bin/sleep", "300"});
    std::string id = b.new_id("gate");
    Result c = with_policy(b, "hardened", "run", id, {"--detach"});
    BOOST_REQUIRE_MESSAGE(c.status == 0, "run --detach: " << c.err);
    return id;
}

std::string write_process(const Bundle& b, const std::string& name, const Json& process) {
    std::string path = b.dir + "/" + name;
    std::ofstream(path) << process.dump();
    return path;
}

Json process_writing(const std::string& marker) {
    Json p = Json::object();
    p["args"] = Json::strings({"/bin/sh", "-c", "echo ran > /out/" + marker});
    p["cwd"] = "/";
    p["env"] = Json::strings({"PATH=/bin"});
    return p;
}

const std::string kRecordedRefusal =
    "), recorded for this container at create, refuses this process; a container keeps the "
    "policy it was created under";

} // namespace

BOOST_AUTO_TEST_SUITE(policy_gate, *utf::label("ward_only") * utf::precondition(ward_only))

BOOST_AUTO_TEST_CASE(exec_under_hardened_is_refused_before_any_process_starts) {
    Bundle b;
    std::string out = bind_out(b);
    std::string id = running_hardened(b);

    Json all_caps = process_writing("from-process-file");
    for (const char* set : {"bounding", "effective", "permitted"})
        all_caps["capabilities"][set] = Json::strings({"CAP_SYS_ADMIN"});
    all_caps["capabilities"]["inheritable"] = Json::strings({"CAP_NET_BIND_SERVICE"});
    all_caps["noNewPrivileges"] = true;
    std::string file = write_process(b, "caps.json", all_caps);

    struct Attempt {
        std::vector<std::string> flags;
        std::string marker;
        std::vector<std::string> findings;
    };
    const std::vector<Attempt> attempts = {
        {{"--cap", "CAP_SYS_ADMIN"},
         "from-cap",
         {"process.capabilities.bounding contains CAP_SYS_ADMIN, allowed: CAP_NET_BIND_SERVICE",
          "process.capabilities.effective contains CAP_SYS_ADMIN"}},
        {{"--no-new-privs=false"},
         "from-nnp",
         {"process.noNewPrivileges is false, required: true"}},
        {{"--process", file},
         "from-process-file",
         {"process.capabilities.bounding contains CAP_SYS_ADMIN",
          "process.capabilities.inheritable contains CAP_NET_BIND_SERVICE, allowed: what "
          "process.capabilities.ambient needs (none)"}},
    };
    for (const auto& a : attempts) {
        BOOST_TEST_CONTEXT(a.flags.front()) {
            std::vector<std::string> args = {"exec"};
            args.insert(args.end(), a.flags.begin(), a.flags.end());
            args.push_back(id);
            if (a.flags.front() != "--process")
                args.insert(args.end(), {"/bin/sh", "-c", "echo ran > /out/" + a.marker});
            Result r = b.runtime(args);
            BOOST_TEST(r.status == 255, "exec exit " << r.status << "; stderr: " << r.err);
            BOOST_TEST(contains(r.err, "exec failed: policy \"hardened\" (--policy " +
                                           shipped_policy("hardened") + kRecordedRefusal),
                       "stderr: " << r.err);
            for (const auto& f : a.findings)
                BOOST_TEST(contains(r.err, "\npolicy \"hardened\": " + f), "stderr: " << r.err);
            BOOST_TEST(!fs::exists(out + "/" + a.marker), "the refused process ran");
        }
    }
    // The same command without the extra privileges runs: the markers above
    // would have shown.
    Result ok = b.runtime({"exec", id, "/bin/sh", "-c", "echo ran > /out/plain"});
    BOOST_TEST(ok.status == 0, "exec exit " << ok.status << "; stderr: " << ok.err);
    BOOST_TEST(fs::exists(out + "/plain"));
}

// What the policy allows, --cap may add: hardened allows CAP_NET_BIND_SERVICE.
// Its inheritable set is empty, so the capability is not ambient (the kernel
// could not raise it) and the process gets what create would have allowed.
BOOST_AUTO_TEST_CASE(an_allowed_cap_passes_hardened) {
    Bundle b;
    bind_out(b);
    std::string id = running_hardened(b);
    Result r = b.runtime({"exec", "--cap", "CAP_NET_BIND_SERVICE", id, "/checker", "status"});
    BOOST_REQUIRE_MESSAGE(r.status == 0, "exec: " << r.err);
    BOOST_TEST(value_of(r.out, "CapEff") == cap_mask({"CAP_NET_BIND_SERVICE"}));
    BOOST_TEST(value_of(r.out, "CapBnd") == cap_mask({"CAP_NET_BIND_SERVICE"}));
    BOOST_TEST(value_of(r.out, "CapAmb") == "0000000000000000");
    BOOST_TEST(value_of(r.out, "CapInh") == "0000000000000000");
}

BOOST_AUTO_TEST_CASE(a_process_file_is_filled_as_create_fills_the_config) {
    Bundle b;
    bind_out(b);
    std::string id = running_hardened(b);
    // Neither capabilities nor noNewPrivileges: hardened fills both.
    Json p = Json::object();
    p["args"] = Json::strings({"/checker", "status"});
    p["cwd"] = "/";
    Result r = b.runtime({"exec", "--process", write_process(b, "bare.json", p), id});
    BOOST_REQUIRE_MESSAGE(r.status == 0, "exec: " << r.err);
    BOOST_TEST(value_of(r.out, "NoNewPrivs") == "1");
    BOOST_TEST(value_of(r.out, "CapEff") == "0000000000000000");
    BOOST_TEST(value_of(r.out, "CapBnd") == "0000000000000000");
    BOOST_TEST(value_of(r.out, "CapInh") == "0000000000000000");
}

BOOST_AUTO_TEST_CASE(exec_under_compat_warns_once_and_runs) {
    Bundle b; // the harness's compat policy; the test config's capabilities warn
    b.set_args({"/bin/sleep", "300"});
    std::string id = b.new_id("compat");
    b.write_config();
    Result c = b.runtime({"run", "--detach", "--bundle", b.bundle_dir, id});
    BOOST_REQUIRE_MESSAGE(c.status == 0, "run: " << c.err);
    const std::string chown = "policy \"compat\": process.capabilities.bounding contains CAP_CHOWN";
    BOOST_TEST(contains(c.err, "warning: " + chown), "create stderr: " << c.err);

    Result plain = b.runtime({"exec", id, "/checker", "status"});
    BOOST_TEST(plain.status == 0, plain.err);
    BOOST_TEST(!contains(plain.err, chown), "create's warning repeated: " << plain.err);

    Result extra = b.runtime({"exec", "--cap", "CAP_SYS_ADMIN", id, "/checker", "status"});
    BOOST_TEST(extra.status == 0, extra.err);
    BOOST_TEST(contains(extra.err, "warning: policy \"compat\": process.capabilities.bounding "
                                   "contains CAP_SYS_ADMIN, allowed: CAP_NET_BIND_SERVICE"),
               "stderr: " << extra.err);
    BOOST_TEST(!contains(extra.err, chown), "create's warning repeated: " << extra.err);
    BOOST_TEST(value_of(extra.out, "CapEff") ==
               cap_mask({"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL", "CAP_SETGID",
                         "CAP_SETUID", "CAP_NET_BIND_SERVICE", "CAP_SYS_ADMIN"}));
}

BOOST_AUTO_TEST_CASE(unknown_capability_names_are_errors_under_every_policy) {
    Bundle b;
    b.config["process"]["capabilities"]["bounding"].push(Json("CAP_FOO"));
    std::string id = b.new_id("unknown");
    Result r = b.create(id); // compat: it would only warn about a known one
    BOOST_TEST(r.status == 1, "create exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(contains(r.err, "process.capabilities.bounding[7]: unknown capability \"CAP_FOO\""),
               "stderr: " << r.err);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));

    Bundle running;
    running.set_args({"/bin/sleep", "300"});
    std::string rid = running.new_id("exec");
    running.write_config();
    Result c = running.runtime({"run", "--detach", "--bundle", running.bundle_dir, rid});
    BOOST_REQUIRE_MESSAGE(c.status == 0, "run: " << c.err);
    Result cap = running.runtime({"exec", "--cap", "CAP_FOO", rid, "/bin/true"});
    BOOST_TEST(cap.status == 255);
    BOOST_TEST(contains(cap.err, "exec failed: --cap: unknown capability \"CAP_FOO\""), cap.err);
    Json p = Json::object();
    p["args"] = Json::strings({"/bin/true"});
    p["cwd"] = "/";
    p["capabilities"]["ambient"] = Json::strings({"CAP_FOO"});
    std::string file = write_process(running, "unknown.json", p);
    Result proc = running.runtime({"exec", "--process", file, rid});
    BOOST_TEST(proc.status == 255);
    BOOST_TEST(contains(proc.err, file + ": capabilities.ambient[0]: unknown capability "
                                         "\"CAP_FOO\""),
               proc.err);
}

BOOST_AUTO_TEST_CASE(hooks_refused_under_hardened_run_under_baseline_warned_under_compat) {
    for (const char* policy : {"hardened", "baseline", "compat"}) {
        BOOST_TEST_CONTEXT(policy) {
            Bundle b;
            b.leave_to_policy(Bundle::Seccomp::keep);
            b.set_args({"/bin/true"});
            std::string marker = b.dir + "/hook-ran";
            Json hook = Json::object();
            hook["path"] = "/bin/sh";
            hook["args"] = Json::strings({"sh", "-c", "touch " + marker});
            b.config["hooks"]["prestart"] = Json::array({hook});
            std::string id = b.new_id("hook");
            Result r = with_policy(b, policy, "run", id);
            const std::string finding = "hooks.prestart[0].path is /bin/sh, allowed: none";
            if (std::string(policy) == "hardened") {
                BOOST_TEST(r.status == 1, "run exit " << r.status << "; stderr: " << r.err);
                BOOST_TEST(contains(r.err, "policy \"hardened\" (--policy " +
                                               shipped_policy("hardened") +
                                               ") refuses this container; choose another "
                                               "policy with --policy FILE, WARD_POLICY=FILE or "
                                               "/etc/ward/policy.json\npolicy \"hardened\": " +
                                               finding),
                           "stderr: " << r.err);
                BOOST_TEST(!fs::exists(marker), "the refused hook ran");
                BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
            } else {
                BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
                BOOST_TEST(fs::exists(marker), "the hook did not run");
                BOOST_TEST(contains(r.err, finding) == (std::string(policy) == "compat"),
                           "stderr: " << r.err);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(no_pivot_refused_under_hardened_and_baseline_warned_under_compat) {
    for (const char* policy : {"hardened", "baseline", "compat"}) {
        BOOST_TEST_CONTEXT(policy) {
            Bundle b;
            b.leave_to_policy(Bundle::Seccomp::keep);
            b.set_args({"/bin/true"});
            std::string id = b.new_id("pivot");
            Result r = with_policy(b, policy, "run", id, {"--no-pivot"});
            std::string finding = "policy \"" + std::string(policy) +
                                  "\": --no-pivot is set, required: pivot_root into the rootfs";
            BOOST_TEST(contains(r.err, finding), "stderr: " << r.err);
            if (std::string(policy) == "compat") {
                BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
                BOOST_TEST(contains(r.err, "warning: " + finding), "stderr: " << r.err);
            } else {
                BOOST_TEST(r.status == 1, "run exit " << r.status << "; stderr: " << r.err);
                BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(mount_types_outside_the_list_are_refused_under_hardened) {
    const std::string allowed = ", allowed: bind, proc, sysfs, tmpfs, devpts, mqueue, cgroup2";
    for (const char* type : {"overlay", "debugfs", "tracefs"}) {
        BOOST_TEST_CONTEXT(type) {
            Bundle b;
            b.leave_to_policy(Bundle::Seccomp::keep);
            b.set_args({"/bin/true"});
            std::string options = std::string(type) == "overlay" ? "lowerdir=/etc:/usr" : "ro";
            b.config["mounts"].push(mount_entry("/mnt", type, type, {options}));
            std::string id = b.new_id("type");
            Result r = with_policy(b, "hardened", "run", id);
            BOOST_TEST(r.status == 1, "run exit " << r.status << "; stderr: " << r.err);
            BOOST_TEST(contains(r.err, "policy \"hardened\": mounts[7].type is " +
                                           std::string(type) + allowed),
                       "stderr: " << r.err);
            BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
        }
    }
}

BOOST_AUTO_TEST_CASE(the_types_containers_need_pass_hardened) {
    // `runc spec` and `ward spec` mount /sys/fs/cgroup as "cgroup"; a bind
    // mount typed "none" is a bind mount.
    Bundle b;
    b.leave_to_policy(Bundle::Seccomp::keep);
    fs::create_directories(b.dir + "/volume");
    std::ofstream(b.dir + "/volume/file") << "volume";
    b.config["mounts"].push(mount_entry("/sys/fs/cgroup", "cgroup", "cgroup",
                                        {"nosuid", "noexec", "nodev", "relatime", "ro"}));
    b.config["mounts"].push(mount_entry("/mnt", "none", b.dir + "/volume", {"rbind", "ro"}));
    Json cgroup_ns = Json::object();
    cgroup_ns["type"] = "cgroup";
    b.config["linux"]["namespaces"].push(cgroup_ns);
    b.set_args({"/bin/cat", "/mnt/file"});
    Result r = with_policy(b, "hardened", "run", b.new_id("types"));
    BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(r.out == "volume");
}

BOOST_AUTO_TEST_CASE(an_overlay_runs_under_compat_with_a_warning) {
    Bundle b;
    for (const char* d : {"lower1", "lower2"})
        fs::create_directories(b.dir + "/" + d);
    std::ofstream(b.dir + "/lower1/file") << "from the host";
    b.config["mounts"].push(mount_entry("/mnt", "overlay", "overlay",
                                        {"lowerdir=" + b.dir + "/lower1:" + b.dir + "/lower2"}));
    b.set_args({"/bin/cat", "/mnt/file"});
    Result r = b.run(b.new_id("overlay"));
    BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(contains(r.err, "warning: policy \"compat\": mounts[7].type is overlay, allowed: "),
               "stderr: " << r.err);
    BOOST_TEST(r.out == "from the host");
}

// A pod as containerd's CRI plugin makes it: a sandbox container, and app
// containers that join its ipc, uts, pid and network namespaces by path.
// hardened admits the joins (they are another container's); the same join
// of the host's own namespace is refused, naming it.
BOOST_AUTO_TEST_CASE(app_containers_join_their_pod_sandbox_but_not_the_host) {
    Bundle b;
    b.leave_to_policy(Bundle::Seccomp::keep);
    b.set_args({"/bin/sleep", "30"});
    std::string sandbox = b.new_id("sandbox");
    Result r = with_policy(b, "hardened", "run", sandbox, {"--detach"});
    BOOST_REQUIRE_MESSAGE(r.status == 0, "sandbox: " << r.err);
    long pid = b.state(sandbox).at("pid").num();

    auto join = [&](const std::string& proc_dir) {
        Json namespaces = Json::array();
        for (const auto& [type, name] : std::vector<std::pair<std::string, std::string>>{
                 {"pid", "pid"}, {"network", "net"}, {"ipc", "ipc"}, {"uts", "uts"}}) {
            Json n = Json::object();
            n["type"] = type;
            n["path"] = proc_dir + "/ns/" + name;
            namespaces.push(n);
        }
        Json mnt = Json::object();
        mnt["type"] = "mount";
        namespaces.push(mnt);
        b.config["linux"]["namespaces"] = namespaces;
        b.config.erase("hostname"); // the uts namespace is the sandbox's
    };
    join("/proc/" + std::to_string(pid));
    b.set_args({"/checker", "status"});
    r = with_policy(b, "hardened", "run", b.new_id("app"));
    BOOST_TEST(r.status == 0, "app container: exit " << r.status << "; stderr: " << r.err);
    BOOST_TEST(contains(r.out, "hostname: ward-it"),
               "not in the sandbox's uts namespace: " << r.out);

    b.runtime({"delete", "--force", sandbox}); // its process would count as a leftover below
    join("/proc/self");
    std::string id = b.new_id("host");
    r = with_policy(b, "hardened", "run", id);
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err, "linux.namespaces ipc joins /proc/self/ns/ipc, the host's own ipc "
                               "namespace"),
               "stderr: " << r.err);
    BOOST_TEST(leftovers(b, id).empty(), "left behind:" << listed(leftovers(b, id)));
}

BOOST_AUTO_TEST_SUITE_END()
