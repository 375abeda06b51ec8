// A user namespace that exists only to lend its mappings to an idmapped
// mount: a child unshares it, we write its maps and keep an fd to it, and
// the child exits.
#include "ward/base/error.hpp"
#include "ward/base/scope.hpp"
#include "ward/linux/procfs.hpp"
#include "ward/linux/rootfs_steps.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ward::linux {

namespace {

std::string map_text(const std::vector<spec::IdMapping>& mappings) {
    std::string text;
    for (const auto& m : mappings)
        text += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " +
                std::to_string(m.size) + "\n";
    return text;
}

} // namespace

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
        char byte = 0;
        if (::unshare(CLONE_NEWUSER) < 0)
            ::_exit(1);
        if (::write(ready[1], &byte, 1) != 1)
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
    char byte;
    if (::read(ready_read.get(), &byte, 1) != 1)
        fail("create user namespace: the helper process failed to unshare");
    std::string proc = "/proc/" + std::to_string(pid);
    UniqueFd ns = open_procfs(proc + "/ns/user", O_RDONLY);
    write_procfs(proc + "/uid_map", map_text(uids));
    write_procfs(proc + "/gid_map", map_text(gids));
    return ns;
}

} // namespace ward::linux
