// A user namespace that exists only to lend its mappings to an idmapped
// mount (or, rootless, to be entered by ward: linux/rootless): a child
// unshares it, we write its maps and keep an fd to it, and the child exits.
#include "ward/base/error.hpp"
#include "ward/base/scope.hpp"
#include "ward/linux/namespaces.hpp"
#include "ward/linux/procfs.hpp"
#include "ward/linux/rootfs_steps.hpp"
#include "ward/linux/rootless.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ward::linux {

UniqueFd user_namespace_with(const std::vector<spec::IdMapping>& uids,
                             const std::vector<spec::IdMapping>& gids) {
    int ready[2];
    int done[2];
    if (::pipe2(ready, O_CLOEXEC) < 0)
        fail_errno("pipe");
    UniqueFd ready_read(ready[0]), ready_write(ready[1]);
    if (::pipe2(done, O_CLOEXEC) < 0)
        fail_errno("pipe");
    UniqueFd done_read(done[0]), done_write(done[1]);

    pid_t pid = ::fork();
    if (pid < 0)
        fail_errno("fork");
    if (pid == 0) {
        ::close(done[1]); // else our own copy keeps the EOF below from coming
        ::close(ready[0]);
        char byte = 0;
        if (::unshare(CLONE_NEWUSER) < 0 || ::write(ready[1], &byte, 1) != 1)
            ::_exit(1);
        // Wait until the parent holds the namespace (EOF when it lets go).
        ssize_t ignored = ::read(done[0], &byte, 1);
        (void)ignored;
        ::_exit(0);
    }
    ScopeGuard reap([&] {
        done_write.reset();
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    });
    ready_write.reset();
    done_read.reset();
    char byte = 0;
    if (::read(ready_read.get(), &byte, 1) != 1)
        fail("create user namespace: the helper process failed to unshare");
    // The pid fork() returned, as our procfs handle numbers it: the handle
    // is of our own pid namespace (the container's, in the init), where
    // the host's /proc would name another process.
    std::string proc = "/proc/" + std::to_string(pid);
    UniqueFd ns = open_procfs_namespace(proc + "/ns/user");
    if (::geteuid() == 0) {
        write_procfs(proc + "/uid_map", id_map_text(uids));
        write_procfs(proc + "/gid_map", id_map_text(gids));
    } else {
        write_unprivileged_id_maps(pid, uids, gids);
    }
    return ns;
}

} // namespace ward::linux
