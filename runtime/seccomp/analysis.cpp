// analyse(), diff(), to_json() and Decoded's lookups: what the commands and
// the audit do with a decoded program.
#include "ward/seccomp/analysis.hpp"

#include "ward/seccomp/filter.hpp"

#include <algorithm>
#include <map>

namespace ward::seccomp {

namespace {

std::string display_name(const SyscallVerdict& v) {
    return v.name.empty() ? "#" + std::to_string(v.nr) : v.name;
}

// One side of a diff for an architecture it may not let through at all.
struct Side {
    const ArchVerdicts* arch = nullptr;
    std::map<uint32_t, const SyscallVerdict*> by_nr;
    std::string default_action;

    Side(const Decoded& decoded, std::string_view name) {
        arch = decoded.find(name);
        default_action = arch ? arch->default_action : decoded.other_arch_action;
        if (arch)
            for (const auto& v : arch->syscalls)
                by_nr.emplace(v.nr, &v);
    }
    // A number this side has no verdict for gets its default.
    std::pair<Outcome, std::vector<std::string>> at(uint32_t nr) const {
        auto it = by_nr.find(nr);
        if (it != by_nr.end())
            return {it->second->outcome, it->second->actions};
        bool allow = default_action == "SCMP_ACT_ALLOW" || default_action == "SCMP_ACT_LOG";
        return {allow ? Outcome::allow : Outcome::deny, {default_action}};
    }
};

} // namespace

std::set<std::string> Decoded::allowed(std::string_view arch, bool conditional) const {
    std::set<std::string> names;
    if (const ArchVerdicts* verdicts = find(arch))
        for (const auto& v : verdicts->syscalls)
            if (v.outcome == Outcome::allow || (conditional && v.outcome == Outcome::conditional))
                names.insert(display_name(v));
    return names;
}

const ArchVerdicts* Decoded::find(std::string_view arch) const {
    for (const auto& a : arches)
        if (a.arch == arch)
            return &a;
    return nullptr;
}

Decoded analyse(const spec::Seccomp& profile) {
    Filter filter = Filter::compile(profile);
    return decode(filter.program());
}

std::vector<ArchDiff> diff(const Decoded& a, const Decoded& b) {
    std::vector<std::string> arch_names;
    for (const auto* side : {&a, &b})
        for (const auto& arch : side->arches)
            if (std::find(arch_names.begin(), arch_names.end(), arch.arch) == arch_names.end())
                arch_names.push_back(arch.arch);
    std::vector<ArchDiff> out;
    for (const auto& name : arch_names) {
        Side sa(a, name), sb(b, name);
        ArchDiff d;
        d.arch = name;
        d.a_default = sa.default_action;
        d.b_default = sb.default_action;
        d.default_differs = d.a_default != d.b_default;
        std::map<uint32_t, std::string> numbers; // nr → name, from whichever side has it
        for (const Side* side : {&sa, &sb})
            if (side->arch)
                for (const auto& v : side->arch->syscalls)
                    numbers.emplace(v.nr, display_name(v));
        for (const auto& [nr, syscall] : numbers) {
            SyscallChange change;
            change.name = syscall;
            change.nr = nr;
            std::tie(change.a, change.a_actions) = sa.at(nr);
            std::tie(change.b, change.b_actions) = sb.at(nr);
            const bool a_allows = change.a != Outcome::deny, b_allows = change.b != Outcome::deny;
            if (a_allows && !b_allows)
                d.only_a.push_back(std::move(change));
            else if (b_allows && !a_allows)
                d.only_b.push_back(std::move(change));
            else if (a_allows && (change.a != change.b || change.a_actions != change.b_actions))
                d.changed.push_back(std::move(change));
            else if (!a_allows && change.a_actions != change.b_actions &&
                     (change.a_actions != std::vector{sa.default_action} ||
                      change.b_actions != std::vector{sb.default_action}))
                d.denied_differently.push_back(std::move(change));
        }
        out.push_back(std::move(d));
    }
    return out;
}

json::Value to_json(const Decoded& decoded) {
    json::Value arches = json::Value::array();
    for (const auto& arch : decoded.arches) {
        json::Value syscalls = json::Value::array();
        int allowed = 0, conditional = 0;
        for (const auto& v : arch.syscalls) {
            allowed += v.outcome == Outcome::allow;
            conditional += v.outcome == Outcome::conditional;
            // Only what differs from the default: the rest is the default.
            if (v.actions.size() == 1 && v.actions.front() == arch.default_action)
                continue;
            json::Value actions = json::Value::array();
            for (const auto& action : v.actions)
                actions.push(json::Value(action));
            json::Value entry = json::Value::object();
            entry.set("name", json::Value(display_name(v)));
            entry.set("nr", json::Value(v.nr));
            entry.set("outcome", json::Value(outcome_name(v.outcome)));
            entry.set("actions", std::move(actions));
            syscalls.push(std::move(entry));
        }
        json::Value entry = json::Value::object();
        entry.set("arch", json::Value(arch.arch));
        entry.set("auditArch", json::Value(arch.audit_arch));
        entry.set("defaultAction", json::Value(arch.default_action));
        entry.set("allowed", json::Value(allowed));
        entry.set("conditional", json::Value(conditional));
        entry.set("syscalls", std::move(syscalls));
        arches.push(std::move(entry));
    }
    json::Value out = json::Value::object();
    out.set("otherArchAction", json::Value(decoded.other_arch_action));
    out.set("architectures", std::move(arches));
    return out;
}

} // namespace ward::seccomp
