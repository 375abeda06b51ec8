#include "spawn.hpp"

#include "finalize.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/container/sync.hpp"
#include "ward/linux/self_exe.hpp"

#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ward::container {
namespace {

long clone3_raw(uint64_t flags, int cgroup_fd) {
    clone_args args{};
    args.flags = flags;
    // clone3 refuses an exit signal with CLONE_PARENT: the child then takes
    // the caller's own (SIGCHLD, as the intermediate was forked).
    args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = static_cast<uint64_t>(cgroup_fd);
    }
    return ::syscall(SYS_clone3, &args, sizeof args);
}

} // namespace

long clone_process(uint64_t flags, int cgroup_fd, bool& in_cgroup) {
    long pid = clone3_raw(flags, cgroup_fd);
    in_cgroup = cgroup_fd >= 0;
    if (pid < 0 && cgroup_fd >= 0 && (errno == EINVAL || errno == E2BIG || errno == ENOSYS)) {
        pid = clone3_raw(flags, -1);
        in_cgroup = false;
    }
    return pid;
}

Spawned spawn_init(const InitContext& request, int cgroup_fd, int parent_sync_fd) {
    // The init checks through it that ward did not die before the init
    // tied itself to ward with PR_SET_PDEATHSIG (container/finalize.hpp).
    UniqueFd ward_pidfd = open_own_pidfd();
    InitContext ctx = request;
    ctx.parent_pidfd = ward_pidfd.get();
    ctx.keep_fds.push_back(ctx.parent_pidfd);
    uint64_t flags = ctx.namespaces.clone_flags;
    bool in_cgroup = false;
    // Non-dumpable before the clone: the init is in the container's
    // namespaces from its first instruction, and set by the init itself it
    // would leave a moment in which a process of a joined pid namespace
    // could open its /proc/PID/exe or ptrace it. (CVE-2019-5736)
    linux::make_non_dumpable();
    if (ctx.namespaces.join.empty()) {
        long pid = clone_process(flags, cgroup_fd, in_cgroup);
        if (pid < 0)
            fail_errno("clone3 container init");
        if (pid == 0)
            run_init(ctx);
        return {static_cast<int>(pid), in_cgroup};
    }

    pid_t mid = ::fork();
    if (mid < 0)
        fail_errno("fork");
    if (mid == 0) {
        try {
            linux::join_namespaces(ctx.namespaces.join);
            long pid = clone_process(flags | CLONE_PARENT, cgroup_fd, in_cgroup);
            if (pid < 0)
                fail_errno("clone3 container init");
            if (pid == 0)
                run_init(ctx);
            // "PID" when placed in the cgroup, "-PID" when the caller must.
            sync_send(ctx.sync_fd, SyncType::pid, std::to_string(in_cgroup ? pid : -pid));
            _exit(0);
        } catch (const std::exception& e) {
            try {
                sync_send(ctx.sync_fd, SyncType::error, e.what());
            } catch (...) {
            }
            _exit(1);
        }
    }
    int status = 0;
    while (::waitpid(mid, &status, 0) < 0 && errno == EINTR) {
    }
    // The intermediate has exited: whatever it sent is queued already.
    auto msg = sync_receive(parent_sync_fd, true);
    if (!msg)
        fail("spawn container init: intermediate process exited without a pid");
    if (msg->type == SyncType::error)
        fail(msg->text);
    auto pid = parse_int(msg->text);
    if (msg->type != SyncType::pid || !pid || *pid == 0)
        fail("spawn container init: bad message from intermediate process");
    return {static_cast<int>(*pid > 0 ? *pid : -*pid), *pid > 0};
}

} // namespace ward::container
