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

bool same_file(const std::string& a, const std::string& b) {
    struct stat sa {
    }, sb{};
    return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

} // namespace

void add_joined_namespace_facts(const spec::Spec& spec, policy::CreateFacts& facts) {
    if (!spec.linux)
        return;
    for (const auto& ns : spec.linux->namespaces) {
        if (ns.path.empty())
            continue;
        struct stat st {};
        if (::stat(ns.path.c_str(), &st) < 0)
            continue;
        std::string own = std::string("/proc/self/ns/") + proc_name(ns.type);
        facts.joined.push_back({ns.type, ns.path, same_file(ns.path, own)});
    }
}

} // namespace ward::container
