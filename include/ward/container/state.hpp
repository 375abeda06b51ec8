// The state store: --root/<id>/ holds state.json, a copy of the config the
// container was created with, and the exec fifo. The directory is created
// with mkdir (so exactly one concurrent create of an id wins) and every
// command that changes a container holds flock() on it.
//
// There is no monitor process: the status is derived from the init's pid
// and its start time, so a reused pid is never taken for the container.
#pragma once

#include "ward/base/fd.hpp"
#include "ward/json/json.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ward::container {

// Validates a container id as runc does: [A-Za-z0-9_+.-]+, not "." or "..".
void check_id(const std::string& id);

// A writable root made by create (container/writable_root.hpp): an overlay
// on a store image's rootfs, its upper and work directories in the state
// dir. The mount itself is never in the host's mount table (it is the
// container's root, in the container's mount namespace only); delete
// removes the two directories.
struct RootfsOverlay {
    std::string lower; // the store rootfs (never written)
    std::string upper; // <state dir>/rootfs-upper
    std::string work;  // <state dir>/rootfs-work
};

struct State {
    std::string id;
    int pid = 0;                       // in ward's pid namespace; 0 while creating
    unsigned long long start_time = 0; // /proc/PID/stat field 22 of the init
    std::string bundle;
    std::string rootfs;
    std::string created;      // RFC 3339
    unsigned owner_uid = 0;   // euid of create; the name is looked up when shown
    std::string cgroup;       // path inside the cgroup2 hierarchy
    std::string systemd_unit; // the scope of --systemd-cgroup, stopped at delete
    std::map<std::string, std::string> annotations;
    bool created_new_pid_ns = false; // kill --all may then signal only the init
    // Whether config.json has poststart/poststop hooks: start and delete
    // read the saved config (large with a filled seccomp profile) only then.
    // A state.json without these keys (an older ward) counts as having them.
    bool poststart_hooks = true;
    bool poststop_hooks = true;
    // The built-in seccomp profile the policy filled linux.seccomp with
    // (spec::Seccomp::builtin_profile is not in config.json), so exec loads
    // its precompiled program too. Empty: compile the saved section.
    std::string seccomp_profile;
    std::optional<RootfsOverlay> rootfs_overlay; // state.json "rootfsOverlay"
};

// state.json's text for `state` (pretty-printed), and back. Pure: StateDir
// does the file I/O and locking (state_json.cpp). parse_state throws
// ward::Error prefixed with `context` for text that is not JSON; fields
// that are missing or of another type keep State's defaults.
std::string serialize_state(const State& state);
State parse_state(std::string_view text, const std::string& context);

enum class Status { creating, created, running, paused, stopped };
const char* status_name(Status status);

class StateDir {
  public:
    // `root` is --root; the directory is <root>/<id>.
    StateDir(std::string root, std::string id);

    const std::string& path() const { return path_; }
    const std::string& id() const { return id_; }
    const std::string& root() const { return root_; }
    std::string fifo_path() const { return path_ + "/exec.fifo"; }
    std::string config_path() const { return path_ + "/config.json"; }

    // mkdir <root> (0700, parents) and <root>/<id> (0700); throws
    // "container with given ID already exists" when it exists. Locks it.
    void create_locked();
    // Opens and locks an existing one; throws "container does not exist".
    void open_locked();
    // Shared lock only, for readers (state, list).
    void open_shared();
    bool exists() const;

    void save(const State& state) const;
    State load() const;
    void remove() const;

  private:
    std::string root_;
    std::string id_;
    std::string path_;
    UniqueFd lock_;
};

// The status of the container now: the init is alive (same start time, not
// a zombie) and its cgroup is frozen (cgroup.events "frozen 1") → paused;
// alive and the fifo is still there → created; alive → running. A paused
// container resumes into created or running, as with runc.
Status current_status(const StateDir& dir, const State& state);

// A pidfd of the init, checked to be the process the state recorded (same
// start time), so a reused pid is never signalled or waited on. Invalid
// when the init is gone or the state has no pid yet.
UniqueFd open_init(const State& state);

// The OCI state document (what `state` prints and hooks read on stdin).
// `with_runtime_fields` adds runc's extra fields (rootfs, created, owner).
json::Value oci_state(const State& state, Status status, bool with_runtime_fields);

// Ids of every container dir under root (those with a state.json).
std::vector<std::string> list_ids(const std::string& root);

} // namespace ward::container
