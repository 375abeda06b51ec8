// The rules about a process: capabilities, noNewPrivileges, user. create
// checks them on the config's process (with the rest, evaluate.cpp), exec
// on the process it starts (evaluate_process), so `exec --cap`, `--user`,
// `--no-new-privs=false` or a `--process` file meet the same rules as the
// config did.
#include "checker.hpp"

namespace ward::policy {
namespace {

const std::vector<std::string>& set_or_none(const std::optional<std::vector<std::string>>& set) {
    static const std::vector<std::string> none;
    return set ? *set : none;
}

void check_allowed(const CapabilitiesRule& rule, const spec::Capabilities& caps, Checker& c) {
    for (const auto& [name, set] : caps.named_sets()) {
        if (!*set)
            continue;
        bool ambient = std::string_view(name) == "ambient";
        const std::vector<std::string> none;
        const auto& allowed = ambient && !rule.ambient ? none : rule.allowed;
        for (const auto& cap : **set)
            if (!contains(allowed, cap))
                c.add("capabilities", rule.action, std::string("process.capabilities.") + name, cap,
                      std::string("process.capabilities.") + name + " contains " + cap +
                          ", allowed: " + listed(allowed));
    }
}

// Inheritable capabilities are what a program executed later gains when
// its file carries them (CVE-2022-29162): the only reason to hold one is an
// ambient capability, which the kernel raises only from permitted ∩
// inheritable. Anything else in inheritable is a grant nobody needs, and
// an ambient capability outside both sets is one the kernel refuses.
void check_inheritance(const CapabilitiesRule& rule, const spec::Capabilities& caps, Checker& c) {
    const auto& inheritable = set_or_none(caps.inheritable);
    const auto& ambient = set_or_none(caps.ambient);
    const auto& permitted = set_or_none(caps.permitted);
    for (const auto& cap : inheritable)
        if (!contains(ambient, cap))
            c.add("capabilities", rule.action, "process.capabilities.inheritable", cap,
                  "process.capabilities.inheritable contains " + cap +
                      ", allowed: what process.capabilities.ambient needs (" + listed(ambient) +
                      ")");
    for (const auto& cap : ambient)
        if (!contains(permitted, cap) || !contains(inheritable, cap))
            c.add("capabilities", rule.action, "process.capabilities.ambient", cap,
                  "process.capabilities.ambient contains " + cap +
                      ", required: also in process.capabilities.permitted and "
                      "process.capabilities.inheritable");
}

void check_true(const TrueRule& rule, std::optional<bool> value, Checker& c) {
    if (value == true)
        return;
    std::string is = value ? "false" : "not set";
    c.add("noNewPrivileges", rule.action, "process.noNewPrivileges", "",
          "process.noNewPrivileges is " + is + ", required: true");
}

} // namespace

void check_process(const Policy& p, const spec::Process& process, Checker& c) {
    // Absent sets are empty: nothing granted.
    if (p.capabilities && process.capabilities) {
        check_allowed(*p.capabilities, *process.capabilities, c);
        check_inheritance(*p.capabilities, *process.capabilities, c);
    }
    if (p.no_new_privileges)
        check_true(*p.no_new_privileges, process.no_new_privileges, c);
    if (p.user && !p.user->allow_root && process.user.uid == 0)
        c.add("user", p.user->action, "process.user.uid", "",
              "process.user.uid is 0, allowed: a non-root uid");
}

std::vector<Finding> evaluate_process(const Policy& p, const spec::Process& process) {
    std::vector<Finding> out;
    Checker c(p, out);
    check_process(p, process, c);
    return out;
}

} // namespace ward::policy
