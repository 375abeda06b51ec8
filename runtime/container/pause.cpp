// pause, resume and ps: the verbs that act on a container's cgroup as a
// whole, through the cgroup v2 freezer and cgroup.procs.
#include "ward/base/error.hpp"
#include "ward/cgroups/freezer.hpp"
#include "ward/cgroups/processes.hpp"
#include "ward/container/lifecycle.hpp"
#include "ward/container/state.hpp"
#include "ward/linux/procfs.hpp"

namespace ward::container {
namespace {

cgroups::Cgroup cgroup_of(const State& s) {
    if (s.cgroup.empty())
        fail("container " + s.id +
             " has no cgroup (created with --cgroup-manager disabled): it cannot be frozen");
    return cgroups::Cgroup::attach(s.cgroup);
}

} // namespace

void pause(const Globals& g, const std::string& id) {
    StateDir dir(g.root, id);
    dir.open_locked();
    State s = dir.load();
    // runc pauses a created container too; it resumes into created.
    Status status = current_status(dir, s);
    if (status != Status::running && status != Status::created)
        fail("container not running");
    cgroups::freeze(cgroup_of(s));
}

void resume(const Globals& g, const std::string& id) {
    StateDir dir(g.root, id);
    dir.open_locked();
    State s = dir.load();
    if (current_status(dir, s) != Status::paused)
        fail("container not paused");
    cgroups::thaw(cgroup_of(s));
}

std::vector<int> processes(const Globals& g, const std::string& id) {
    StateDir dir(g.root, id);
    if (!dir.exists())
        fail("container does not exist");
    State s = dir.load();
    // No cgroup of its own (--cgroup-manager disabled): its init is all
    // ward knows of it.
    if (s.cgroup.empty())
        return linux::process_start_time(s.pid) == s.start_time && s.pid > 0
                   ? std::vector<int>{s.pid}
                   : std::vector<int>{};
    return cgroups::all_processes(cgroups::Cgroup::attach(s.cgroup));
}

} // namespace ward::container
