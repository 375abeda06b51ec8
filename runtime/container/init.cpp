// The container init, step by step. Order matters and each step's place is
// explained where it is taken:
//
//   wait for "go" (the parent has written uid/gid maps) → become root in a
//   new user namespace → close inherited fds → own session → keyring → time namespace →
//   hostname → rootfs (mounts, /dev) → prestart/createRuntime hooks (run by
//   the parent) → createContainer hooks → pivot_root, sysctls, readonly/masked
//   paths → console → rlimits, process attributes, LSM labels → cwd →
//   executable lookup → seccomp built (loaded here without no_new_privs) →
//   user and capabilities → no_new_privs → (a NOTIFY filter loaded, its fd
//   sent to the parent) → "ready" → block on the exec fifo →
//   startContainer hooks → seccomp loaded → fds close-on-exec → execve.
#include "ward/container/init.hpp"

#include "ward/base/error.hpp"
#include "ward/base/log.hpp"
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ward::container {
namespace {

// Closes every fd >= 3 + preserve_fds except those in keep: the init must
// not hold the parent's state-dir lock or any other parent fd while it
// waits on the fifo.
void close_inherited_fds(int preserve_fds, std::vector<int> keep) {
    std::sort(keep.begin(), keep.end());
    unsigned first = 3 + static_cast<unsigned>(preserve_fds);
    for (int fd : keep) {
        if (fd < 0 || static_cast<unsigned>(fd) < first)
            continue;
        if (static_cast<unsigned>(fd) > first)
            ::syscall(SYS_close_range, first, static_cast<unsigned>(fd) - 1, 0);
        first = static_cast<unsigned>(fd) + 1;
    }
    ::syscall(SYS_close_range, first, ~0U, 0);
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

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (const auto& s : strings)
        out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

// Loads the filter; a filter with SCMP_ACT_NOTIFY hands its listener fd to
// the parent, which passes it to linux.seccomp.listenerPath. The parent
// reads messages in order, so the fd is there before "ready" is.
void load_filter(const seccomp::Filter& filter, int sync_fd) {
    UniqueFd fd = filter.load();
    if (!filter.uses_notify())
        return;
    sync_send_fd(sync_fd, SyncType::seccomp_fd, fd.get());
    // Closed here: only the listener may hold it, or the container's own
    // process could answer its notifications.
}

[[noreturn]] void init_steps(const InitContext& ctx) {
    const spec::Spec& spec = *ctx.spec;
    const spec::Process& process = *spec.process;

    // Until "ready", the init dies with ward (a killed create leaves no init).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    // Non-dumpable while ward code runs: no process in the container can
    // open /proc/<init>/exe or ptrace us. execve resets it. (CVE-2019-5736)
    ::prctl(PR_SET_DUMPABLE, 0);

    std::string state_json = sync_expect(ctx.sync_fd, SyncType::go).text;

    if (ctx.namespaces.new_user) {
        if (::setresgid(0, 0, 0) < 0 || ::setresuid(0, 0, 0) < 0)
            fail_errno("become root in the user namespace");
    }
    close_inherited_fds(ctx.preserve_fds, ctx.keep_fds);
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
    rootfs.user_namespace = ctx.namespaces.new_user;
    rootfs.cgroup_namespace = ctx.namespaces.cgroup;
    UniqueFd root_mount = linux::prepare_rootfs(rootfs);
    // The sources are mounted: nothing of the host stays open past here
    // (hooks and the container process never see them). (CVE-2024-21626)
    ctx.handles->close_all();

    if (!hooks_of(spec, &spec::Hooks::prestart).empty() ||
        !hooks_of(spec, &spec::Hooks::create_runtime).empty()) {
        sync_send(ctx.sync_fd, SyncType::run_hooks);
        sync_expect(ctx.sync_fd, SyncType::hooks_done);
    }
    run_hooks("createContainer", hooks_of(spec, &spec::Hooks::create_container), state_json);

    linux::enter_rootfs(rootfs, root_mount.get());
    root_mount.reset();

    if (process.terminal)
        linux::setup_console(ctx.console_fd, process.console_size);
    linux::apply_rlimits(process.rlimits);
    linux::apply_process_attributes(process, spec.linux ? spec.linux->personality : std::nullopt);
    linux::apply_security_labels(process);
    // cwd and the executable are resolved while still privileged, inside the
    // new root; the cwd is verified to be inside it. (CVE-2024-21626)
    linux::change_directory(process.cwd);
    std::string executable = linux::find_executable(process.args.at(0), process.env);

    // Built here so a bad filter fails `create`; loaded as late as possible.
    std::optional<seccomp::Filter> filter;
    if (spec.linux && spec.linux->seccomp)
        filter = seccomp::Filter::build(*spec.linux->seccomp);
    bool nnp = process.no_new_privileges.value_or(false);
    // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it
    // before the capabilities are dropped (runc does the same).
    if (filter && !nnp)
        load_filter(*filter, ctx.sync_fd);

    // setgroups is denied in a user namespace whose gid_map we wrote without
    // privilege over the parent's groups; as root of the host it is allowed.
    linux::apply_user_and_capabilities(process, true);
    if (nnp)
        linux::set_no_new_privileges();
    // A listener must get its fd during `create`, while the parent is still
    // there to pass it (as runc does): so a NOTIFY filter is loaded now, and
    // the rest of the init's steps run under it.
    bool loaded_early = filter && (!nnp || filter->uses_notify());
    if (filter && nnp && filter->uses_notify())
        load_filter(*filter, ctx.sync_fd);

    // From here the parent may exit: stop dying with it.
    ::prctl(PR_SET_PDEATHSIG, 0);
    sync_send(ctx.sync_fd, SyncType::ready);
    ::close(ctx.sync_fd);

    // Block until `start` writes a byte. The fd is O_RDWR, so opening it
    // never blocked and needs no /proc inside the container.
    char byte;
    ssize_t n;
    while ((n = ::read(ctx.fifo_fd, &byte, 1)) < 0 && errno == EINTR) {
    }
    if (n != 1)
        _exit(1);
    // The fifo stays open, close-on-exec, until execve: `start` waits for
    // the last writer to go, so its poststart hooks follow the exec.
    ::fcntl(ctx.fifo_fd, F_SETFD, FD_CLOEXEC);

    run_hooks("startContainer", hooks_of(spec, &spec::Hooks::start_container),
              created_state(state_json));

    if (filter && !loaded_early)
        filter->load(); // last: nothing of ward's own setup needs an allowance in it
    linux::close_fds_on_exec(ctx.preserve_fds);
    auto argv = c_strings(process.args);
    auto envp = c_strings(process.env);
    ::execve(executable.c_str(), argv.data(), envp.data());
    fail_errno("exec " + executable);
}

} // namespace

void run_init(const InitContext& ctx) {
    try {
        init_steps(ctx);
    } catch (const std::exception& e) {
        try {
            sync_send(ctx.sync_fd, SyncType::error, e.what());
        } catch (...) {
            // After "ready" the parent is gone: stderr is all that is left.
            std::string line = std::string("ward init: ") + e.what() + "\n";
            if (::write(STDERR_FILENO, line.data(), line.size()) < 0) {
            }
        }
    }
    _exit(1);
}

} // namespace ward::container
