#include "namespace_facts.hpp"

#include <sys/stat.h>

namespace ward::container {

namespace {

// /proc/self/ns/<name> for a config.json namespace type.
const char* proc_name(const std::string& type) {
    if (type == "network")
        return "net";
    if (type == "mount")
        return "mnt";
    return type.c_str();
}

} // namespace

void add_joined_namespace_facts(const spec::Spec& spec, policy::CreateFacts& facts) {
    if (!spec.linux)
        return;
    for (const auto& ns : spec.linux->namespaces) {
        if (ns.path.empty())
            continue;
        auto joined = file_id(ns.path);
        if (!joined)
            continue;
        auto own = file_id(std::string("/proc/self/ns/") + proc_name(ns.type));
        facts.joined.push_back({ns.type, ns.path, own && *own == *joined});
    }
}

} // namespace ward::container
