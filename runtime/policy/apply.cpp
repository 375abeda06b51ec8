// apply(policy, spec): fills only what the config left out. An explicit
// value, even a weak one, is kept as written and left to evaluate(): a
// runtime that quietly rewrote configs would run something nobody asked for.
#include "ward/base/strings.hpp"
#include "ward/policy/landlock_fill.hpp"
#include "ward/policy/policy.hpp"

namespace ward::policy {
namespace {

spec::Linux& linux_of(spec::Spec& s) {
    if (!s.linux)
        s.linux = spec::Linux{};
    return *s.linux;
}

void fill_capabilities(const CapabilitiesRule& rule, spec::Process& process,
                       std::vector<std::string>& filled) {
    if (!rule.fill)
        return;
    if (!process.capabilities)
        process.capabilities = spec::Capabilities{};
    spec::Capabilities& caps = *process.capabilities;
    std::string given = "[" + join(*rule.fill, ", ") + "]";
    for (auto [name, set] :
         {std::pair{"bounding", &caps.bounding}, std::pair{"effective", &caps.effective},
          std::pair{"permitted", &caps.permitted}}) {
        if (!*set) {
            *set = *rule.fill;
            filled.push_back(std::string("process.capabilities.") + name + ": " + given);
        }
    }
    for (auto [name, set] :
         {std::pair{"inheritable", &caps.inheritable}, std::pair{"ambient", &caps.ambient}}) {
        if (!*set) {
            *set = std::vector<std::string>{};
            filled.push_back(std::string("process.capabilities.") + name + ": []");
        }
    }
}

void fill_paths(const PathsRule& rule, const char* field,
                std::optional<std::vector<std::string>>& paths, std::vector<std::string>& filled) {
    if (!rule.fill || paths)
        return;
    paths = rule.required;
    filled.push_back(std::string(field) + ": [" + join(rule.required, ", ") + "]");
}

} // namespace

std::vector<std::string> apply_process(const Policy& p, spec::Process& process) {
    std::vector<std::string> filled;
    if (p.capabilities)
        fill_capabilities(*p.capabilities, process, filled);
    if (p.no_new_privileges && p.no_new_privileges->fill && !process.no_new_privileges) {
        process.no_new_privileges = true;
        filled.push_back("process.noNewPrivileges: true");
    }
    return filled;
}

std::vector<std::string> apply(const Policy& p, spec::Spec& s, const CreateFacts& facts) {
    std::vector<std::string> filled;
    if (p.seccomp && p.seccomp->fill && !(s.linux && s.linux->seccomp)) {
        // No profile of that name (this build lacks it): nothing is filled
        // and evaluate() reports the missing filter under the rule's action.
        if (auto profile = builtin_profile(*p.seccomp->fill)) {
            linux_of(s).seccomp = std::move(*profile);
            filled.push_back("linux.seccomp: profile " + *p.seccomp->fill);
        }
    }
    if (s.process) {
        auto process_filled = apply_process(p, *s.process);
        filled.insert(filled.end(), process_filled.begin(), process_filled.end());
    }
    if (p.readonly_root && p.readonly_root->fill && s.root && !s.root->readonly) {
        s.root->readonly = true;
        filled.push_back("root.readonly: true");
    }
    if (p.masked_paths && p.masked_paths->fill)
        fill_paths(*p.masked_paths, "linux.maskedPaths", linux_of(s).masked_paths, filled);
    if (p.readonly_paths && p.readonly_paths->fill)
        fill_paths(*p.readonly_paths, "linux.readonlyPaths", linux_of(s).readonly_paths, filled);
    // An empty namespace list is "left out": the config said nothing about
    // isolation (a config that wants the host's namespaces lists the rest).
    if (p.namespaces && p.namespaces->fill && linux_of(s).namespaces.empty()) {
        for (const auto& type : *p.namespaces->fill)
            s.linux->namespaces.push_back(spec::Namespace{type, ""});
        filled.push_back("linux.namespaces: [" + join(*p.namespaces->fill, ", ") + "]");
    }
    // Last: the ruleset is derived from the config as filled (root.readonly).
    if (p.landlock && p.landlock->fill && s.process && !s.process->landlock) {
        s.process->landlock = derived_landlock(s, facts.rootfs_entries);
        filled.push_back("process.landlock: " + describe_landlock(*s.process->landlock));
    }
    return filled;
}

} // namespace ward::policy
