#include "ward/linux/namespaces.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/procfs.hpp"
#include "ward/spec/names.hpp"

#include <algorithm>
#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace ward::linux {

NamespacePlan plan_namespaces(const spec::Spec& spec) {
    NamespacePlan plan;
    if (!spec.linux)
        fail("config.json: linux: required on Linux (namespaces)");
    for (const auto& ns : spec.linux->namespaces) {
        auto flag = spec::namespace_clone_flag(ns.type);
        if (!flag)
            fail("config.json: linux.namespaces: " + quote(ns.type) + " is not a namespace type");
        if (ns.path.empty() && ns.type == "time") {
            plan.new_time = true;
        } else if (ns.path.empty()) {
            plan.clone_flags |= *flag;
        } else {
            NamespaceJoin join{ns.type, ns.path, *flag};
            if (ns.type == "user")
                plan.join.insert(plan.join.begin(), join);
            else
                plan.join.push_back(join);
        }
        if (ns.type == "user")
            plan.new_user = ns.path.empty();
        else if (ns.type == "pid")
            plan.new_pid = ns.path.empty();
        else if (ns.type == "mount")
            plan.mount = true;
        else if (ns.type == "uts")
            plan.uts = ns.path.empty();
        else if (ns.type == "cgroup")
            plan.cgroup = ns.path.empty();
        else if (ns.type == "network")
            plan.network = true;
    }
    if (!plan.mount)
        fail("config.json: linux.namespaces: a mount namespace is required (ward never "
             "mounts in the host's mount namespace)");
    const auto* mount_ns = spec.find_namespace("mount");
    if (mount_ns && !mount_ns->path.empty())
        fail("config.json: linux.namespaces: joining an existing mount namespace (" +
             quote(mount_ns->path) + ") is not supported: the rootfs must be set up privately");
    if (plan.new_user && (spec.linux->uid_mappings.empty() || spec.linux->gid_mappings.empty()))
        fail("config.json: linux.uidMappings/gidMappings: required with a new user namespace");
    if (!plan.new_user && (!spec.linux->uid_mappings.empty() || !spec.linux->gid_mappings.empty()))
        fail("config.json: linux.uidMappings: mappings given without a new user namespace");
    if (!spec.linux->time_offsets.empty() && !plan.new_time)
        fail("config.json: linux.timeOffsets: requires a new time namespace");
    if ((!spec.hostname.empty() || !spec.domainname.empty()) && !plan.uts)
        fail("config.json: hostname: setting the hostname needs a new uts namespace");
    return plan;
}

void join_namespaces(const std::vector<NamespaceJoin>& joins) {
    for (const auto& join : joins) {
        UniqueFd fd(::open(join.path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd)
            fail_errno("join " + join.type + " namespace: open " + join.path);
        if (::setns(fd.get(), static_cast<int>(join.clone_flag)) < 0)
            fail_errno("join " + join.type + " namespace " + join.path + ": setns");
    }
}

std::string id_map_text(const std::vector<spec::IdMapping>& mappings) {
    std::string text;
    for (const auto& m : mappings)
        text += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " +
                std::to_string(m.size) + "\n";
    return text;
}

// From the parent, in the host's namespaces: the handle is ward's own
// procfs, in whose pid namespace `pid` (clone3's answer) names the child.
// It could only be shaped by whoever shapes ward's own mount namespace, but
// the one mechanism costs nothing here and keeps a nested ward honest.
void write_id_mappings(int pid, const spec::Linux& linux_config) {
    std::string base = "/proc/" + std::to_string(pid) + "/";
    with_context("write uid_map",
                 [&] { write_procfs(base + "uid_map", id_map_text(linux_config.uid_mappings)); });
    with_context("write gid_map",
                 [&] { write_procfs(base + "gid_map", id_map_text(linux_config.gid_mappings)); });
}

void enter_new_time_namespace(const spec::Linux& linux_config) {
    if (::unshare(CLONE_NEWTIME) < 0)
        fail_errno("unshare time namespace");
    std::string text;
    for (const auto& [clock, offset] : linux_config.time_offsets)
        text += clock + " " + std::to_string(offset.secs) + " " + std::to_string(offset.nanosecs) +
                "\n";
    if (!text.empty())
        with_context("write timens_offsets",
                     [&] { write_procfs("/proc/self/timens_offsets", text); });
    // unshare made the namespace for this thread's children.
    UniqueFd ns = open_procfs_namespace("/proc/thread-self/ns/time_for_children");
    if (::setns(ns.get(), CLONE_NEWTIME) < 0)
        fail_errno("enter time namespace: setns");
}

} // namespace ward::linux
