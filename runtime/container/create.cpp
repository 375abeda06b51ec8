#include "create.hpp"

#include "landlock_facts.hpp"
#include "limits.hpp"
#include "mount_sources.hpp"
#include "namespace_facts.hpp"
#include "notify_socket.hpp"
#include "pidfd_socket.hpp"
#include "spawn.hpp"
#include "store_rootfs.hpp"
#include "trust_check.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fault.hpp"
#include "ward/base/fd_passing.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/base/scope.hpp"
#include "ward/base/strings.hpp"
#include "ward/cgroups/cgroup.hpp"
#include "ward/cgroups/device_program.hpp"
#include "ward/cgroups/manager.hpp"
#include "ward/container/hooks.hpp"
#include "ward/container/sync.hpp"
#include "ward/linux/namespaces.hpp"
#include "ward/linux/procfs.hpp"
#include "ward/linux/rootless.hpp"
#include "ward/policy/gate.hpp"
#include "ward/policy/record.hpp"
#include "ward/seccomp/filter.hpp"
#include "ward/seccomp/program_cache.hpp"
#include "ward/spec/parse.hpp"
#include "ward/trust/store.hpp"
#include "writable_root.hpp"

#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ward::container {
namespace {

std::string absolute_path(const std::string& path) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(path, ec);
    if (ec)
        fail("bundle " + quote(path) + ": " + ec.message());
    return abs.lexically_normal().string();
}

} // namespace

UniqueFd connect_console_socket(const std::string& path) {
    return connect_unix(path, "console socket");
}

namespace {

// runtime-spec "ContainerProcessState": what a seccomp listener gets with
// the notify fd, in one message, the fd as SCM_RIGHTS at index 0 of "fds".
std::string container_process_state(const spec::Seccomp& seccomp, const State& state) {
    json::Value doc = json::Value::object();
    doc.set("ociVersion", json::Value(std::string(spec::kOciVersion)));
    json::Value fds = json::Value::array();
    fds.push(json::Value("seccompFd"));
    doc.set("fds", fds);
    doc.set("pid", json::Value(static_cast<std::int64_t>(state.pid)));
    doc.set("metadata", json::Value(seccomp.listener_metadata));
    doc.set("state", oci_state(state, Status::creating, false));
    return json::serialize(doc);
}

// Passes the init's seccomp notify fd to linux.seccomp.listenerPath. Any
// failure fails `create`, which then kills the init and removes everything.
void send_to_listener(const spec::Spec& spec, const State& state, UniqueFd notify_fd) {
    if (!notify_fd)
        fail("sync: seccomp notify message without an fd");
    if (!spec.linux || !spec.linux->seccomp || spec.linux->seccomp->listener_path.empty())
        fail("sync: seccomp notify fd, but config.json has no linux.seccomp.listenerPath");
    const spec::Seccomp& seccomp = *spec.linux->seccomp;
    const std::string what = "seccomp listener (linux.seccomp.listenerPath)";
    UniqueFd conn = connect_unix(seccomp.listener_path, what);
    std::string text = container_process_state(seccomp, state);
    size_t n = send_with_fd(conn.get(), text, notify_fd.get(),
                            "send to " + what + " " + seccomp.listener_path);
    // One sendmsg: the fd went with the first byte; the rest, if the socket
    // buffer split it, follows with plain writes.
    for (size_t sent = n; sent < text.size();) {
        ssize_t m = ::send(conn.get(), text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
        if (m < 0 && errno == EINTR)
            continue;
        if (m < 0)
            fail_errno("send to " + what + " " + seccomp.listener_path);
        sent += static_cast<size_t>(m);
    }
    log::debug("seccomp notify fd sent to " + seccomp.listener_path);
}

// Checks a parsed config for what this build must refuse before touching
// anything on the host.
void check_config(const spec::Spec& spec, const CreateOptions& options, bool proxied_terminal) {
    if (!spec.process)
        fail("config.json: process: required to create a container");
    if (spec.process->terminal && options.console_socket.empty() && !proxied_terminal)
        fail("cannot allocate tty if ward will detach without setting console socket");
    if (!spec.process->terminal && !options.console_socket.empty())
        fail("cannot use console socket if ward will not detach or allocate tty");
    if (spec.linux && spec.linux->intel_rdt)
        fail("config.json: linux.intelRdt: Intel RDT is not supported");
}

} // namespace

void write_pid_file(const std::string& path, int pid) {
    std::string abs = absolute_path(path);
    write_file_atomic(abs, std::to_string(pid), 0644);
}

namespace {

struct PolicyOutcome {
    policy::Effective effective;
    policy::Admission admission; // what the policy filled and warned about
    Limits limits;               // what the host can enforce of linux.resources
    TrustOutcome trust;
};

// The policy step of create, before anything touches the host: the gate
// fills the gaps, then judges the result with the create-time facts
// (--no-pivot). Enforce findings refuse (all of them, one per line, so one
// round of edits fixes the config); warn findings are logged and the
// container runs. A limit the host's cgroup2 hierarchy has no controller
// for is a finding too (unavailableLimits).
PolicyOutcome apply_policy(policy::Effective effective, spec::Spec& spec,
                           const CreateOptions& options, const linux::RootfsHandles& handles,
                           const std::string& no_cgroup, const std::string& cgroup_path,
                           bool systemd_cgroup) {
    PolicyOutcome out{std::move(effective), {}, {}, {}};
    const spec::Resources* resources =
        spec.linux && spec.linux->resources ? &*spec.linux->resources : nullptr;
    out.limits = with_context("config.json", [&] {
        return plan_limits(out.effective.policy, resources, no_cgroup, cgroup_path);
    });
    policy::Request request;
    request.stage = policy::Stage::create;
    request.config = &spec;
    request.facts.no_pivot = options.no_pivot;
    // systemdProperties judges annotations only where they become unit
    // properties; under cgroupfs they do nothing (podman sets some on
    // every container).
    request.facts.systemd_cgroup = systemd_cgroup;
    add_bind_source_facts(out.effective.policy, handles, request.facts);
    add_joined_namespace_facts(spec, request.facts);
    if (out.effective.policy.landlock)
        add_landlock_facts(handles.rootfs.get(), request.facts);
    request.findings = out.limits.findings;
    out.admission = policy::admit(out.effective, request);
    return out;
}

// <state dir>/policy.json (policy/record.hpp): exec and update evaluate
// against the policy document kept there; `ward policy show ID` prints it.
void record_policy(const StateDir& dir, const PolicyOutcome& outcome) {
    policy::Record record;
    record.effective = outcome.effective;
    record.filled = outcome.admission.filled;
    for (const auto& f : outcome.admission.warnings)
        record.warnings.push_back(f.message);
    record.trust_kind = outcome.trust.kind;
    record.trust_detail = outcome.trust.detail;
    write_file_atomic(dir.path() + "/policy.json",
                      json::serialize(policy::record_to_json(record), json::Style::pretty));
}

const std::vector<spec::Hook>& hooks_of(const spec::Spec& spec,
                                        std::vector<spec::Hook> spec::Hooks::*kind) {
    static const std::vector<spec::Hook> none;
    return spec.hooks ? (*spec.hooks).*kind : none;
}

// NOTIFY_SOCKET in ward's environment: the container gets a socket to send
// READY=1 on. A store image's rootfs is never written, so when it has no
// /run/notify (and no earlier mount provides one) the container runs
// without it, and the caller is told.
void add_notify_passthrough(spec::Spec& spec, const StateDir& dir, linux::RootfsHandles& handles,
                            bool store_image) {
    if (!host_notify_socket())
        return;
    if (store_image) {
        spec::Spec probe = spec;
        probe.mounts.push_back({});
        probe.mounts.back().destination = kNotifyDirInContainer;
        try {
            check_store_rootfs_use(probe, handles.rootfs.get());
        } catch (const Error& e) {
            log::degraded(std::string("NOTIFY_SOCKET: not passed to the container: ") + e.what());
            return;
        }
    }
    add_notify_mount(spec, dir, handles);
}

// Why the container gets no cgroup, or "" when it gets one: the caller's
// --cgroup-manager disabled, or, for an unprivileged caller of the
// cgroupfs driver, no cgroup delegated to it where the container's would
// go, or ward itself outside the delegated subtree (it could not move the
// init in). Then limits are the policy's unavailableLimits call and device
// rules are not enforced. With the systemd driver the user's own manager
// makes and delegates the scope; create fails when there is none.
std::string no_cgroup_reason(const Globals& g, const spec::Spec& spec, const std::string& id,
                             bool rootless) {
    if (g.cgroups_disabled)
        return "--cgroup-manager disabled gives the container no cgroup";
    if (!rootless || !spec.linux || g.systemd_cgroup)
        return "";
    std::string path = cgroups::resolve_path(spec.linux->cgroups_path, id);
    std::string uid = std::to_string(::geteuid());
    if (std::string dir = cgroups::undelegated_dir(path); !dir.empty())
        return "rootless: no cgroup is delegated to uid " + uid + " (" + dir +
               " is not writable by it), so the container runs in ward's own cgroup";
    if (std::string procs = cgroups::move_refused(path); !procs.empty())
        return "rootless: ward runs in cgroup " + cgroups::self_cgroup() +
               ", outside the cgroups delegated to uid " + uid + " (" + procs +
               ", where it and the container's " + path +
               " meet, is not writable by it), so the container runs in ward's own cgroup";
    return "";
}

// The manager of the new container's cgroup; nothing is made yet.
std::shared_ptr<cgroups::Manager> new_cgroup_manager(const Globals& g, const spec::Spec& spec,
                                                     const std::string& id, uid_t caller) {
    return cgroups::new_manager(g.systemd_cgroup ? cgroups::Driver::systemd
                                                 : cgroups::Driver::cgroupfs,
                                spec.linux->cgroups_path, id, "ward container " + id, caller);
}

// An unprivileged caller: ward makes the config's user namespace and moves
// into it (linux/rootless.hpp), then makes the copies of what the checks
// looked at there, and the init is cloned inside it.
void enter_rootless(const spec::Spec& spec, linux::RootfsHandles& handles,
                    linux::NamespacePlan& plan) {
    const spec::Namespace* userns = spec.find_namespace("user");
    if (userns && !userns->path.empty())
        fail("config.json: linux.namespaces: joining the user namespace " + quote(userns->path) +
             " is not supported rootless (ward runs as uid " + std::to_string(::geteuid()) +
             "); give a new one with linux.uidMappings/gidMappings");
    if (!plan.new_user)
        fail("config.json: linux.namespaces: ward runs as uid " + std::to_string(::geteuid()) +
             " (rootless), which needs a new user namespace with the caller mapped in "
             "linux.uidMappings/gidMappings (`ward spec --rootless` writes one)");
    std::vector<std::string> paths = handles.kernel_paths();
    linux::enter_container_user_namespace(*spec.linux);
    handles.reopen_here(paths);
    handles.make_copies(spec);
    plan.new_user = false;
    plan.user_entered = true;
    plan.clone_flags &= ~static_cast<uint64_t>(CLONE_NEWUSER);
}

} // namespace

State create_container(const Globals& globals, const CreateOptions& options,
                       UniqueFd* terminal_peer) {
    // Unprivileged: everything from the state dir on happens inside the
    // container's user namespace, where ward's euid reads 0 and the store
    // default would be root's; so both are settled here.
    const uid_t caller = ::geteuid();
    const bool rootless = caller != 0;
    Globals g = globals;
    if (rootless)
        g.store = trust::store_root(g.store);
    StateDir dir(g.root, options.id);
    std::string bundle = absolute_path(options.spec ? dir.path() : options.bundle);
    // run --image hands over the config it made (its trust comes from the
    // store annotations); otherwise the bytes read are what a bundle
    // signature covers.
    std::string config_text;
    spec::Spec spec = options.spec ? *options.spec : spec::load_bundle_spec(bundle, &config_text);
    // The rootfs and every bind source, opened once: the policy judges
    // what the kernel will really mount, the checks below look at these
    // fds, and the init mounts and pivots from them. A source that cannot
    // be opened is reported after the policy (a config its strings already
    // break is refused for that first).
    linux::RootfsHandles handles = linux::open_rootfs_handles(spec, bundle, !rootless);
    policy::Effective effective = policy::select_policy(g.policy_file);
    // The trust verdict first: when it refuses, that is the real blocker,
    // and a list of rule findings in front of it would hide it.
    auto trust_started = std::chrono::steady_clock::now();
    TrustOutcome trust =
        check_trust(effective.policy, bundle, spec, config_text, g.store, handles.rootfs.get());
    // How long the step took, for bench/client-trust.sh (the cached start
    // of a client snapshot is meant to stay under a millisecond).
    auto trust_us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - trust_started)
                        .count();
    log::debug("trust: " + trust.kind + ": " + trust.detail + " (" + std::to_string(trust_us) +
               " us)");
    const std::string no_cgroup = no_cgroup_reason(g, spec, options.id, rootless);
    // Where the cgroup goes is settled before the policy: a rootless
    // caller's limits are judged against the controllers delegated to it
    // there (root's against the hierarchy's). Nothing is made yet. Shared
    // with the undo below, which runs after this local is gone.
    std::shared_ptr<cgroups::Manager> cgroup_manager;
    if (no_cgroup.empty() && spec.linux)
        cgroup_manager = new_cgroup_manager(g, spec, options.id, caller);
    PolicyOutcome policy = apply_policy(
        std::move(effective), spec, options, handles, no_cgroup,
        rootless && cgroup_manager ? cgroup_manager->placement().cgroup : "", g.systemd_cgroup);
    policy.trust = std::move(trust);
    handles.require_sources();
    bool proxied_terminal =
        terminal_peer && spec.process && spec.process->terminal && options.console_socket.empty();
    check_config(spec, options, proxied_terminal);
    linux::NamespacePlan plan = linux::plan_namespaces(spec);
    // linux.resources.devices, checked before anything is touched.
    std::vector<cgroups::DeviceRule> device_rules = cgroups::device_rules(spec);
    // A store image's rootfs is never written: shared read-only, or under
    // an overlay whose upper layer is in the state dir.
    bool store_image = is_store_rootfs(spec, handles.rootfs.get(), g.store);
    bool writable_root = store_image && wants_writable_root(spec);
    bool shared_root = store_image && !writable_root;
    if (shared_root)
        check_store_rootfs_use(spec, handles.rootfs.get());
    if (rootless)
        enter_rootless(spec, handles, plan);

    UndoStack undo;
    dir.create_locked();
    undo.push([&] { dir.remove(); });
    fault_point("create:state-dir");
    std::optional<RootfsOverlay> overlay;
    if (writable_root) {
        overlay.emplace();
        // The init attaches this in place of the store rootfs's copy.
        handles.rootfs_tree = mount_writable_root(dir, handles.rootfs.get(), *overlay);
    }
    add_notify_passthrough(spec, dir, handles, shared_root);

    State state;
    state.id = options.id;
    state.bundle = bundle;
    state.rootfs = spec.root->path;
    state.created = rfc3339_now();
    state.owner_uid = caller;
    state.annotations = spec.annotations;
    state.created_new_pid_ns = plan.new_pid;
    state.poststart_hooks = !hooks_of(spec, &spec::Hooks::poststart).empty();
    state.poststop_hooks = !hooks_of(spec, &spec::Hooks::poststop).empty();
    if (spec.linux && spec.linux->seccomp)
        state.seccomp_profile = spec.linux->seccomp->builtin_profile;
    state.rootfs_overlay = overlay;

    std::optional<cgroups::Cgroup> cgroup;
    cgroups::DeviceFilter device_filter;
    if (!cgroup_manager) {
        // The caller's choice (podman --cgroups=disabled), or rootless
        // without a delegated cgroup: the init stays in ward's cgroup;
        // limits were judged by the policy above.
        if (spec.linux && spec.linux->resources && !spec.linux->resources->devices.empty())
            log::degraded("linux.resources.devices: not enforced: " + no_cgroup +
                          ", with no cgroup to attach the device filter to");
        else
            log::debug(no_cgroup);
    } else {
        // Recorded before the cgroup exists: a ward killed right after it
        // is made leaves a state naming it, which `delete --force` removes.
        state.cgroup = cgroup_manager->placement().cgroup;
        state.systemd_unit = cgroup_manager->placement().systemd_unit;
        dir.save(state);
        fault_point("create:state-saved");
        // Limited before the init exists, so it starts limited.
        cgroup_manager->create({policy.limits.plan, policy.limits.controllers, &spec});
        undo.push([m = cgroup_manager] { m->destroy(); });
        if (cgroup_manager->placement().cgroup != state.cgroup) {
            state.cgroup = cgroup_manager->placement().cgroup;
            dir.save(state);
        }
        fault_point("create:cgroup-made");
        cgroup = cgroup_manager->cgroup();
        // Device access is filtered before the init exists, so nothing in
        // the cgroup ever runs unfiltered. Until "ready" the filter also
        // lets the init mknod what linux.devices lists; the program lives
        // and goes with the cgroup, whose undo is above.
        device_filter = cgroups::apply_device_rules(
            cgroup->full_path(), cgroups::setup_device_rules(spec, device_rules));
    }

    if (::mkfifo(dir.fifo_path().c_str(), 0600) < 0)
        fail_errno("mkfifo " + dir.fifo_path());
    UniqueFd fifo(::open(dir.fifo_path().c_str(), O_RDWR | O_CLOEXEC));
    if (!fifo)
        fail_errno("open " + dir.fifo_path());

    UniqueFd console;
    if (!options.console_socket.empty()) {
        console = connect_console_socket(options.console_socket);
    } else if (proxied_terminal) {
        int ends[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) < 0)
            fail_errno("socketpair for the terminal");
        terminal_peer->reset(ends[0]);
        console.reset(ends[1]);
    }

    UniqueFd pidfd_conn;
    if (!options.pidfd_socket.empty())
        pidfd_conn = connect_pidfd_socket(options.pidfd_socket);

    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
        fail_errno("socketpair");
    UniqueFd parent_sync(pair[0]), child_sync(pair[1]);

    // The program is built before the init exists: a bad profile fails
    // here, and a config's own profile is compiled once per state root.
    std::optional<seccomp::Filter> filter;
    if (spec.linux && spec.linux->seccomp) {
        seccomp::ProgramCache programs(g.root);
        filter = seccomp::Filter::build(*spec.linux->seccomp, &programs);
    }

    InitContext ctx;
    ctx.spec = &spec;
    ctx.filter = filter ? &*filter : nullptr;
    ctx.namespaces = plan;
    ctx.rootfs = spec.root->path;
    ctx.handles = &handles;
    ctx.readonly_from_start = shared_root;
    ctx.sync_fd = child_sync.get();
    ctx.fifo_fd = fifo.get();
    ctx.console_fd = console.get();
    ctx.preserve_fds = options.preserve_fds;
    ctx.no_pivot = options.no_pivot;
    ctx.no_new_keyring = options.no_new_keyring;
    ctx.keep_fds = {child_sync.get(), fifo.get(), console.get(), log::fd()};
    for (int fd : handles.fds())
        ctx.keep_fds.push_back(fd);

    UniqueFd cgroup_fd = cgroup ? cgroup->open_dir() : UniqueFd();
    Spawned spawned = spawn_init(ctx, cgroup_fd.get(), parent_sync.get());
    int pid = spawned.pid;
    fault_point("create:init-cloned");
    undo.push([pid] {
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
    });
    child_sync.reset();
    fifo.reset();
    console.reset();
    handles = {}; // the init has its own copies

    // Recorded before the init runs anything, so a crash of ward from here
    // on leaves a state that `delete --force` can clean up.
    state.pid = pid;
    state.start_time = linux::process_start_time(pid);
    dir.save(state);
    fault_point("create:pid-saved");
    if (cgroup && !spawned.in_cgroup)
        cgroup->add_process(pid); // kernels without CLONE_INTO_CGROUP
    if (cgroup_manager)
        cgroup_manager->init_placed();

    if (plan.new_user)
        linux::write_id_mappings(pid, *spec.linux);
    // Still ward's unreaped child, so the pid names the init; a failure
    // unwinds like any other (the init is killed).
    if (pidfd_conn) {
        send_pidfd(pidfd_conn.get(), pid, kPidfdInit, options.pidfd_socket);
        pidfd_conn.reset();
    }
    std::string creating = json::serialize(oci_state(state, Status::creating, false));
    sync_send(parent_sync.get(), SyncType::go, creating);
    fault_point("create:go-sent");
    // The config as run (with what the policy filled) and the policy
    // record, written while the init sets up its root: only verbs on a
    // created container read them (exec, update, hooks, audit), and
    // `delete --force` needs neither. Written before "go", they delayed
    // the init by their serialising (about 0.25 ms on the test machine).
    write_file_atomic(dir.config_path(),
                      json::serialize(spec::spec_to_json(spec), json::Style::pretty));
    record_policy(dir, policy);

    while (true) {
        auto msg = sync_receive(parent_sync.get());
        if (!msg)
            fail("container init exited during setup");
        if (msg->type == SyncType::error)
            fail("unable to start container process: " + msg->text);
        if (msg->type == SyncType::ready)
            break;
        if (msg->type == SyncType::seccomp_fd) {
            send_to_listener(spec, state, std::move(msg->fd));
            continue;
        }
        if (msg->type != SyncType::run_hooks)
            fail("sync: unexpected message from container init");
        run_hooks("prestart", hooks_of(spec, &spec::Hooks::prestart), creating);
        run_hooks("createRuntime", hooks_of(spec, &spec::Hooks::create_runtime), creating);
        sync_send(parent_sync.get(), SyncType::hooks_done);
    }
    // The init is done with /dev; what runs from now on gets the config's
    // rules only.
    device_filter.replace(device_rules);
    fault_point("create:ready");

    if (!options.pid_file.empty())
        write_pid_file(options.pid_file, pid);
    undo.commit();
    return state;
}

void run_saved_hooks(const StateDir& dir, const State& state, bool poststart) {
    if (!(poststart ? state.poststart_hooks : state.poststop_hooks))
        return;
    const char* kind = poststart ? "poststart" : "poststop";
    try {
        spec::Spec spec = spec::parse_spec(read_document(dir.config_path()));
        const auto& hooks =
            hooks_of(spec, poststart ? &spec::Hooks::poststart : &spec::Hooks::poststop);
        if (!hooks.empty())
            run_hooks_warn_only(kind, hooks,
                                json::serialize(oci_state(
                                    state, poststart ? Status::running : Status::stopped, false)));
    } catch (const Error& e) {
        log::warn(std::string(kind) + " hooks of " + state.id + ": " + e.what());
    }
}

void destroy_container(const StateDir& dir, const State& state) {
    if (!state.cgroup.empty())
        cgroups::manager_of({state.cgroup, state.systemd_unit})->destroy();
    fault_point("delete:cgroup-removed");
    run_saved_hooks(dir, state, false);
    if (state.rootfs_overlay)
        remove_writable_root(dir);
    dir.remove();
}

void create(const Globals& g, const CreateOptions& options) {
    create_container(g, options);
}

} // namespace ward::container
