// CVE-2019-5736 (runc "/proc/self/exe"): a process in the container opens
// /proc/<pid>/exe of anything in its pid namespace that runs the runtime's
// binary (the init or an exec'd process while ward code runs, or the
// binary itself when an entrypoint script says `#!/proc/self/exe`), keeps
// an O_PATH fd, and once the runtime has exited reopens /proc/self/fd/N for
// writing: the host's runtime binary is overwritten, and the next `ward`
// an operator runs is the attacker's.
//
// The attacker is tests/attacks/exe_attacker.c (build/exe-attacker), pid 1
// of a watcher container; ward's processes enter its pid namespace by
// `ward exec`, or as a second container that joins it. Every ward call of
// these tests runs a COPY of the runtime under test in the test's temp dir,
// so an attack that works overwrites only that copy; blocked means the
// copy is byte for byte what it was and the attacker says why each write
// failed. The control runs the same attacker against a plain copied binary
// that nothing protects.
#include "attacks/attack.hpp"
#include "ward/trust/digest.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sched.h>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>

using namespace ward_attack;
using ward_it::Json;
using ward_it::RunOptions;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr int kWatchSeconds = 6;

std::string attacker_path() {
    const char* v = std::getenv("EXE_ATTACKER");
    if (v && *v)
        return fs::absolute(v).string();
    return (fs::path(ward_it::checker_path()).parent_path() / "exe-attacker").string();
}

std::string file_digest(const std::string& path) {
    return ward::trust::sha256(ward_it::slurp(path)).str();
}

// A binary copied into the test's temp dir: its identity as the attacker
// prints it ("dev=D ino=I") and its digest before any attack.
struct CopiedBinary {
    CopiedBinary(const std::string& from, const std::string& to) : path(to) {
        fs::copy_file(from, path, fs::copy_options::overwrite_existing);
        ::chmod(path.c_str(), 0755);
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0)
            throw std::runtime_error("stat " + path);
        identity = "dev=" + std::to_string(st.st_dev) + " ino=" + std::to_string(st.st_ino) + " ";
        digest = file_digest(path);
    }
    bool unchanged() const { return file_digest(path) == digest; }

    std::string path;
    std::string identity;
    std::string digest;
};

// The runtime under test, copied: every ward call below runs this copy.
struct WardCopy : CopiedBinary {
    explicit WardCopy(const Bundle& b) : CopiedBinary(ward_it::runtime_path(), b.dir + "/ward") {}

    Result operator()(Bundle& b, const std::string& policy, std::vector<std::string> args) const {
        args.insert(args.begin(), {"--policy", ward_it::shipped_policy(policy)});
        RunOptions opts;
        opts.runtime = path;
        return b.runtime(args, opts);
    }
};

// The shared libraries a dynamic binary needs, at their own paths in the
// rootfs (as any glibc-based image has them), so the runtime's binary can
// run there as a script's interpreter.
void install_libraries(const Bundle& b, const std::string& binary) {
    std::unique_ptr<FILE, int (*)(FILE*)> ldd(::popen(("ldd " + binary).c_str(), "re"), ::pclose);
    if (!ldd)
        throw std::runtime_error("ldd " + binary + ": cannot run");
    char line[1024];
    while (std::fgets(line, sizeof line, ldd.get())) {
        std::istringstream words(line);
        std::string word;
        while (words >> word) {
            if (word.front() != '/')
                continue;
            fs::path target = b.rootfs + word;
            fs::create_directories(target.parent_path());
            fs::copy_file(word, target, fs::copy_options::overwrite_existing);
            break;
        }
    }
}

// The attacker, a `#!/proc/self/exe` script and what the runtime's binary
// needs to run in the rootfs.
void install_attacker(const Bundle& b) {
    install_libraries(b, ward_it::runtime_path());
    fs::copy_file(attacker_path(), b.rootfs + "/exe-attacker");
    ::chmod((b.rootfs + "/exe-attacker").c_str(), 0755);
    std::ofstream(b.rootfs + "/attack.sh") << "#!/proc/self/exe\n";
    ::chmod((b.rootfs + "/attack.sh").c_str(), 0755);
}

// The strongest setting in which the attack can work: no user namespace,
// root with CAP_SYS_PTRACE (opens /proc/PID/exe of non-dumpable processes)
// besides the test config's CAP_DAC_OVERRIDE, as a privileged config
// under `compat` gets them.
void grant_ptrace(Bundle& b) {
    for (const char* set : {"bounding", "effective", "permitted"})
        b.config["process"]["capabilities"][set].push("CAP_SYS_PTRACE");
}

// Replaces the config's pid namespace with the one of process `pid`.
void join_pid_namespace(Bundle& b, long pid) {
    Json namespaces = Json::array();
    for (const auto& ns : b.config["linux"]["namespaces"].items())
        if (ns.at("type").str() != "pid")
            namespaces.push(ns);
    Json joined = Json::object();
    joined["type"] = "pid";
    joined["path"] = "/proc/" + std::to_string(pid) + "/ns/pid";
    namespaces.push(joined);
    b.config["linux"]["namespaces"] = namespaces;
}

// The watcher container: the attacker as pid 1 for kWatchSeconds.
struct Watcher {
    std::string id;
    int invocation = -1;
    long pid = 0;
    std::string failure; // non-empty: it never started watching

    // Its report, once it has finished (waits for the container to stop).
    std::string report(Bundle& b) const {
        b.wait_status(id, "stopped", std::chrono::seconds(kWatchSeconds + 15));
        return b.output_of(invocation);
    }
};

Watcher start_watcher(Bundle& b, const WardCopy& ward, const std::string& policy) {
    Watcher w;
    w.id = b.new_id("watcher");
    b.set_args({"/exe-attacker", std::to_string(kWatchSeconds)});
    b.write_config();
    Result r = ward(b, policy, {"run", "--detach", "--bundle", b.bundle_dir, w.id});
    w.invocation = b.last_invocation();
    if (r.status != 0) {
        w.failure = "watcher container did not start: " + r.err;
        return w;
    }
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (b.output_of(w.invocation).find("watching pid") == std::string::npos) {
        if (std::chrono::steady_clock::now() > deadline) {
            w.failure = "the attacker never started watching: " + b.output_of(w.invocation);
            return w;
        }
        std::this_thread::sleep_for(20ms);
    }
    w.pid = b.state(w.id).at("pid").num();
    return w;
}

std::vector<std::string> lines_with(const std::string& out, const std::string& prefix,
                                    const std::string& part) {
    std::vector<std::string> found;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(prefix, 0) == 0 && line.find(part) != std::string::npos)
            found.push_back(line);
    return found;
}

// The pid a host pid has in the innermost pid namespace (NSpid's last field).
std::string inner_pid(long host_pid) {
    std::istringstream status(ward_it::slurp("/proc/" + std::to_string(host_pid) + "/status"));
    std::string line, field, last;
    while (std::getline(status, line))
        if (line.rfind("NSpid:", 0) == 0) {
            std::istringstream fields(line.substr(6));
            while (fields >> field)
                last = field;
        }
    return last;
}

bool says_written(const std::vector<std::string>& write_lines) {
    for (const auto& line : write_lines)
        if (line.size() >= 4 && line.compare(line.size() - 4, 4, ": ok") == 0)
            return true;
    return false;
}

// Blocked: the copy is what it was, the attacker reached at least one
// process running ward's binary (an fd on the copy's inode) and every write
// through such an fd failed, with the reason it printed. An overwrite is
// judged first: once the copy is gone, later ward calls fail, and that is
// the attack's doing. `unmet`: the test's own preconditions that failed.
void judge(std::string_view attack, const CopiedBinary& ward, const std::string& out,
           const std::string& what_ran, const std::string& unmet = "") {
    auto opened = lines_with(out, "opened ", ward.identity);
    auto finals = lines_with(out, "final ", ward.identity);
    auto written = lines_with(out, "write ", ward.identity);
    if (!ward.unchanged() || says_written(written)) {
        report(attack, Outcome::not_blocked,
               "the copy of ward was overwritten through /proc/PID/exe (" + what_ran +
                   "):" + ward_it::listed(written));
        return;
    }
    if (!unmet.empty()) {
        report(attack, Outcome::could_not_run, unmet);
        return;
    }
    if (out.find("\ndone") == std::string::npos) {
        report(attack, Outcome::could_not_run, "the attacker did not finish: " + out);
        return;
    }
    if (opened.empty()) {
        report(attack, Outcome::could_not_run,
               "the attacker never held an fd on ward's binary (" + what_ran + "); it saw:\n" +
                   out);
        return;
    }
    // ETXTBSY last means it stopped trying while ward still ran: the write
    // that matters, after the last ward process is gone, was never tried.
    if (finals.size() != opened.size() || !lines_with(out, "final ", "ETXTBSY").empty()) {
        report(attack, Outcome::could_not_run,
               "the attacker stopped before ward had exited:" + ward_it::listed(finals));
        return;
    }
    report(attack, Outcome::blocked,
           what_ran + "; the attacker held ward's binary and every write failed:" +
               ward_it::listed(opened) + ward_it::listed(finals));
}

// ward's binary ran as a `#!/proc/self/exe` script's interpreter: it
// prints a usage error about the script's path, from inside the container.
bool interpreted_by_ward(const Result& r) {
    return r.err.find("/attack.sh") != std::string::npos &&
           r.err.find("ward --help") != std::string::npos;
}

// `ward exec` of each command into a container whose pid 1 watches: each
// exec'd process runs ward code in the container's pid namespace until its
// execve, and a `#!/proc/self/exe` command (the original CVE-2019-5736
// trigger: `docker exec` of a shell the attacker replaced) runs ward's
// binary there.
void exec_attack(const std::string& attack, const std::string& policy, bool privileged,
                 const std::vector<std::string>& commands) {
    Bundle b;
    WardCopy ward(b);
    install_attacker(b);
    if (privileged)
        grant_ptrace(b);
    else
        b.leave_to_policy();
    Watcher w = start_watcher(b, ward, policy);
    if (!w.failure.empty()) {
        report(attack, Outcome::could_not_run, w.failure);
        return;
    }
    size_t execs = 0;
    std::string errors;
    for (const auto& command : commands) {
        Result r = ward(b, policy, {"exec", w.id, command});
        if (command == "/attack.sh" ? interpreted_by_ward(r) : r.status == 0)
            ++execs;
        else
            errors += "\n  " + command + ": exit " + std::to_string(r.status) + ": " + r.err;
    }
    std::string out = w.report(b);
    std::string what;
    for (const auto& command : commands)
        what += (what.empty() ? "" : ", ") + command;
    judge(attack, ward, out, "ward exec of " + what,
          execs == commands.size()
              ? ""
              : std::to_string(execs) + " of " + std::to_string(commands.size()) +
                    " execs did what they should:" + errors);
}

} // namespace

BOOST_AUTO_TEST_SUITE(self_exe)

// Entrypoint `#!/proc/self/exe` in a container that joins the watcher's
// pid namespace: its init runs ward code, then execs the script, whose
// interpreter is whatever /proc/self/exe is at that moment: ward's binary.
// (The hardened policy refuses to join a pid namespace; its variant is the
// exec one below.)
BOOST_AUTO_TEST_CASE(entrypoint_script_in_a_shared_pid_namespace) {
    const std::string attack = "CVE-2019-5736/entrypoint-proc-self-exe";
    Bundle b;
    WardCopy ward(b);
    install_attacker(b);
    grant_ptrace(b);
    Watcher w = start_watcher(b, ward, "compat");
    if (!w.failure.empty()) {
        report(attack, Outcome::could_not_run, w.failure);
        return;
    }
    join_pid_namespace(b, w.pid);
    b.set_args({"/attack.sh"});
    b.write_config();
    int interpreted = 0;
    std::string errors;
    for (int i = 0; i < 3; ++i) {
        Result r = ward(b, "compat", {"run", "--bundle", b.bundle_dir, b.new_id("script")});
        if (interpreted_by_ward(r))
            ++interpreted;
        else
            errors += "\n  exit " + std::to_string(r.status) + ": " + r.err;
    }
    std::string out = w.report(b);
    judge(attack, ward, out, "3 runs of a #!/proc/self/exe entrypoint",
          interpreted == 3 ? ""
                           : "the script did not run ward's binary as its interpreter:" + errors);
}

BOOST_AUTO_TEST_CASE(exec_into_a_container_that_watches) {
    exec_attack("CVE-2019-5736/exec-watched", "compat", true,
                {"/bin/true", "/attack.sh", "/bin/true", "/attack.sh", "/bin/true"});
}

// Under the hardened defaults the attacker has no CAP_SYS_PTRACE, so ward
// code (non-dumpable) is out of its reach; ward's binary run as an
// interpreter is an ordinary dumpable process of the same uid, and root
// owns the binary.
// Without its landlock rule: with it, Landlock stops the attack first (the
// exec of ward's binary is refused, exec_script_refused_by_landlock, and a
// process in the init's Landlock domain may not reach /proc/PID/exe of an
// exec'd process, which has a domain of its own), and the binary's own
// protection would go untested.
BOOST_AUTO_TEST_CASE(exec_script_under_hardened_defaults) {
    exec_attack("CVE-2019-5736/exec-proc-self-exe-hardened", "hardened-without-landlock", false,
                {"/attack.sh", "/attack.sh", "/attack.sh"});
}

// The same `#!/proc/self/exe` exec under hardened's filled Landlock
// ruleset: the interpreter, ward's binary, is outside the container's root,
// so no rule gives it execute and the kernel refuses the exec before ward's
// binary runs in the container at all.
BOOST_AUTO_TEST_CASE(exec_script_refused_by_landlock) {
    const std::string attack = "CVE-2019-5736/exec-proc-self-exe-landlock";
    Bundle b;
    WardCopy ward(b);
    install_attacker(b);
    b.leave_to_policy();
    Watcher w = start_watcher(b, ward, "hardened");
    if (!w.failure.empty()) {
        report(attack, Outcome::could_not_run, w.failure);
        return;
    }
    Result r = ward(b, "hardened", {"exec", w.id, "/attack.sh"});
    w.report(b);
    if (!ward.unchanged() || interpreted_by_ward(r))
        report(attack, Outcome::not_blocked, "ward's binary ran as the script's interpreter");
    else if (r.err.find("exec /attack.sh: permission denied") != std::string::npos)
        report(attack, Outcome::blocked,
               "exec refused (EACCES): no Landlock rule covers ward's binary");
    else
        report(attack, Outcome::could_not_run, "exit " + std::to_string(r.status) + ": " + r.err);
}

// A second container in the watcher's pid namespace: its init is in that
// namespace from clone3 on and runs ward code until `start`.
BOOST_AUTO_TEST_CASE(sibling_in_a_shared_pid_namespace) {
    const std::string attack = "CVE-2019-5736/shared-pid-namespace";
    Bundle b;
    WardCopy ward(b);
    install_attacker(b);
    grant_ptrace(b);
    Watcher w = start_watcher(b, ward, "compat");
    if (!w.failure.empty()) {
        report(attack, Outcome::could_not_run, w.failure);
        return;
    }
    join_pid_namespace(b, w.pid);
    b.set_args({"/bin/true"});
    b.write_config();
    std::string id = b.new_id("sibling");
    std::string init, unmet;
    Result c = ward(b, "compat", {"create", "--bundle", b.bundle_dir, id});
    if (c.status == 0) {
        init = inner_pid(b.state(id).at("pid").num());
        std::this_thread::sleep_for(300ms); // the init waits in ward code
        Result s = ward(b, "compat", {"start", id});
        if (s.status != 0)
            unmet = "the sibling did not start: " + s.err;
        b.wait_status(id, "stopped");
        ward(b, "compat", {"delete", id});
    } else {
        unmet = "the sibling was not created: " + c.err;
    }
    std::string out = w.report(b);
    if (unmet.empty() && lines_with(out, "opened pid " + init + " ", ward.identity).empty())
        unmet = "the attacker never held the sibling's init (pid " + init +
                " in its namespace); it saw:\n" + out;
    judge(attack, ward, out, "a sibling container's init, pid " + init, unmet);
}

// The control: the same attacker, the same privileges, against a plain
// process of a copied binary (busybox, not ward) that enters the watcher's
// pid namespace from the host, as a ward process would.
BOOST_AUTO_TEST_CASE(control_overwrites_an_unprotected_binary) {
    const std::string attack = "CVE-2019-5736/overwrite-exe";
    Bundle b;
    WardCopy ward(b);
    CopiedBinary victim("/bin/busybox", b.dir + "/victim");
    install_attacker(b);
    grant_ptrace(b);
    Watcher w = start_watcher(b, ward, "compat");
    if (!w.failure.empty()) {
        report_control(attack, false, w.failure);
        return;
    }
    std::string ns = "/proc/" + std::to_string(w.pid) + "/ns/pid";
    pid_t child = ::fork();
    if (child < 0) {
        report_control(attack, false, "fork failed");
        return;
    }
    if (child == 0) {
        int fd = ::open(ns.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::setns(fd, CLONE_NEWPID) != 0)
            _exit(120);
        pid_t inner = ::fork();
        if (inner == 0) {
            ::execl(victim.path.c_str(), "sleep", "1", static_cast<char*>(nullptr));
            _exit(121);
        }
        int status = 0;
        ::waitpid(inner, &status, 0);
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 122);
    }
    int status = -1;
    ::waitpid(child, &status, 0);
    std::string out = w.report(b);
    bool overwritten = !victim.unchanged();
    auto written = lines_with(out, "write ", victim.identity);
    report_control(attack,
                   overwritten && says_written(written) && WIFEXITED(status) &&
                       WEXITSTATUS(status) == 0,
                   (overwritten ? "the copied binary was overwritten" : "the copy is unchanged") +
                       std::string(" (victim wait status ") + std::to_string(status) +
                       "):" + ward_it::listed(written));
}

BOOST_AUTO_TEST_SUITE_END()
