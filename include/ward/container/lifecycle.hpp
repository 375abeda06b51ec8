// The container lifecycle, one function per runc verb. The CLI parses argv
// into these option structs and calls them; nothing here parses argv.
#pragma once

#include "ward/json/json.hpp"
#include "ward/spec/config.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ward::container {

struct Globals {
    std::string root = "/run/ward"; // --root: state directories live under it
    bool systemd_cgroup = false;    // --systemd-cgroup
    // --cgroup-manager disabled: the container gets no cgroup of its own
    // (it stays in the caller's), so no limit and no device filter applies.
    bool cgroups_disabled = false;
    std::string policy_file; // --policy FILE; empty: WARD_POLICY, /etc/ward, built-in
    std::string store;       // --store DIR; empty: WARD_STORE, then /var/lib/ward
};

struct CreateOptions {
    std::string id;
    std::string bundle = ".";   // --bundle/-b (made absolute by create)
    std::string pid_file;       // --pid-file
    std::string console_socket; // --console-socket
    std::string pidfd_socket;   // --pidfd-socket: gets a pidfd of the init
    bool no_pivot = false;      // --no-pivot
    bool no_new_keyring = false;
    int preserve_fds = 0; // --preserve-fds N
    // A config made by the caller (`--image`: from a store image) instead
    // of BUNDLE/config.json. The state dir is then the bundle: create saves
    // the config as run there anyway, and delete removes it with the rest.
    std::optional<spec::Spec> spec;
};

// create: exits once the init is blocked on the exec fifo. Throws ward::Error
// and leaves nothing behind on failure.
void create(const Globals& g, const CreateOptions& options);

// start: releases the init of a created container, runs poststart hooks.
void start(const Globals& g, const std::string& id);

// run: create + start + wait. Returns the container's exit status (128+signal
// when killed) and deletes the container, unless `detach`, which returns 0
// once started. Signals received by ward are forwarded to the init.
int run(const Globals& g, const CreateOptions& options, bool detach, bool keep);

// exec: a new process in a running container. Either `process_file` (an OCI
// Process JSON, as containerd sends; the other process flags are then
// ignored, as runc does) or the saved config's process with `args` and the
// overrides below.
struct ExecOptions {
    std::string id;
    std::string process_file;         // --process/-p
    std::vector<std::string> args;    // the command after the id
    std::vector<std::string> env;     // --env/-e, appended
    std::string cwd;                  // --cwd
    bool tty = false;                 // --tty/-t
    std::string user;                 // --user/-u uid[:gid]
    std::vector<uint32_t> extra_gids; // --additional-gids/-g
    bool detach = false;              // --detach/-d
    std::string pid_file;             // --pid-file
    std::string console_socket;       // --console-socket
    std::string pidfd_socket;         // --pidfd-socket: gets a pidfd of the process
    std::string process_label;        // --process-label
    std::string apparmor;             // --apparmor
    std::optional<bool> no_new_privs; // --no-new-privs
    std::vector<std::string> caps;    // --cap/-c, added
    int preserve_fds = 0;             // --preserve-fds N
    std::string cgroup;               // --cgroup (refused: no sub-cgroups yet)
    bool ignore_paused = false;       // --ignore-paused
};

// exec: joins the namespaces and cgroup of the container's init and runs
// the process under the container's seccomp filter, capabilities, user and
// rlimits. Foreground: waits, forwarding signals, and returns its exit
// status (128+signal when killed). Detached: returns 0 once it has exec'd.
// "cannot exec in a stopped container", "cannot exec in a paused container
// (use --ignore-paused to override)" as runc.
int exec(const Globals& g, const ExecOptions& options);

// The OCI state document (ociVersion, id, status, pid, bundle, rootfs,
// created, owner, annotations).
json::Value state(const Globals& g, const std::string& id);

// kill: signals the init (or, with all, every process of the container).
void kill(const Globals& g, const std::string& id, int signal, bool all);

// delete: a stopped (or created) container is removed; a running one only
// with force, which kills it first.
void remove(const Globals& g, const std::string& id, bool force);

// What create recorded of the policy in the state dir: {name, source,
// filled, warnings, policy}. Throws "container does not exist".
json::Value recorded_policy(const Globals& g, const std::string& id);

// update: applies `request` (only the fields to change) to the cgroup of a
// created or running container and records the merged resources in the
// config saved in its state dir. "container not running" otherwise.
void update(const Globals& g, const std::string& id, const spec::Resources& request);

// Every container under the root, as state documents.
std::vector<json::Value> list(const Globals& g);

// pause: freezes the cgroup of a running (or created) container and waits
// until the kernel says it is frozen; its status is then "paused".
// Anything else: "container not running".
void pause(const Globals& g, const std::string& id);

// resume: thaws a paused container ("container not paused" otherwise).
void resume(const Globals& g, const std::string& id);

// The pids of every process of the container (its cgroup and those below,
// in ward's pid namespace); empty once the cgroup is gone.
std::vector<int> processes(const Globals& g, const std::string& id);

struct EventsOptions {
    bool stats_once = false;                       // --stats
    std::chrono::nanoseconds interval{5000000000}; // --interval (> 0)
};

// events: with stats_once, emits one runc "stats" event. Otherwise emits a
// "stats" event every interval and an "oom" event each time memory.events'
// oom_kill count grows, until the container stops (its cgroup empties or
// goes); then returns. Refuses a stopped container:
// "container with id ID is not running". Each event is runc's JSON shape.
void events(const Globals& g, const std::string& id, const EventsOptions& options,
            const std::function<void(const json::Value&)>& emit);

} // namespace ward::container
