// One finalize step for the init and for exec: what both do between their
// own setup (namespaces, rootfs, session) and execve, in one order.
//
// The order around seccomp is the point. A config's filter may deny
// anything ward itself needs, so every step that can run before the filter
// is loaded does: fds are marked close-on-exec, ids and groups set and the
// bounding set dropped before it, and with no_new_privs the filter is the
// last thing loaded, followed by execve alone. Without no_new_privs the
// kernel wants CAP_SYS_ADMIN to load a filter: it stays effective through
// the user change, the filter is loaded, and the one capset that drops it
// is read back with capget (a filter answering capset with errno 0 cannot
// fake what capget writes), so a filter can make the start fail but never
// leave the process more privileged than the config says.
// docs/architecture.md lists what ward still calls after the load.
#include "finalize.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fault.hpp"
#include "ward/base/log.hpp"
#include "ward/container/sync.hpp"
#include "ward/linux/landlock.hpp"
#include "ward/linux/process.hpp"
#include "ward/linux/procfs.hpp"
#include "ward/linux/self_exe.hpp"
#include "ward/seccomp/filter.hpp"

#include <fcntl.h>
#include <poll.h>
#include <string_view>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ward::container {
namespace {

// /proc/self/setgroups says "deny" in a user namespace (or below one)
// whose gid_map was written by an unprivileged caller; "allow" elsewhere.
bool setgroups_allowed() {
    UniqueFd fd = linux::open_procfs("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
    char buf[16] = {};
    ssize_t n = ::read(fd.get(), buf, sizeof buf - 1);
    if (n < 0)
        fail_errno("read /proc/self/setgroups");
    return std::string_view(buf, static_cast<size_t>(n)).substr(0, 4) != "deny";
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (const auto& s : strings)
        out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

// Loads the filter; a listener fd (SCMP_ACT_NOTIFY) goes to the caller's
// sender and is closed here: only the listener may hold it, or the
// container's own process could answer its notifications.
void load_filter(const seccomp::Filter& filter, const FinalizeContext& ctx) {
    UniqueFd listener = filter.load();
    if (!filter.uses_notify())
        return;
    if (!ctx.send_listener_fd)
        fail("linux.seccomp: SCMP_ACT_NOTIFY: no listener to send the notify fd to");
    ctx.send_listener_fd(listener.get());
}

// This process's own fault point for `step`, e.g. "exec:ids-changed".
void own_fault_step(const FinalizeContext& ctx, const char* step) {
    fault_step(std::string(ctx.verb) + ":" + step, ctx.sync_fd, ctx.parent_pidfd);
}

// process.landlock, downgraded to the kernel's ABI, path rules resolved in
// the root the process sees now (the container's, after the pivot or the
// setns). Applied while ward still holds every capability (the kernel wants
// no_new_privs or CAP_SYS_ADMIN for it) and before any seccomp filter, so
// no profile needs to allow the three landlock syscalls; what runs after it
// (id changes, prctl, the filter load, the init's wait) opens no new path.
void apply_landlock_rulesets(const std::vector<const spec::Landlock*>& rulesets) {
    int abi = -1;
    UniqueFd root;
    for (const spec::Landlock* ruleset : rulesets) {
        if (!ruleset)
            continue;
        if (abi < 0) {
            abi = linux::landlock_abi();
            root.reset(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
            if (!root)
                fail_errno("process.landlock: open /");
        }
        linux::LandlockPlan plan = linux::plan_landlock(*ruleset, abi);
        for (const auto& dropped : plan.dropped)
            log::warn("landlock ABI " + std::to_string(abi) + ": dropped " + dropped);
        linux::apply_landlock(plan, abi, root.get());
    }
}

void stop_dying_with_parent() {
    if (::prctl(PR_SET_PDEATHSIG, 0) < 0)
        fail_errno("prctl PR_SET_PDEATHSIG 0");
}

} // namespace

UniqueFd open_own_pidfd() {
    UniqueFd fd = linux::open_pidfd(::getpid());
    if (!fd)
        log::debug("pidfd_open of ward itself: " + errno_text(errno) +
                   "; children will not check that ward is still alive");
    return fd;
}

bool parent_exited(int pidfd) {
    if (pidfd < 0)
        return false;
    pollfd p{pidfd, POLLIN, 0};
    int n;
    while ((n = ::poll(&p, 1, 0)) < 0 && errno == EINTR) {
    }
    if (n < 0)
        fail_errno("poll ward's pidfd");
    return n > 0 && (p.revents & POLLIN);
}

void die_with_parent(int parent_pidfd) {
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
        fail_errno("prctl PR_SET_PDEATHSIG");
    // The signal comes only for a death after the prctl: one before it
    // (ward killed right after the clone) is seen here instead.
    if (parent_exited(parent_pidfd))
        fail("ward exited before the process was tied to it");
}

void fault_step(std::string_view name, int sync_fd, int parent_pidfd) {
    if (!fault_wanted(name) || sync_fd < 0 || parent_pidfd < 0)
        return;
    // A child outside the container's pid namespace (exec's intermediate)
    // kills ward itself; one inside cannot (pidfd_send_signal refuses a
    // target outside the caller's pid namespace) and asks ward to die.
    if (::syscall(SYS_pidfd_send_signal, parent_pidfd, SIGKILL, nullptr, 0) < 0)
        sync_send(sync_fd, SyncType::fault, std::string(name));
    // A pidfd polls readable once its process has exited; by then the
    // kernel has sent this process its PR_SET_PDEATHSIG, if it has one.
    pollfd p{parent_pidfd, POLLIN, 0};
    while (::poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
}

void finalize_process(const FinalizeContext& ctx) {
    const spec::Process& process = *ctx.process;
    if (process.terminal)
        linux::setup_console(ctx.console_fd, process.console_size);
    linux::apply_rlimits(process.rlimits);
    linux::apply_process_attributes(process, ctx.personality);
    linux::apply_security_labels(process);
    // cwd and the executable are resolved while still privileged, inside
    // the container's root; the cwd is verified to be inside it.
    // (CVE-2024-21626)
    linux::change_directory(process.cwd);
    std::string executable = linux::find_executable(process.args.at(0), process.env);
    // Before any filter: a profile need not allow close_range or fcntl.
    linux::close_fds_on_exec(ctx.preserve_fds);
    // setgroups is denied in a user namespace whose gid_map was written
    // without privilege over the parent's groups (rootless, a one-id
    // mapping); as root of the host, or through newgidmap, it is allowed.
    // Read before Landlock: the private procfs is beneath no rule of it.
    const bool may_setgroups = !ctx.unprivileged || setgroups_allowed();
    apply_landlock_rulesets(ctx.landlock);

    const seccomp::Filter* filter = ctx.filter;
    const bool nnp = process.no_new_privileges.value_or(false);
    // Without no_new_privs, loading needs CAP_SYS_ADMIN (runc loads before
    // its capability drop for the same reason): kept until the filter is in.
    const bool load_before_capset = filter && !nnp;
    linux::CapabilitySets sets =
        linux::apply_user_and_capabilities(process, may_setgroups, load_before_capset);
    own_fault_step(ctx, "ids-changed");
    // The uid/gid change cleared PR_SET_PDEATHSIG, and with
    // fs.suid_dumpable=1 it made the process dumpable again: ward code
    // still runs until execve. (CVE-2019-5736)
    die_with_parent(ctx.parent_pidfd);
    own_fault_step(ctx, "tied-again");
    linux::make_non_dumpable();
    if (load_before_capset) {
        load_filter(*filter, ctx);
        linux::set_capabilities(sets);
    }
    if (nnp)
        linux::set_no_new_privileges();
    // A listener must get its fd while ward is still there to pass it (as
    // runc does): a NOTIFY filter is loaded before the caller's wait, and
    // the wait runs under it.
    const bool loaded = load_before_capset || (filter && filter->uses_notify());
    if (filter && !load_before_capset && filter->uses_notify())
        load_filter(*filter, ctx);

    // ward's last procfs access is behind it: the unmount of its private
    // procfs overlaps the wait for start instead of delaying the exec.
    linux::release_procfs_handle();
    // From here ward may exit (`create` returns, a detached exec too).
    stop_dying_with_parent();
    own_fault_step(ctx, "detached");
    if (ctx.wait_for_start)
        ctx.wait_for_start();
    if (::sigprocmask(SIG_SETMASK, &ctx.exec_mask, nullptr) < 0)
        fail_errno("restore the signal mask");
    auto argv = c_strings(process.args);
    auto envp = c_strings(process.env);
    if (filter && !loaded)
        filter->load(); // the last step but execve: it needs no allowance for ward
    ::execve(executable.c_str(), argv.data(), envp.data());
    fail_errno("exec " + executable);
}

} // namespace ward::container
