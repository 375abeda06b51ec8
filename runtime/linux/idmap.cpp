// A user namespace that exists only to lend its mappings to an idmapped
// mount: a child unshares it, we write its maps and keep an fd to it, and
// the child exits.
#include "ward/base/error.hpp"
#include "ward/base/scope.hpp"
#include "ward/linux/namespaces.hpp"
#include "ward/linux/procfs.hpp"
#include "ward/linux/rootfs_steps.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/statfs.h>
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
        if (::unshare(CLONE_NEWUSER) < 0)
            ::_exit(1);
        // Our pid as the mounted /proc numbers it: the container init runs
        // this in a new pid namespace while /proc is still the host's, so
        // the pid fork() returned names another process there.
        char self[32];
        ssize_t len = ::readlink("/proc/self", self, sizeof self);
        if (len <= 0 || ::write(ready[1], self, static_cast<size_t>(len)) != len)
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
    char self[32];
    ssize_t len = ::read(ready_read.get(), self, sizeof self);
    if (len <= 0)
        fail("create user namespace: the helper process failed to unshare");
    std::string proc = "/proc/" + std::string(self, static_cast<size_t>(len));
    // ns/user is a magic link that O_NOFOLLOW refuses: open it relative to
    // the verified /proc/PID directory and check it is really an nsfs file.
    UniqueFd proc_dir = open_procfs(proc, O_PATH | O_DIRECTORY);
    UniqueFd ns(::openat(proc_dir.get(), "ns/user", O_RDONLY | O_CLOEXEC));
    struct statfs fs {};
    if (!ns || ::fstatfs(ns.get(), &fs) < 0)
        fail_errno("open " + proc + "/ns/user");
    if (fs.f_type != NSFS_MAGIC)
        fail("open " + proc + "/ns/user: not a namespace file");
    write_procfs(proc + "/uid_map", id_map_text(uids));
    write_procfs(proc + "/gid_map", id_map_text(gids));
    return ns;
}

} // namespace ward::linux
