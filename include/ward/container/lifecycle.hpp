// The container lifecycle, one function per runc verb. The CLI parses argv
// into these option structs and calls them; nothing here parses argv.
#pragma once

#include "ward/json/json.hpp"
#include "ward/spec/config.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace ward::container {

struct Globals {
    std::string root = "/run/ward"; // --root: state directories live under it
    bool systemd_cgroup = false;    // --systemd-cgroup
    std::string policy_file;        // --policy FILE; empty: WARD_POLICY, /etc/ward, built-in
};

struct CreateOptions {
    std::string id;
    std::string bundle = ".";   // --bundle/-b (made absolute by create)
    std::string pid_file;       // --pid-file
    std::string console_socket; // --console-socket
    bool no_pivot = false;      // --no-pivot
    bool no_new_keyring = false;
    int preserve_fds = 0; // --preserve-fds N
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
