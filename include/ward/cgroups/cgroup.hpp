// The container's cgroup in the cgroup v2 hierarchy. On a pure v2 host that
// is /sys/fs/cgroup; on a hybrid host (v1 controllers, cgroup2 at
// /sys/fs/cgroup/unified) the container still gets its own cgroup2 dir, so
// freezing, listing and cleanup work; each limit whose controller is missing
// there is the policy's call (resources.hpp, apply.hpp).
#pragma once

#include "ward/base/fd.hpp"
#include "ward/spec/config.hpp"

#include <string>
#include <vector>

namespace ward::cgroups {

// The cgroup2 mount point, or throws when the host has none.
std::string hierarchy_root();

// The container's cgroup path inside the hierarchy, as runc resolves
// linux.cgroupsPath: absolute → as is; relative (and empty, which means the
// container id) → under the parent of ward's own cgroup (ward's own cgroup
// usually holds processes, so its children could not get controllers).
// Always starts with "/". Refuses ".." components.
std::string resolve_path(const std::string& cgroups_path, const std::string& id);

// Whether ward may make the cgroup at `path` (resolve_path's answer): the
// deepest directory of it that exists is writable by ward's euid. For root
// always; for an unprivileged caller only where a cgroup was delegated to
// it (systemd's user@.service, a manager's chown). Empty when it may, else
// the directory that refuses, for the message.
std::string undelegated_dir(const std::string& path);

// ward's own cgroup in the v2 hierarchy ("0::PATH" in /proc/self/cgroup).
std::string self_cgroup();

// Whether ward may move a process from its own cgroup into the one at
// `path` (the init's clone3 into it, an exec joining it): the kernel wants
// write access to cgroup.procs of the deepest cgroup holding both. Empty
// when it may (always for root), else that file, for the message. An
// unprivileged ward outside the subtree delegated to it (a login
// session's scope, a system service) may not, even where it may make the
// container's cgroup.
std::string move_refused(const std::string& path);

class Cgroup {
  public:
    Cgroup() = default;
    // Creates the cgroup (and missing parents). Fails if it already holds
    // processes (another container's).
    static Cgroup create(const std::string& path);
    // An existing cgroup (from state); no check that it exists.
    static Cgroup attach(const std::string& path);

    const std::string& path() const { return path_; }
    std::string full_path() const;
    // O_PATH|O_DIRECTORY fd for clone3(CLONE_INTO_CGROUP).
    UniqueFd open_dir() const;
    void add_process(int pid) const;
    std::vector<int> processes() const;
    bool exists() const;
    // Kills what is left (cgroup.kill, or SIGKILL each pid), waits briefly
    // for it to empty and removes the dir; with created parents (the undo of
    // a failed create), also the parents create() made.
    void destroy(bool created_parents = false) const;

  private:
    std::string path_;
    std::vector<std::string> created_; // dirs this object created, deepest last
};

} // namespace ward::cgroups
