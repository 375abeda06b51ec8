#include "ward/linux/rootless.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/namespaces.hpp"
#include "ward/linux/procfs.hpp"
#include "ward/linux/rootfs_steps.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ward::linux {
namespace {

bool maps_only(const std::vector<spec::IdMapping>& mappings, uint32_t id) {
    return mappings.size() == 1 && mappings[0].size == 1 && mappings[0].host_id == id;
}

// newuidmap / newgidmap PID INSIDE OUTSIDE COUNT...: run and waited for.
void run_id_map_helper(const std::string& name, const std::string& field, int pid,
                       const std::vector<spec::IdMapping>& mappings, unsigned caller) {
    const std::string text = quote(id_map_text(mappings));
    std::string helper = find_id_map_helper(name);
    if (helper.empty())
        fail("config.json: " + field + " " + text + " maps more than the caller's own id " +
             std::to_string(caller) + ": an unprivileged caller needs " + name +
             " (Debian package uidmap) and a range granted in /etc/sub" +
             (name == "newuidmap" ? "uid" : "gid") + "; none is installed");
    std::vector<std::string> args = {helper, std::to_string(pid)};
    for (const auto& m : mappings) {
        args.push_back(std::to_string(m.container_id));
        args.push_back(std::to_string(m.host_id));
        args.push_back(std::to_string(m.size));
    }
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t child = ::fork();
    if (child < 0)
        fail_errno("fork " + name);
    if (child == 0) {
        ::execve(helper.c_str(), argv.data(), environ);
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0)
        if (errno != EINTR)
            fail_errno("wait for " + name);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("config.json: " + field + " " + text + ": " + helper + " refused it (status " +
             std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) +
             "): /etc/sub" + (name == "newuidmap" ? "uid" : "gid") + " must grant the caller (id " +
             std::to_string(caller) + ") every id it maps");
}

} // namespace

std::string find_id_map_helper(const std::string& name) {
    for (const char* dir : {"/usr/bin/", "/bin/"}) {
        std::string path = dir + name;
        if (::access(path.c_str(), X_OK) == 0)
            return path;
    }
    return "";
}

void write_unprivileged_id_maps(int pid, const std::vector<spec::IdMapping>& uids,
                                const std::vector<spec::IdMapping>& gids) {
    const std::string base = "/proc/" + std::to_string(pid) + "/";
    const uid_t uid = ::geteuid();
    const gid_t gid = ::getegid();
    if (maps_only(uids, uid))
        with_context("write uid_map", [&] { write_procfs(base + "uid_map", id_map_text(uids)); });
    else
        run_id_map_helper("newuidmap", "linux.uidMappings", pid, uids, uid);
    if (maps_only(gids, gid)) {
        with_context("write setgroups", [&] { write_procfs(base + "setgroups", "deny"); });
        with_context("write gid_map", [&] { write_procfs(base + "gid_map", id_map_text(gids)); });
    } else {
        run_id_map_helper("newgidmap", "linux.gidMappings", pid, gids, gid);
    }
}

void enter_container_user_namespace(const spec::Linux& linux_config) {
    UniqueFd userns = user_namespace_with(linux_config.uid_mappings, linux_config.gid_mappings);
    if (::setns(userns.get(), CLONE_NEWUSER) < 0)
        fail_errno("rootless: enter the container's user namespace");
    // Our own mount namespace, owned by the user namespace: the copies of
    // the rootfs and the bind sources are made in it. The host's mounts
    // come in locked and, being from a more privileged namespace, as
    // slaves: nothing done here reaches the host.
    if (::unshare(CLONE_NEWNS) < 0)
        fail_errno("rootless: unshare a mount namespace");
}

} // namespace ward::linux
