// What every integration test shares: the runtime under test ($WARD, default
// build/ward), the in-container checker ($CHECKER, default build/checker), a
// per-test bundle with a busybox rootfs and an explicit OCI config built in
// code, and a runner that starts the runtime with a timeout.
//
// The tests speak the runc command-line contract only (same verbs, flags,
// exit codes), so they can be proven against runc: WARD=/usr/sbin/runc.
// Tests that check ward's own promises carry the "ward_only" label and a
// precondition, so under another runtime Boost reports them as skipped.
//
// Environment: WARD (runtime binary), CHECKER (checker binary), WARD_ARGS
// (extra global flags put before --root, e.g. a policy for ward; unset, ward
// gets --policy contrib/policies/compat.json so OCI configs run as written),
// WARD_IT_RUN_WARD_ONLY=1 (run ward-only tests against any runtime).
// Tests labelled "asan" are the central ones the lane runner repeats against
// the ASan build (--run_test=@asan).
#pragma once

#include "integration/minijson.hpp"
#include "ward/base/fd.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace ward_it {

// $WARD made absolute, or build/ward.
const std::string& runtime_path();
// $CHECKER made absolute, or build/checker.
const std::string& checker_path();
// True when the binary under test is ward (its file name starts with "ward").
bool runtime_is_ward();

// The absolute path of a shipped policy (contrib/policies/NAME.json), for
// tests of its rules on plain test bundles. For "hardened" it is a copy
// (made once per run, same name, same rules) whose trust section allows
// unverified bundles: the test bundles are neither store images nor
// signed, and the trust step has tests of its own (trust lane,
// test_trust_check.cpp) that use the real hardened trust section.
// "hardened-without-landlock" is that copy without the landlock rule: for
// attacks on a layer Landlock would otherwise stop first.
std::string shipped_policy(const std::string& name);

// Precondition for ward-specific tests: skipped, with a message, elsewhere
// (WARD_IT_RUN_WARD_ONLY=1 runs them against any runtime).
boost::test_tools::assertion_result ward_only(boost::unit_test::test_unit_id);

struct Result {
    int status = -1; // exit code; 128+signal when the runtime was killed
    bool timed_out = false;
    std::string out;
    std::string err;
};

struct RunOptions {
    std::chrono::milliseconds timeout{30000};
    // Open fds handed to the runtime as 3, 4, ... in this order; every other
    // fd of the test process is closed in the child.
    std::vector<int> pass_fds;
    // Extra NAME=VALUE entries for the runtime's environment.
    std::vector<std::string> env;
    // Another binary to run instead of runtime_path() (same global flags):
    // the attacks lane runs a copy of ward that an attack may overwrite.
    std::string runtime = {};
};

// A runtime process started in the background (for concurrency tests).
class Spawned {
  public:
    Spawned(pid_t pid, std::string out_path, std::string err_path)
        : pid_(pid), out_path_(std::move(out_path)), err_path_(std::move(err_path)) {}
    Spawned(Spawned&& other) noexcept;
    Spawned(const Spawned&) = delete;
    Spawned& operator=(const Spawned&) = delete;
    ~Spawned(); // kills and reaps the runtime if wait() was never called

    // Waits for exit; on timeout kills this pid (only this one) and reaps it.
    Result wait(std::chrono::milliseconds timeout);
    pid_t pid() const { return pid_; }

  private:
    pid_t pid_;
    std::string out_path_;
    std::string err_path_;
};

// Builds the complete config the tests start from: checker status as the
// process, root read-only, namespaces pid/ipc/uts/mount/network, the standard
// mounts, masked and read-only paths, a small capability set, noNewPrivileges.
Json default_config();

// One entry of config.json's "mounts".
Json mount_entry(const std::string& dest, const std::string& type, const std::string& source,
                 const std::vector<std::string>& options);

// Capability mask as /proc/self/status prints it ("00000000000004a1").
std::string cap_mask(const std::vector<std::string>& names);

// Parsing the checker's "key: value" lines.
std::string value_of(const std::string& out, std::string_view key); // first, or ""
std::vector<std::string> values_of(const std::string& out, std::string_view key);
bool has_line(const std::string& out, std::string_view line);

// Reads a whole file; "" when it cannot be read.
std::string slurp(const std::string& path);

// A unix socket bound at `path` and listening: the test side of
// --console-socket and of a seccomp listenerPath. Throws on failure.
ward::UniqueFd listen_unix(const std::string& path);

// One temp directory per test: DIR/state (--root), DIR/bundle/{config.json,rootfs}.
// The destructor deletes (--force) every container id it handed out; then,
// for a runtime that lost track of one, kills the processes still running
// from this rootfs (by pid: only what this bundle started) and removes the
// empty cgroups named after its ids; then removes DIR unless something is
// still mounted under it.
class Bundle {
  public:
    Bundle();
    ~Bundle();
    Bundle(const Bundle&) = delete;
    Bundle& operator=(const Bundle&) = delete;

    std::string dir;
    std::string state_dir;
    std::string bundle_dir;
    std::string rootfs;
    Json config = default_config();

    // A fresh container id, remembered for cleanup.
    std::string new_id(std::string_view hint = "c");

    // process.args, a shortcut for the most common override.
    void set_args(const std::vector<std::string>& args);

    // The test config minus what the hardened policy fills (capabilities,
    // noNewPrivileges, root.readonly, masked and read-only paths, and
    // unless told to keep it the seccomp filter), so hardened admits the
    // config and fills it.
    enum class Seccomp { leave_to_policy, keep };
    void leave_to_policy(Seccomp seccomp = Seccomp::leave_to_policy);
    void write_config() const;

    // runtime --root STATE ARGS...
    Result runtime(const std::vector<std::string>& args, const RunOptions& opts = {});
    Spawned spawn(const std::vector<std::string>& args, const RunOptions& opts = {});

    // Writes config.json, then runtime run --bundle BUNDLE ID.
    Result run(const std::string& id, const RunOptions& opts = {});
    // Writes config.json, then create --bundle BUNDLE [extra...] ID.
    Result create(const std::string& id, const std::vector<std::string>& extra = {},
                  const RunOptions& opts = {});

    // The parsed `state ID`; throws (failing the test) when state fails.
    Json state(const std::string& id);
    // The status field of `state ID`, or "" when state fails.
    std::string status(const std::string& id);
    // Polls `state ID` until it says want; false after the timeout.
    bool wait_status(const std::string& id, const std::string& want,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));

    // What a create/run wrote on its stdout: the container's stdio when it
    // was created detached. Index counts runtime invocations from 0.
    std::string output_of(int invocation) const;
    int last_invocation() const { return invocations_ - 1; }

  private:
    std::vector<std::string> ids_;
    int invocations_ = 0;
};

// Leftovers of a container id after a failure: each non-empty string names one.
std::vector<std::string> leftovers(const Bundle& b, const std::string& id);
// Items one per line, indented: for messages listing leftovers.
std::string listed(const std::vector<std::string>& items);
// Where a cgroup named after id may be: HIERARCHY/ID and HIERARCHY/OURS/ID.
std::vector<std::string> cgroup_dirs_for(const std::string& id);
// Processes running from this bundle (its rootfs is their root).
std::vector<pid_t> bundle_processes(const Bundle& b);

// The test side of --console-socket: listens, then takes one fd over SCM_RIGHTS.
class ConsoleServer {
  public:
    explicit ConsoleServer(const std::string& path);
    // Returns the received fd, or -1 when none arrived in time.
    int receive_fd(std::chrono::milliseconds timeout);

  private:
    ward::UniqueFd sock_;
};

// Reads the pty master until want shows up (empty: until the end), the
// slave side closes, or time runs out.
std::string read_until(int fd, const std::string& want, std::chrono::milliseconds timeout);

// Whether pid is a live process (a zombie counts as gone: it still has
// /proc/PID, but its state letter is Z).
bool pid_alive(long pid);
// Polls pid_alive every 20 ms until it is false; false on timeout.
bool wait_pid_gone(long pid, std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));

} // namespace ward_it
