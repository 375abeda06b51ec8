// The live audit: what the kernel enforces on a running process, read from
// /proc and the cgroup hierarchy and, for its seccomp filters, fetched with
// PTRACE_SECCOMP_GET_FILTER; and, for a ward container, that set beside what
// was declared (the config as run, with what the policy filled).
//
// Every /proc file of the target is read through one directory fd of
// /proc/PID opened beneath ward's own procfs handle (linux/procfs.hpp),
// after a pidfd of the process: the process is checked to be alive through
// the pidfd after the directory is opened, and its start time to be the one
// expected, so a pid reused between the reads is never taken for it.
//
// "Host" namespaces are those of pid 1 in ward's own pid namespace (as
// ward's procfs handle numbers processes). When ward runs inside a
// container, that is the container's init, not the machine's: the audit
// then says which namespaces the target shares with that init. Where pid
// 1's namespace links cannot be read (an LSM or a pid 1 holding capabilities
// ward lacks: EACCES), kthreadd's (pid 2, whose parent is 0: the kernel's
// initial namespaces) are used, else ward's own; the report names which
// (`namespaceReference`).
#pragma once

#include "ward/audit/report.hpp"
#include "ward/base/fd.hpp"
#include "ward/container/lifecycle.hpp"
#include "ward/container/state.hpp"
#include "ward/linux/mountinfo.hpp"
#include "ward/seccomp/analysis.hpp"

#include <cstdint>
#include <linux/filter.h>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ward::audit {

// A pidfd and an O_DIRECTORY fd of /proc/PID, verified to name the same
// process (alive through the pidfd after the directory was opened, same
// start time as `expected_start` when one is given).
class ProcessHandle {
  public:
    // Throws ward::Error: "pid 4242: no such process" when it is gone (or
    // was replaced by a process with another start time).
    static ProcessHandle open(int pid, unsigned long long expected_start = 0);
    int pid() const { return pid_; }
    unsigned long long start_time() const { return start_; }
    int dir() const { return dir_.get(); }
    // Reads a file under /proc/PID ("status", "mountinfo", "cgroup"),
    // then checks the process is still the same one.
    std::string read(const std::string& name) const;
    // readlinkat under /proc/PID ("ns/mnt" → "mnt:[4026531840]"); "" when
    // the link does not exist (a namespace type the kernel lacks).
    std::string link(const std::string& name) const;
    // Throws "pid N: no such process (it exited during the audit)".
    void check_alive() const;

  private:
    int pid_ = 0;
    unsigned long long start_ = 0;
    UniqueFd pidfd_;
    UniqueFd dir_;
};

// /proc/PID/status, the fields an audit needs.
struct ProcessStatus {
    std::string name;
    uint64_t cap_inh = 0, cap_prm = 0, cap_eff = 0, cap_bnd = 0, cap_amb = 0;
    bool no_new_privs = false;
    int seccomp_mode = 0;             // 0 none, 1 strict, 2 filter
    int seccomp_filters = 0;          // -1 when the kernel does not say
    std::vector<uint32_t> uids, gids; // real, effective, saved, filesystem
    std::vector<uint32_t> groups;
};
ProcessStatus parse_status(const std::string& text);
// Capability names of a set, in number order; "CAP_45" for numbers this
// build has no name for.
std::vector<std::string> capability_list(uint64_t set);

// mountinfo's parser lives in linux/ (one reader of it).
using linux::MountEntry;
using linux::parse_mountinfo;

// A path and what is mounted there, as the target sees it.
struct PathState {
    std::string path;
    bool exists = true;    // false: the target has nothing at that path
    bool masked = false;   // a bind of /dev/null, or a read-only tmpfs
    bool readonly = false; // the mount over it (or the one it lies on) is read-only
    std::string how;       // "bind of /dev/null", "read-only tmpfs", "not a mount point"...
};

struct LiveMounts {
    bool root_readonly = false;
    std::string root_propagation;    // "private", "shared", "slave", "shared+slave"
    std::vector<PathState> masked;   // the paths asked about
    std::vector<PathState> readonly; // the paths asked about
    int count = 0;
};
// `masked`/`readonly`: the paths to judge.
LiveMounts read_mounts(const ProcessHandle& process, const std::vector<std::string>& masked,
                       const std::vector<std::string>& readonly);

struct NamespaceState {
    std::string type; // "pid", "net"... as in /proc/PID/ns
    std::string id;   // "net:[4026531840]"; "" when the kernel has none
    std::string host; // the same for pid 1
    bool shared_with_host() const { return !id.empty() && id == host; }
};
// Namespace types in spec names ("network", not "net"). `reference` is set
// to what "host" was taken from ("pid 1", "pid 2 (kthreadd)", "ward itself").
std::vector<NamespaceState> read_namespaces(const ProcessHandle& process, std::string& reference);
// "network" → "net", "mount" → "mnt"; others unchanged.
std::string proc_namespace_name(const std::string& spec_type);

struct CgroupLimits {
    std::string path;                          // from /proc/PID/cgroup's "0::" line
    std::string directory;                     // where it was read (the cgroup2 mount + path)
    std::map<std::string, std::string> values; // "pids.max" → "max"
    std::vector<std::string> unreadable;   // "memory.max: the controller is not in cgroup2 here"
    std::map<std::string, std::string> v1; // "memory" → "/path": v1 controllers (hybrid hosts)
};
CgroupLimits read_cgroup(const ProcessHandle& process);

struct LiveSeccomp {
    std::vector<std::vector<sock_filter>> programs; // index 0 = the newest filter
    std::optional<seccomp::Decoded> decoded;
    std::string error; // why the filters could not be fetched (EACCES, EPERM, a vanished pid)
};
// Fetches every filter with PTRACE_SEIZE + PTRACE_INTERRUPT +
// PTRACE_SECCOMP_GET_FILTER and detaches; the target is never left stopped
// or traced. Throws ward::Error with the reason.
std::vector<std::vector<sock_filter>> fetch_filters(int pid);

// Everything read from one process.
struct LiveProcess {
    int pid = 0;
    unsigned long long start_time = 0;
    ProcessStatus status;
    LiveMounts mounts;
    std::vector<NamespaceState> namespaces;
    std::string namespace_reference;
    CgroupLimits cgroup;
    LiveSeccomp seccomp;
};

struct InspectOptions {
    unsigned long long expected_start = 0; // 0: any
    std::vector<std::string> masked_paths; // to judge; the built-in hardened list when empty
    std::vector<std::string> readonly_paths;
};
LiveProcess inspect(int pid, const InspectOptions& options);
json::Value to_json(const LiveProcess& live);

// The findings about what is enforced, whatever was declared (the
// catalogue's live rules that apply to any process).
void judge_enforced(const LiveProcess& live, std::vector<Finding>& findings);

// Declared limits (linux.resources: pids, memory, cpu quota) read back from
// the cgroup (v2, or v1 on a hybrid host); one WARD-LIVE-108 finding each
// that is not what was declared or could not be read.
void compare_limits(const spec::Spec& spec, const LiveProcess& live, std::vector<Finding>& out);

// What is enforced, written as a config would declare it, for `ward audit
// --compare pid:PID container:ID`: the capability sets, no_new_privs, the
// effective uid and gid, the root's read-only flag and propagation, the
// inspected masked and read-only paths found so, each namespace not shared
// with the host (as new: a path it was joined by is not visible), pids.max
// and memory.max (v2, else v1). The filters stay in live.seccomp.
spec::Spec enforced_spec(const LiveProcess& live);

// Opens a ward container's state dir (shared lock, held by `dir`) and
// returns its state; throws when it does not exist, is paused (a frozen
// process cannot stop for ptrace) or is not running.
container::State open_running(container::StateDir& dir);

// `ward audit --pid PID`.
Report audit_pid(int pid);
// `ward audit --container ID`: declared (the config as run, policy.json)
// beside enforced; every difference is a finding and makes `refused` true
// (exit 1).
Report audit_container(const container::Globals& globals, const std::string& id);

} // namespace ward::audit
