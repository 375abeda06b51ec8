// cpuset: linux.resources.cpu.cpus/mems → cpuset.cpus/mems, as given (the
// kernel refuses a malformed list, and the error names the field).
#include "controller.hpp"

namespace ward::cgroups {
namespace {

void plan(const spec::Resources& r, Planner& p) {
    if (!r.cpu)
        return;
    if (!r.cpu->cpus.empty())
        p.add("cpuset.cpus", r.cpu->cpus, "cpu.cpus");
    if (!r.cpu->mems.empty())
        p.add("cpuset.mems", r.cpu->mems, "cpu.mems");
}

} // namespace

const Controller kCpusetController{"cpuset", plan, nullptr};

} // namespace ward::cgroups
