// linux.sysctl: only keys that live in a namespace the container has of
// its own, so a config can never change a host-wide kernel setting.
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/procfs.hpp"
#include "ward/linux/rootfs.hpp"
#include "ward/linux/rootfs_steps.hpp"

#include <algorithm>

namespace ward::linux {

namespace {

const char* const kIpcSysctls[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

void check_key_shape(const std::string& key) {
    if (key.empty() || key.find('/') != std::string::npos)
        fail("sysctl " + quote(key) + " is not a dotted sysctl name");
    for (const auto& part : split(key, '.'))
        if (part.empty() || part == "..")
            fail("sysctl " + quote(key) + " is not a dotted sysctl name");
}

void need(const spec::Spec& spec, const std::string& key, const std::string& ns) {
    if (!has_namespace(spec, ns))
        fail("sysctl " + quote(key) + " is not in a separate kernel namespace (the config has no " +
             ns + " namespace)");
}

// Which namespace owns `key`, the same map runc keeps.
void check_namespaced(const spec::Spec& spec, const std::string& key) {
    if (std::any_of(std::begin(kIpcSysctls), std::end(kIpcSysctls),
                    [&](const char* name) { return key == name; }) ||
        key.starts_with("fs.mqueue.")) {
        need(spec, key, "ipc");
        return;
    }
    if (key.starts_with("net.")) {
        need(spec, key, "network");
        return;
    }
    if (key == "kernel.hostname" || key == "kernel.domainname") {
        if (key == "kernel.hostname" && !spec.hostname.empty())
            fail("sysctl \"kernel.hostname\" conflicts with the hostname field");
        need(spec, key, "uts");
        return;
    }
    fail("sysctl " + quote(key) + " is not in a separate kernel namespace");
}

std::string proc_path(const std::string& key) {
    std::string path = "/proc/sys/" + key;
    std::replace(path.begin() + 10, path.end(), '.', '/');
    return path;
}

} // namespace

void apply_sysctls(const spec::Spec& spec) {
    if (!spec.linux)
        return;
    // All checked before any is written: bad input never half-applies.
    for (const auto& [key, value] : spec.linux->sysctl) {
        check_key_shape(key);
        check_namespaced(spec, key);
    }
    // Through the init's own procfs handle: /proc/sys/net, the ipc keys and
    // the uts names resolve in the namespaces of the process that opens
    // them (the init's, i.e. the container's), whichever procfs instance
    // holds the file; and no mount of the container's can stand in the way.
    // (Named references, not a structured binding: C++20 lets a lambda
    // capture a binding, but clang before 16 refuses it, and `make fuzz`
    // builds every runtime file with clang.)
    for (const auto& entry : spec.linux->sysctl) {
        const std::string& key = entry.first;
        const std::string& value = entry.second;
        with_context("sysctl " + key, [&] { write_procfs(proc_path(key), value); });
    }
}

} // namespace ward::linux
