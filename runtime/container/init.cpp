// The container init, step by step. Order matters and each step's place is
// explained where it is taken:
//
//   tied to ward (PR_SET_PDEATHSIG, ward checked alive) → close inherited
//   fds → wait for "go" (the parent has written uid/gid maps) → become root
//   in a new user namespace (tied again) → own session → keyring → time
//   namespace → hostname → rootfs (mounts, /dev) → prestart/createRuntime
//   hooks (run by the parent) → createContainer hooks → pivot_root,
//   sysctls, readonly/masked paths → the finalize step shared with exec
//   (finalize.cpp; the seccomp program it loads was built by create before
//   the clone): console → rlimits, process attributes,
//   LSM labels → cwd → executable lookup → fds close-on-exec → Landlock → user and
//   capabilities (tied again) → (without no_new_privs: seccomp loaded, a
//   NOTIFY filter's fd sent to the parent, CAP_SYS_ADMIN dropped) →
//   no_new_privs → (with it: a NOTIFY filter loaded, its fd sent) → untied
//   from ward → the init's waiting point: "ready", block on the exec fifo,
//   startContainer hooks → the caller's signal mask → seccomp loaded →
//   execve.
#include "ward/container/init.hpp"

#include "finalize.hpp"
#include "ward/base/error.hpp"
#include "ward/container/hooks.hpp"
#include "ward/container/sync.hpp"
#include "ward/json/json.hpp"
#include "ward/linux/process.hpp"
#include "ward/linux/rootfs.hpp"
#include "ward/seccomp/filter.hpp"

#include <algorithm>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ward::container {
namespace {

// close_range, or a close() per fd on kernels without it (or under a
// seccomp filter of ward's own that refuses it).
void close_fd_range(unsigned first, unsigned last) {
    if (::syscall(SYS_close_range, first, last, 0) == 0)
        return;
    if (errno != ENOSYS && errno != EPERM)
        fail_errno("close_range " + std::to_string(first) + "-" + std::to_string(last));
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) < 0)
        fail_errno("getrlimit RLIMIT_NOFILE");
    // No fd at or above the hard limit can be open.
    const unsigned end = static_cast<unsigned>(std::min<rlim_t>(limit.rlim_max, 1U << 20));
    for (unsigned fd = first; fd <= last && fd < end; ++fd)
        ::close(static_cast<int>(fd)); // EBADF for the many that are not open
}

// Closes every fd >= 3 + preserve_fds except those in keep: the init must
// not hold the parent's state-dir lock or any other parent fd while it
// waits on the fifo. ward opens all of its own close-on-exec; one that got
// a number among the preserved fds, which the finalize step's marking does
// not touch, is marked again here, as the only one at risk.
void close_inherited_fds(int preserve_fds, std::vector<int> keep) {
    std::sort(keep.begin(), keep.end());
    unsigned first = 3 + static_cast<unsigned>(preserve_fds);
    for (int fd : keep) {
        if (fd < 0)
            continue;
        if (static_cast<unsigned>(fd) < first) {
            if (::fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
                fail_errno("mark fd " + std::to_string(fd) + " close-on-exec");
            continue;
        }
        if (static_cast<unsigned>(fd) > first)
            close_fd_range(first, static_cast<unsigned>(fd) - 1);
        first = static_cast<unsigned>(fd) + 1;
    }
    close_fd_range(first, ~0U);
}

void set_hostnames(const spec::Spec& spec) {
    if (!spec.hostname.empty() && ::sethostname(spec.hostname.data(), spec.hostname.size()) < 0)
        fail_errno("sethostname " + spec.hostname);
    if (!spec.domainname.empty() &&
        ::setdomainname(spec.domainname.data(), spec.domainname.size()) < 0)
        fail_errno("setdomainname " + spec.domainname);
}

// The state startContainer hooks see: "created", and the init's own pid
// as seen inside the container, as runc passes it.
std::string created_state(const std::string& creating) {
    json::Value state = json::parse(creating);
    state.set("status", json::Value("created"));
    state.set("pid", json::Value(static_cast<std::int64_t>(::getpid())));
    return json::serialize(state);
}

const std::vector<spec::Hook>& hooks_of(const spec::Spec& spec,
                                        std::vector<spec::Hook> spec::Hooks::*kind) {
    static const std::vector<spec::Hook> none;
    return spec.hooks ? (*spec.hooks).*kind : none;
}

// Where the init's errors go: to the parent while it listens (`create`
// prints them), after "ready" to the init's own stderr, the container's.
struct Reporter {
    int sync_fd = -1;
    bool parent_listening = true;

    void report(const std::string& message) const {
        if (parent_listening) {
            try {
                sync_send(sync_fd, SyncType::error, message);
                return;
            } catch (...) {
                // The parent died: stderr is all that is left.
            }
        }
        std::string line = "ward init: " + message + "\n";
        if (::write(STDERR_FILENO, line.data(), line.size()) < 0) {
        }
    }
};

// The init's waiting point: "ready", then block until `start` writes a
// byte to the exec fifo, then the startContainer hooks.
void wait_for_start(const InitContext& ctx, Reporter& reporter, const std::string& state_json) {
    const spec::Spec& spec = *ctx.spec;
    sync_send(ctx.sync_fd, SyncType::ready);
    reporter.parent_listening = false;
    ::close(ctx.sync_fd);

    // The fd is O_RDWR, so opening it never blocked and needs no /proc
    // inside the container. It stays open, close-on-exec, until execve:
    // `start` waits for the last writer to go, so its poststart hooks
    // follow the exec.
    char byte;
    ssize_t n;
    while ((n = ::read(ctx.fifo_fd, &byte, 1)) < 0 && errno == EINTR) {
    }
    if (n < 0)
        fail_errno("read the exec fifo");
    if (n != 1)
        fail("read the exec fifo: no byte from start");

    const auto& hooks = hooks_of(spec, &spec::Hooks::start_container);
    if (!hooks.empty())
        run_hooks("startContainer", hooks, created_state(state_json));
}

[[noreturn]] void init_steps(const InitContext& ctx, Reporter& reporter,
                             const sigset_t& exec_mask) {
    const spec::Spec& spec = *ctx.spec;
    const spec::Process& process = *spec.process;

    // Until "ready", the init dies with ward (a killed create leaves no init).
    die_with_parent(ctx.parent_pidfd);
    // Non-dumpable from its first instruction: spawn_init made ward so
    // before the clone (CVE-2019-5736); the finalize step asserts it again
    // after the change of ids.
    // Before it waits for anything: the init must never hold the parent's
    // state-dir lock (or the parent's end of the sync socket), so that
    // whatever becomes of ward, no other verb waits on a lock the init has.
    close_inherited_fds(ctx.preserve_fds, ctx.keep_fds);

    std::string state_json = sync_expect(ctx.sync_fd, SyncType::go).text;

    if (ctx.namespaces.new_user || ctx.namespaces.user_entered) {
        if (::setresgid(0, 0, 0) < 0 || ::setresuid(0, 0, 0) < 0)
            fail_errno("become root in the user namespace");
        // Mapped to another host uid, that was a change of credentials,
        // which clears PR_SET_PDEATHSIG.
        die_with_parent(ctx.parent_pidfd);
    }
    ctx.handles->close_checked(); // create's checks are done; the init mounts the copies
    // A session of its own, terminal or not (runc does the same): in the
    // caller's session the container would share its controlling tty, and
    // TIOCSTI on it could type commands into the operator's shell.
    if (::setsid() < 0)
        fail_errno("setsid");

    if (!ctx.no_new_keyring && ::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, nullptr) < 0 &&
        errno != ENOSYS)
        fail_errno("join a new session keyring");
    if (ctx.namespaces.new_time)
        linux::enter_new_time_namespace(*spec.linux);
    set_hostnames(spec);

    linux::RootfsContext rootfs;
    rootfs.spec = &spec;
    rootfs.handles = ctx.handles;
    rootfs.rootfs = ctx.rootfs;
    rootfs.no_pivot = ctx.no_pivot;
    rootfs.readonly_from_start = ctx.readonly_from_start;
    rootfs.user_namespace = ctx.namespaces.new_user || ctx.namespaces.user_entered;
    rootfs.cgroup_namespace = ctx.namespaces.cgroup;
    UniqueFd root_mount = linux::prepare_rootfs(rootfs);
    // The sources are mounted: nothing of the host stays open past here
    // (hooks and the container process never see them). (CVE-2024-21626)
    ctx.handles->close_all();

    // Also before createContainer hooks alone: ward writes the config as
    // run after "go", and a hook may read it (as the bundle's config.json
    // of a store image); the parent answers only once it is written.
    if (!hooks_of(spec, &spec::Hooks::prestart).empty() ||
        !hooks_of(spec, &spec::Hooks::create_runtime).empty() ||
        !hooks_of(spec, &spec::Hooks::create_container).empty()) {
        sync_send(ctx.sync_fd, SyncType::run_hooks);
        sync_expect(ctx.sync_fd, SyncType::hooks_done);
    }
    run_hooks("createContainer", hooks_of(spec, &spec::Hooks::create_container), state_json);

    linux::enter_rootfs(rootfs, root_mount.get());
    root_mount.reset();

    FinalizeContext finalize;
    finalize.process = &process;
    finalize.personality = spec.linux ? spec.linux->personality : std::nullopt;
    finalize.filter = ctx.filter;
    if (process.landlock)
        finalize.landlock.push_back(&*process.landlock);
    finalize.unprivileged = ctx.namespaces.user_entered;
    finalize.console_fd = ctx.console_fd;
    finalize.preserve_fds = ctx.preserve_fds;
    finalize.parent_pidfd = ctx.parent_pidfd;
    finalize.exec_mask = exec_mask;
    finalize.sync_fd = ctx.sync_fd;
    // The parent passes it to linux.seccomp.listenerPath; it reads messages
    // in order, so the fd is there before "ready" is.
    finalize.send_listener_fd = [&](int fd) {
        sync_send_fd(ctx.sync_fd, SyncType::seccomp_fd, fd);
    };
    finalize.wait_for_start = [&] { wait_for_start(ctx, reporter, state_json); };
    finalize_process(finalize);
}

} // namespace

void run_init(const InitContext& ctx) {
    // The mask the container process starts with: the one ward was started
    // with. Nothing is blocked before the init is cloned (`run` blocks the
    // signals it forwards only after create), so it is what the clone gave.
    sigset_t exec_mask;
    ::sigprocmask(SIG_SETMASK, nullptr, &exec_mask);
    Reporter reporter{ctx.sync_fd};
    try {
        init_steps(ctx, reporter, exec_mask);
    } catch (const std::exception& e) {
        reporter.report(e.what());
    }
    _exit(1);
}

} // namespace ward::container
