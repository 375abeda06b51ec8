// exec: a new process in a running container, as `runc exec`.
//
//   ward ──clone3(CLONE_INTO_CGROUP)──▶ intermediate ──setns(user, ipc, uts,
//   net, pid, cgroup, time, mnt)──clone3(CLONE_PARENT)──▶ process
//
// The intermediate is born in the container's cgroup (so everything it
// forks is too), joins the init's namespaces through /proc/<init>/ns/*,
// and clones the process, which lands in the pid namespace (setns(pid)
// only applies to children) and is ward's own child (CLONE_PARENT), so a
// foreground exec can wait for it. The process takes a session of its own
// and a session keyring, then the finalize step the init ends with too
// (finalize.cpp: console to execve, seccomp placed as for the init), with
// nothing to wait for in between. Its sync fd is close-on-exec: ward reads
// either an error or the end of the socket, which means the execve happened.
#include "create.hpp"
#include "finalize.hpp"
#include "foreground.hpp"
#include "pidfd_socket.hpp"
#include "spawn.hpp"
#include "terminal_proxy.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fault.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/cgroups/cgroup.hpp"
#include "ward/container/lifecycle.hpp"
#include "ward/container/sync.hpp"
#include "ward/json/json.hpp"
#include "ward/linux/process.hpp"
#include "ward/linux/procfs.hpp"
#include "ward/linux/self_exe.hpp"
#include "ward/policy/gate.hpp"
#include "ward/policy/record.hpp"
#include "ward/seccomp/filter.hpp"
#include "ward/seccomp/program_cache.hpp"
#include "ward/spec/names.hpp"
#include "ward/spec/parse.hpp"

#include <algorithm>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ward::container {
namespace {

struct JoinedNs {
    std::string type;
    UniqueFd fd;
};

// The order namespaces are entered in: the user namespace first (it owns
// the others, and joining it gives the capabilities to enter them), the
// mount namespace last (after it, /proc paths are the container's).
constexpr struct {
    const char* type; // as in config.json
    const char* proc; // /proc/PID/ns/<proc>
} kJoinOrder[] = {
    {"user", "user"}, {"ipc", "ipc"},       {"uts", "uts"},   {"network", "net"},
    {"pid", "pid"},   {"cgroup", "cgroup"}, {"time", "time"}, {"mount", "mnt"},
};

bool has_namespace(const spec::Spec& spec, const char* type) {
    if (!spec.linux)
        return false;
    for (const auto& ns : spec.linux->namespaces)
        if (ns.type == type)
            return true;
    return false;
}

// The init's namespaces the config gave it (new or joined by path; either
// way /proc/<init>/ns/* names them). One that is ward's own is skipped:
// setns into the caller's own user namespace fails with EINVAL.
std::vector<JoinedNs> open_namespaces(const spec::Spec& spec, int pid) {
    std::vector<JoinedNs> out;
    for (const auto& entry : kJoinOrder) {
        if (!has_namespace(spec, entry.type))
            continue;
        std::string path = "/proc/" + std::to_string(pid) + "/ns/" + entry.proc;
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd)
            fail_errno("open " + path);
        struct stat theirs {
        }, ours{};
        std::string own = std::string("/proc/self/ns/") + entry.proc;
        if (::fstat(fd.get(), &theirs) == 0 && ::stat(own.c_str(), &ours) == 0 &&
            theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino)
            continue;
        out.push_back({entry.type, std::move(fd)});
    }
    return out;
}

// Go's strconv.Atoi wording, as runc reports a bad --user or -g.
uint32_t parse_id(const std::string& text, const char* what) {
    auto n = parse_uint(text);
    if (!n || *n > UINT32_MAX)
        fail("parsing " + text + " as int for " + what + " failed: invalid syntax");
    return static_cast<uint32_t>(*n);
}

void add_capability(std::optional<std::vector<std::string>>& set, const std::string& cap) {
    if (!set)
        set.emplace();
    set->push_back(cap);
}

// The process to run: the --process file as is, or the container's own
// process with the command and the flags' overrides (runc's rules).
spec::Process build_process(const spec::Spec& spec, const ExecOptions& o) {
    if (!o.process_file.empty())
        return spec::process_from_json(json::parse(read_document(o.process_file)), o.process_file);
    if (!spec.process)
        fail("config.json has no process to take the exec defaults from");
    spec::Process p = *spec.process;
    if (o.args.empty())
        fail("process args cannot be empty");
    p.args = o.args;
    p.env.insert(p.env.end(), o.env.begin(), o.env.end());
    if (!o.cwd.empty())
        p.cwd = o.cwd;
    p.terminal = o.tty;
    p.console_size.reset();
    if (!o.apparmor.empty())
        p.apparmor_profile = o.apparmor;
    if (!o.process_label.empty())
        p.selinux_label = o.process_label;
    if (o.no_new_privs)
        p.no_new_privileges = *o.no_new_privs;
    for (const auto& cap : o.caps)
        if (!spec::capability_number(cap))
            fail("--cap: unknown capability " + quote(cap));
    if (!o.caps.empty()) {
        if (!p.capabilities)
            p.capabilities.emplace();
        auto& c = *p.capabilities;
        for (const auto& cap : o.caps) {
            add_capability(c.bounding, cap);
            add_capability(c.effective, cap);
            add_capability(c.permitted, cap);
            // Ambient needs inheritable, which --cap does not add. runc
            // adds it whenever the config has an inheritable set, and the
            // kernel then raises only those in it; adding only those is
            // the same grant, described as the kernel will apply it, so
            // the policy judges what the process really gets.
            if (c.inheritable && std::find(c.inheritable->begin(), c.inheritable->end(), cap) !=
                                     c.inheritable->end())
                add_capability(c.ambient, cap);
        }
    }
    if (!o.user.empty()) {
        auto colon = o.user.find(':');
        if (colon != std::string::npos)
            p.user.gid = parse_id(o.user.substr(colon + 1), "gid");
        p.user.uid = parse_id(o.user.substr(0, colon), "uid");
    }
    p.user.additional_gids.insert(p.user.additional_gids.end(), o.extra_gids.begin(),
                                  o.extra_gids.end());
    return p;
}

void check_status(const StateDir& dir, const State& state, bool ignore_paused) {
    switch (current_status(dir, state)) {
    case Status::stopped:
        fail("cannot exec in a stopped container");
    case Status::paused:
        if (!ignore_paused)
            fail("cannot exec in a paused container (use --ignore-paused to override)");
        break;
    case Status::creating:
        fail("cannot exec in a container that is still being created");
    case Status::created:
    case Status::running:
        break;
    }
}

struct ExecChild {
    const spec::Process* process = nullptr;
    std::optional<spec::Personality> personality;
    const seccomp::Filter* filter = nullptr;     // built by ward, before the fork
    std::vector<const spec::Landlock*> landlock; // the container's, then the process file's
    const std::vector<JoinedNs>* namespaces = nullptr;
    int sync_fd = -1;
    bool unprivileged = false; // ward's euid on the host is not 0 (rootless)
    int console_fd = -1;
    int preserve_fds = 0;
    int parent_pidfd = -1; // ward's own (open_own_pidfd)
    sigset_t old_mask{};
};

// The new process, in every namespace of the container: a session of its
// own, then the finalize step the init ends with too (finalize.cpp).
[[noreturn]] void process_steps(const ExecChild& c) {
    // Dies with ward (tied again after the finalize step's change of ids)
    // until just before execve: a detached exec outlives ward.
    fault_step("exec:process-forked", c.sync_fd, c.parent_pidfd);
    die_with_parent(c.parent_pidfd);
    // A session of its own: in ward's session it could TIOCSTI into the
    // caller's terminal.
    if (::setsid() < 0)
        fail_errno("setsid");
    if (::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, nullptr) < 0 && errno != ENOSYS)
        fail_errno("join a new session keyring");

    FinalizeContext finalize;
    finalize.process = c.process;
    finalize.personality = c.personality;
    finalize.filter = c.filter;
    finalize.landlock = c.landlock;
    finalize.unprivileged = c.unprivileged;
    finalize.console_fd = c.console_fd;
    finalize.preserve_fds = c.preserve_fds;
    finalize.parent_pidfd = c.parent_pidfd;
    // The caller's mask, from before ward blocked the signals it forwards.
    finalize.exec_mask = c.old_mask;
    finalize.verb = "exec";
    finalize.sync_fd = c.sync_fd;
    finalize_process(finalize);
}

[[noreturn]] void report_and_exit(int sync_fd, const std::exception& e) {
    try {
        sync_send(sync_fd, SyncType::error, e.what());
    } catch (...) {
    }
    _exit(1);
}

// The intermediate: joins the namespaces and clones the process as ward's
// child. It is not in the container's pid namespace, and non-dumpable, so
// nothing in the container can reach it.
[[noreturn]] void intermediate(const ExecChild& c) {
    try {
        die_with_parent(c.parent_pidfd);
        // Before any setns; the process cloned below inherits it from its
        // first instruction. (CVE-2019-5736)
        linux::make_non_dumpable();
        // "go": ward has put us in the cgroup, when clone3 could not.
        sync_expect(c.sync_fd, SyncType::go);
        for (const auto& ns : *c.namespaces)
            if (::setns(ns.fd.get(), 0) < 0)
                fail_errno("setns " + ns.type + " namespace");
        // In every namespace of the container, all of ward's privileges.
        fault_step("exec:intermediate-joined", c.sync_fd, c.parent_pidfd);
        bool unused = false;
        long pid = clone_process(CLONE_PARENT, -1, unused);
        if (pid < 0)
            fail_errno("clone3 exec process");
        if (pid == 0) {
            try {
                process_steps(c);
            } catch (const std::exception& e) {
                report_and_exit(c.sync_fd, e);
            }
        }
        sync_send(c.sync_fd, SyncType::pid, std::to_string(pid));
        _exit(0);
    } catch (const std::exception& e) {
        report_and_exit(c.sync_fd, e);
    }
}

void reap(int pid) {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
}

// What a started process hands back to the caller of `exec`.
struct Started {
    int pid = -1;
    UniqueFd terminal_peer; // foreground --tty: the pty master arrives here
};

struct Loaded {
    State state;
    spec::Spec spec;
    policy::Record policy; // the policy the container was created under
};

// The state, saved config and policy record, read under a shared lock that
// is released before any process is cloned: a child holding the lock fd
// (frozen in a paused container, say) would block every later kill, resume
// or delete.
Loaded load_container(const Globals& g, const ExecOptions& o) {
    StateDir dir(g.root, o.id);
    dir.open_shared();
    State state = dir.load();
    check_status(dir, state, o.ignore_paused);
    std::string record = dir.path() + "/policy.json";
    return {state, spec::parse_spec(read_document(dir.config_path())),
            policy::parse_record(read_document(record), record)};
}

// The policy gate, with the policy recorded at create, before anything is
// started: what --cap, --user, --no-new-privs or a --process file ask for
// meets the rules the config met. Only the process rules are evaluated, and
// a warning create already gave is not given again.
void admit_process(const Globals& g, const policy::Record& record, spec::Process& process) {
    if (auto ignored = policy::ignored_selection(g.policy_file, record.effective.policy, "exec"))
        log::warn(*ignored);
    policy::Request request;
    request.stage = policy::Stage::exec;
    request.process = &process;
    request.already_warned = record.warnings;
    policy::admit(record.effective, request);
}

Started start_process(const Globals& g, const ExecOptions& o, const sigset_t& old_mask) {
    Loaded loaded = load_container(g, o);
    const State& state = loaded.state;
    const spec::Spec& spec = loaded.spec;
    spec::Process process = build_process(spec, o);
    admit_process(g, loaded.policy, process);
    if (process.terminal && o.detach && o.console_socket.empty())
        fail("cannot allocate tty if ward will detach without setting console socket");
    if (!process.terminal && !o.console_socket.empty())
        fail("cannot use console socket if ward will not detach or allocate tty");

    // The container's filter, built here so a bad one fails before any
    // process exists; a profile the policy filled loads precompiled.
    std::optional<seccomp::Filter> filter;
    if (spec.linux && spec.linux->seccomp) {
        spec::Seccomp section = *spec.linux->seccomp;
        section.builtin_profile = state.seccomp_profile;
        seccomp::ProgramCache programs(g.root);
        filter = seccomp::Filter::build(section, &programs);
        if (filter->uses_notify())
            fail("linux.seccomp: exec with an SCMP_ACT_NOTIFY filter is not supported yet");
    }

    // The namespace files are opened between two checks of the init's
    // start time: a pid reused meanwhile is never joined.
    std::vector<JoinedNs> namespaces = open_namespaces(spec, state.pid);
    if (linux::process_start_time(state.pid) != state.start_time)
        fail("cannot exec in a stopped container");

    // None for a container made with --cgroup-manager disabled: the
    // process stays in ward's cgroup, as the init did.
    std::optional<cgroups::Cgroup> cgroup;
    UniqueFd cgroup_fd;
    if (!state.cgroup.empty()) {
        cgroup = cgroups::Cgroup::attach(state.cgroup);
        cgroup_fd = cgroup->open_dir();
        // Joining it moves a process out of ward's own cgroup, which the
        // kernel lets an unprivileged ward do only inside its delegation.
        std::string procs = ::geteuid() == 0 ? "" : cgroups::move_refused(state.cgroup);
        if (!procs.empty())
            fail("ward runs in cgroup " + cgroups::self_cgroup() +
                 ", and cannot join the container's cgroup " + state.cgroup + ": " + procs +
                 " is not writable by uid " + std::to_string(::geteuid()) +
                 "; run it in a cgroup of the user's manager, e.g. `systemd-run --user --scope "
                 "ward exec ...`");
    }

    UniqueFd console, terminal_peer;
    if (!o.console_socket.empty()) {
        console = connect_console_socket(o.console_socket);
    } else if (process.terminal) {
        int ends[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) < 0)
            fail_errno("socketpair for the terminal");
        terminal_peer.reset(ends[0]);
        console.reset(ends[1]);
    }
    UniqueFd pidfd_conn;
    if (!o.pidfd_socket.empty())
        pidfd_conn = connect_pidfd_socket(o.pidfd_socket);
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
        fail_errno("socketpair");
    UniqueFd parent_sync(pair[0]), child_sync(pair[1]);

    ExecChild child;
    child.process = &process;
    child.personality = spec.linux ? spec.linux->personality : std::nullopt;
    child.filter = filter ? &*filter : nullptr;
    // The container's ruleset always (an exec'd process is confined as the
    // init is: the same filesystem and port rules); a --process file's own
    // ruleset is a second layer on top, which can only narrow it. Landlock
    // cannot join a domain, so the exec'd process is in a sibling domain,
    // and the container's scopes are left out of its copy: they keep the
    // workload from signalling or reaching abstract sockets outside its
    // domain, and would cut the exec'd process off from the very processes
    // it was started to tend (`exec ID kill -HUP 1`, `nginx -s reload`).
    // The workload stays scoped: it cannot signal the exec'd process.
    std::optional<spec::Landlock> container_rules;
    if (spec.process && spec.process->landlock) {
        container_rules = *spec.process->landlock;
        container_rules->scoped = 0;
        child.landlock.push_back(&*container_rules);
    }
    if (process.landlock && !(spec.process && spec.process->landlock == process.landlock))
        child.landlock.push_back(&*process.landlock);
    child.namespaces = &namespaces;
    child.sync_fd = child_sync.get();
    child.unprivileged = ::geteuid() != 0;
    child.console_fd = console.get();
    child.preserve_fds = o.preserve_fds;
    UniqueFd ward_pidfd = open_own_pidfd();
    child.parent_pidfd = ward_pidfd.get();
    child.old_mask = old_mask;

    bool in_cgroup = false;
    long mid = clone_process(0, cgroup_fd.get(), in_cgroup);
    if (mid < 0)
        fail_errno("clone3 exec intermediate");
    if (mid == 0)
        intermediate(child);
    fault_point("exec:intermediate-cloned");
    child_sync.reset();
    console.reset();
    try {
        if (cgroup && !in_cgroup)
            cgroup->add_process(static_cast<int>(mid)); // kernels without CLONE_INTO_CGROUP
        sync_send(parent_sync.get(), SyncType::go);
    } catch (...) {
        ::kill(static_cast<pid_t>(mid), SIGKILL);
        reap(static_cast<int>(mid));
        throw;
    }
    reap(static_cast<int>(mid));
    auto msg = sync_receive(parent_sync.get());
    if (!msg)
        fail("exec: intermediate process exited without a pid");
    if (msg->type == SyncType::error)
        fail("unable to start container process: " + msg->text);
    auto pid = parse_int(msg->text);
    if (msg->type != SyncType::pid || !pid || *pid <= 0)
        fail("exec: bad message from intermediate process");
    fault_point("exec:pid-received");
    if (pidfd_conn) {
        // The process is ward's child (CLONE_PARENT), not yet reaped.
        try {
            send_pidfd(pidfd_conn.get(), static_cast<int>(*pid), kPidfdExec, o.pidfd_socket);
        } catch (...) {
            ::kill(static_cast<pid_t>(*pid), SIGKILL);
            reap(static_cast<int>(*pid));
            throw;
        }
        pidfd_conn.reset();
    }
    // Either an error from the process, or the end of the socket: its copy
    // was close-on-exec, so the execve has happened.
    auto result = sync_receive(parent_sync.get());
    if (result) {
        reap(static_cast<int>(*pid));
        if (result->type == SyncType::error)
            fail("unable to start container process: " + result->text);
        fail("exec: unexpected message from the process");
    }
    fault_point("exec:process-started");
    if (!o.pid_file.empty())
        write_pid_file(o.pid_file, static_cast<int>(*pid));
    fault_point("exec:pid-file-written");
    return {static_cast<int>(*pid), std::move(terminal_peer)};
}

} // namespace

int exec(const Globals& g, const ExecOptions& o) {
    if (!o.cgroup.empty())
        fail("--cgroup: exec into a sub-cgroup is not supported yet");
    // Blocked before the clone, so a signal arriving while the process
    // starts is queued for it rather than killing ward; the process restores
    // the caller's mask before execve.
    sigset_t set = forwarded_signals(), old;
    ::sigprocmask(SIG_BLOCK, &set, &old);
    Started started;
    try {
        started = start_process(g, o, old);
    } catch (...) {
        ::sigprocmask(SIG_SETMASK, &old, nullptr);
        throw;
    }
    if (o.detach) {
        ::sigprocmask(SIG_SETMASK, &old, nullptr);
        return 0;
    }
    int status = 0;
    if (started.terminal_peer) {
        UniqueFd master = receive_pty_master(started.terminal_peer.get());
        status = proxy_terminal_until_exit(master.get(), started.pid, set);
    } else {
        status = wait_forwarding(started.pid);
    }
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    return status;
}

} // namespace ward::container
