// ward's built-in seccomp profiles applied to real containers: the shipped
// JSON (seccomp-profiles/, read from the source tree so the same test runs
// under runc) goes into linux.seccomp, and the checker and busybox report
// from inside what the filter lets through and what it refuses.
#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sys/syscall.h>

using namespace ward_it;
namespace utf = boost::unit_test;

namespace {

Json profile(const std::string& name) {
    std::string text = slurp("seccomp-profiles/" + name + ".json");
    BOOST_TEST_REQUIRE(!text.empty(), "seccomp-profiles/" << name << ".json (run from the source)");
    return Json::parse(text);
}

// Runs a shell script in a container under the profile; the run must exit 0.
std::string run_under(const std::string& name, const std::string& script,
                      const std::vector<std::string>& extra_caps = {}) {
    Bundle b;
    b.config["linux"]["seccomp"] = profile(name);
    for (const auto& cap : extra_caps)
        for (const char* set : {"bounding", "effective", "permitted"})
            b.config["process"]["capabilities"][set].push(Json(cap));
    b.set_args({"/bin/sh", "-c", script});
    Result r = b.run(b.new_id("prof"));
    BOOST_TEST_REQUIRE(r.status == 0,
                       "run exit " << r.status << "\nstdout: " << r.out << "\nstderr: " << r.err);
    return r.out;
}

std::string syscall_line(const std::string& out, long nr) {
    return value_of(out, "syscall " + std::to_string(nr));
}

} // namespace

BOOST_AUTO_TEST_SUITE(seccomp_profiles)

BOOST_AUTO_TEST_CASE(busybox_applets_and_a_script_run_unchanged_under_default_deny,
                     *utf::label("asan")) {
    std::string out = run_under("default-deny", R"sh(
        set -e
        ls -la / > /tmp/listing
        grep -q checker /tmp/listing && echo "ls: ok"
        cat /etc/passwd | grep -q '^root:' && echo "cat: ok"
        ps | grep -q 'ps' && echo "ps: ok"
        count() { n=0; for i in 1 2 3; do n=$((n + i)); done; echo $n; }
        [ "$(count)" = 6 ] && echo "functions: ok"
        (cd /tmp && touch a && mkdir d && echo sub > d/f) && cat /tmp/d/f
        sleep 0.1 & wait $! && echo "jobs: ok"
        /checker status | grep '^Seccomp:'
    )sh");
    for (const char* line : {"ls: ok", "cat: ok", "ps: ok", "functions: ok", "sub", "jobs: ok"})
        BOOST_TEST(has_line(out, line), line << " in:\n" << out);
    BOOST_TEST(value_of(out, "Seccomp") == "2");
}

// A config's own profile (what podman and Docker send) is compiled once per
// state root (seccomp/program_cache.hpp): later containers load the cached
// program and it refuses what the first one refused; a damaged entry is
// compiled again, never loaded.
BOOST_AUTO_TEST_CASE(a_configs_own_profile_is_compiled_once_and_stays_enforced,
                     *utf::label("ward_only") * utf::label("asan") * utf::precondition(ward_only)) {
    Bundle b;
    b.config["linux"]["seccomp"] = profile("default-deny");
    b.set_args({"/checker", "syscall", std::to_string(SYS_mount)});
    std::string cache = b.state_dir + "/@seccomp";
    b.write_config();
    for (int round = 0; round < 3; ++round) {
        BOOST_TEST_CONTEXT("round " << round) {
            if (round == 2)
                for (const auto& entry : std::filesystem::directory_iterator(cache))
                    std::ofstream(entry.path(), std::ios::app) << "damaged";
            Result r = b.runtime({"--debug", "run", "--bundle", b.bundle_dir, b.new_id("cached")});
            BOOST_TEST(r.status == 0, "run exit " << r.status << "; stderr: " << r.err);
            bool cached = r.err.find("the program compiled before") != std::string::npos;
            BOOST_TEST(cached == (round == 1), r.err);
            BOOST_TEST(syscall_line(r.out, SYS_mount) == "error EPERM", r.out);
            size_t files = 0;
            for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(cache))
                ++files;
            BOOST_TEST(files == 1u);
        }
    }
}

BOOST_AUTO_TEST_CASE(dangerous_calls_fail_with_eperm_unknown_ones_with_enosys) {
    std::string out = run_under(
        "default-deny",
        "/checker syscall " + std::to_string(SYS_unshare) + " 0x10000000;" + "/checker syscall " +
            std::to_string(SYS_mount) + ";" + "/checker syscall " + std::to_string(SYS_keyctl) +
            ";" + "/checker syscall " + std::to_string(SYS_clone3) + ";" +
            "/checker syscall 1000;" + "/checker syscall " + std::to_string(SYS_getpid) +
            "; /bin/busybox unshare -U true 2>&1; true");
    BOOST_TEST(syscall_line(out, SYS_unshare) == "error EPERM");
    BOOST_TEST(syscall_line(out, SYS_mount) == "error EPERM");
    BOOST_TEST(syscall_line(out, SYS_keyctl) == "error EPERM");
    // clone3 hides its flags from a filter: ENOSYS sends libcs to clone(2).
    BOOST_TEST(syscall_line(out, SYS_clone3) == "error ENOSYS");
    BOOST_TEST(syscall_line(out, 1000) == "error ENOSYS");
    BOOST_TEST(syscall_line(out, SYS_getpid).rfind("ok ", 0) == 0u);
    BOOST_TEST(out.find("Operation not permitted") != std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(compat_allows_more_but_keeps_the_escapes_out) {
    std::string out = run_under("compat", "/checker syscall " + std::to_string(SYS_kcmp) +
                                              " 1 1 1; /checker syscall " +
                                              std::to_string(SYS_open_by_handle_at) +
                                              "; /checker status | grep '^Seccomp:'");
    BOOST_TEST(syscall_line(out, SYS_kcmp) != "error EPERM");
    BOOST_TEST(syscall_line(out, SYS_open_by_handle_at) == "error EPERM");
    BOOST_TEST(value_of(out, "Seccomp") == "2");
}

// A static server serving a request on loopback, inside the container's own
// network namespace (lo is brought up there: CAP_NET_ADMIN over that
// namespace only).
BOOST_AUTO_TEST_CASE(busybox_httpd_serves_on_loopback_under_default_deny) {
    std::string out = run_under("default-deny", R"sh(
        set -e
        /bin/busybox ip link set lo up
        mkdir -p /tmp/www && echo "served by httpd" > /tmp/www/index.html
        /bin/busybox httpd -p 127.0.0.1:8080 -h /tmp/www
        i=0
        until /bin/busybox wget -q -O /tmp/got http://127.0.0.1:8080/index.html; do
            i=$((i + 1)); [ $i -lt 50 ] || exit 1; sleep 0.1
        done
        cat /tmp/got
    )sh",
                                {"CAP_NET_ADMIN"});
    BOOST_TEST(has_line(out, "served by httpd"), out);
}

// python3, the host's own (read-only bind mounts of /usr, and /lib and
// /lib64 for the loader), exercising threads, sockets, hashing, temp files
// and a subprocess under default-deny.
BOOST_AUTO_TEST_CASE(python3_runs_unchanged_under_default_deny) {
    Bundle b;
    b.config["linux"]["seccomp"] = profile("default-deny");
    auto bind = [&](const char* source, const char* destination) {
        Json m = Json::object();
        m["destination"] = destination;
        m["type"] = "bind";
        m["source"] = source;
        m["options"] = Json::parse(R"(["rbind", "ro", "nosuid", "nodev"])");
        b.config["mounts"].push(m);
    };
    bind("/usr", "/usr");
    bind("/usr/lib", "/lib");
    bind("/usr/lib64", "/lib64");
    // Loopback comes up in the container's own network namespace first
    // (CAP_NET_ADMIN over that namespace only), as for httpd above.
    for (const char* set : {"bounding", "effective", "permitted"})
        b.config["process"]["capabilities"][set].push(Json("CAP_NET_ADMIN"));
    std::ofstream(b.rootfs + "/test.py") << R"py(
import hashlib, os, socket, subprocess, tempfile, threading
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
def serve():
    conn, _ = server.accept()
    conn.sendall(b"pong")
    conn.close()
t = threading.Thread(target=serve)
t.start()
client = socket.create_connection(server.getsockname())
print("socket:", client.recv(4).decode())
t.join()
print("sha256:", hashlib.sha256(b"ward").hexdigest()[:12])
with tempfile.TemporaryDirectory() as d:
    with open(os.path.join(d, "f"), "w") as f:
        f.write("kept")
    print("tempfile:", open(os.path.join(d, "f")).read())
print(subprocess.run(["/bin/echo", "subprocess: ok"], capture_output=True, text=True).stdout.strip())
)py";
    b.set_args(
        {"/bin/sh", "-c", "/bin/busybox ip link set lo up && exec /usr/bin/python3 /test.py"});
    Result r = b.run(b.new_id("py"));
    BOOST_TEST_REQUIRE(r.status == 0,
                       "run exit " << r.status << "\nstdout: " << r.out << "\nstderr: " << r.err);
    for (const char* line :
         {"socket: pong", "sha256: 96b8f576c788", "tempfile: kept", "subprocess: ok"})
        BOOST_TEST(has_line(r.out, line), line << " in:\n" << r.out);
}

BOOST_AUTO_TEST_SUITE_END()
