// linux.resources.unified: interface files named directly, written line
// by line after the typed fields (so a key overrides one). Only limit
// files: a key must be a plain CONTROLLER.PARAMETER name, and of the core
// cgroup.* files only the two limits are allowed.
#include "controller.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>

namespace ward::cgroups {
namespace {

// Core files that are limits; the others (procs, kill, freeze, subtree
// control, ...) would let a config move, kill or freeze processes.
bool is_core_limit(const std::string& key) {
    return key == "cgroup.max.depth" || key == "cgroup.max.descendants";
}

void check_key(const std::string& key, const std::string& field) {
    if (key.empty() || key == "." || key == ".." || key.find('/') != std::string::npos ||
        key.find("..") != std::string::npos)
        refuse(field, "not a cgroup interface file name (a plain name, no \"/\" or \"..\")");
    if (std::any_of(key.begin(), key.end(),
                    [](unsigned char ch) { return ch <= ' ' || ch == 0x7f; }))
        refuse(field, "not a cgroup interface file name (no spaces or control characters)");
    auto dot = key.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == key.size())
        refuse(field, "not a cgroup interface file name (CONTROLLER.PARAMETER)");
    if (key.starts_with("cgroup.") && !is_core_limit(key))
        refuse(field, "not a resource limit (of the cgroup.* files only cgroup.max.depth and "
                      "cgroup.max.descendants are)");
}

void plan(const spec::Resources& r, Planner& p) {
    for (const auto& [key, value] : r.unified) {
        std::string field = "unified[" + quote(key) + "]";
        check_key(key, field);
        // The kernel takes one setting per write: write line by line.
        bool any = false;
        for (const auto& line : split(value, '\n')) {
            if (trim(line).empty())
                continue;
            p.add(key, line, field);
            any = true;
        }
        if (!any)
            refuse(field, "empty value");
    }
}

} // namespace

const Controller kUnifiedController{"unified", plan, nullptr};

} // namespace ward::cgroups
