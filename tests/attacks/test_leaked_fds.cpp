// CVE-2024-21626 (runc "Leaky Vessels"): a host fd left open in the
// container init lets `process.cwd = /proc/self/fd/N` (or an exec's --cwd)
// start the container process with its working directory on the host, and
// any fd that survives execve is a handle on the host for the container.
// Each test gives ward every reason to hold host fds (a --log file, a bind
// mount of a host directory, a console-less run) and attacks with every
// low fd number.
#include "attacks/attack.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

using namespace ward_attack;
using ward_it::Json;
namespace fs = std::filesystem;

namespace {

// A host directory bound into the container, and a --log file: both are
// host files ward itself opens while it sets the container up.
struct HostHandles {
    explicit HostHandles(Bundle& b) {
        volume = b.dir + "/volume";
        fs::create_directories(volume);
        std::ofstream(volume + "/on-the-host") << "host";
        Json m = Json::object();
        m["destination"] = "/mnt";
        m["type"] = "bind";
        m["source"] = volume;
        m["options"] = Json::strings({"rbind", "ro"});
        b.config["mounts"].push(m);
        log = b.dir + "/ward.log";
    }
    std::string volume;
    std::string log;
};

Result run_with_log(Bundle& b, const HostHandles& h, const std::string& id) {
    b.write_config();
    return b.runtime({"--log", h.log, "--policy", ward_it::shipped_policy("hardened"), "run",
                      "--bundle", b.bundle_dir, id});
}

// The outcome of trying `process.cwd` / `--cwd` = /proc/self/fd/3..12:
// each try either refused naming the cwd, or started with a cwd that must
// lie inside the container's root.
struct CwdTally {
    int attempts = 0, started = 0;
    std::string escaped, unrelated;

    void add(int fd, const Result& r) {
        if (r.timed_out)
            return;
        ++attempts;
        if (r.status != 0) {
            // Refused for the right reason, or the attack proves nothing.
            if (r.err.find("cwd") == std::string::npos)
                unrelated += " fd " + std::to_string(fd) + ": " + r.err;
            return;
        }
        ++started;
        std::string cwd = ward_it::value_of(r.out, "cwd");
        // Inside the container getcwd names a path of its own root; a
        // directory outside it reads "(unreachable)" or fails.
        if (cwd.empty() || cwd.front() != '/')
            escaped += " fd " + std::to_string(fd) + " (cwd: " + cwd + ")";
    }

    void report_as(const char* attack) const {
        if (attempts < 10 || !unrelated.empty())
            report(attack, Outcome::could_not_run,
                   std::to_string(attempts) +
                       " of 10 tries finished; refused for another reason:" + unrelated);
        else if (!escaped.empty())
            report(attack, Outcome::not_blocked,
                   "the process started with its cwd outside the root:" + escaped);
        else
            report(attack, Outcome::blocked,
                   "fds 3-12 tried: " + std::to_string(attempts - started) + " refused, " +
                       std::to_string(started) + " started inside the root");
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(leaked_fds)

BOOST_AUTO_TEST_CASE(cwd_through_a_leaked_fd_never_reaches_the_host) {
    CwdTally tally;
    for (int fd = 3; fd <= 12; ++fd) {
        Bundle b;
        HostHandles h(b);
        b.leave_to_policy();
        b.config["process"]["cwd"] = "/proc/self/fd/" + std::to_string(fd);
        b.set_args({"/checker", "status"});
        tally.add(fd, run_with_log(b, h, b.new_id("cwd")));
    }
    tally.report_as("CVE-2024-21626/cwd-leaked-fd");
}

BOOST_AUTO_TEST_CASE(no_fd_survives_into_the_container_process) {
    Bundle b;
    HostHandles h(b);
    b.leave_to_policy();
    b.set_args({"/checker", "fds"});
    Result r = run_with_log(b, h, b.new_id("fds"));
    if (r.status != 0 || r.out.find("fd 0:") == std::string::npos) {
        report("CVE-2024-21626/inherited-fds", Outcome::could_not_run,
               "checker fds did not run (exit " + std::to_string(r.status) + "): " + r.err);
        return;
    }
    std::vector<std::string> extra;
    for (const auto& line : ward_it::values_of(r.out, "fd 3"))
        extra.push_back("fd 3: " + line);
    for (int fd = 4; fd < 64; ++fd)
        for (const auto& line : ward_it::values_of(r.out, "fd " + std::to_string(fd)))
            extra.push_back("fd " + std::to_string(fd) + ": " + line);
    if (!extra.empty())
        report("CVE-2024-21626/inherited-fds", Outcome::not_blocked,
               "open in the container process: " + ward_it::listed(extra));
    else
        report("CVE-2024-21626/inherited-fds", Outcome::blocked,
               "only stdio is open after execve (ward held a --log file and a bind source)");
}

BOOST_AUTO_TEST_CASE(exec_cwd_through_a_leaked_fd_never_reaches_the_host) {
    Bundle b;
    HostHandles h(b);
    b.leave_to_policy();
    b.set_args({"/bin/sleep", "30"});
    std::string id = b.new_id("exec");
    b.write_config();
    Result c = b.runtime({"--log", h.log, "--policy", ward_it::shipped_policy("hardened"), "run",
                          "--detach", "--bundle", b.bundle_dir, id});
    if (c.status != 0) {
        report("CVE-2024-21626/exec-cwd-leaked-fd", Outcome::could_not_run,
               "container did not start: " + c.err);
        return;
    }
    CwdTally tally;
    for (int fd = 3; fd <= 12; ++fd)
        tally.add(fd, b.runtime({"--log", h.log, "exec", "--cwd",
                                 "/proc/self/fd/" + std::to_string(fd), id, "/checker", "status"}));
    tally.report_as("CVE-2024-21626/exec-cwd-leaked-fd");
}

BOOST_AUTO_TEST_SUITE_END()
