// admit(): the one place where a policy's findings turn into warnings or a
// refusal, for create, exec and update alike (gate.hpp).
#include "ward/policy/gate.hpp"

#include "checker.hpp"
#include "ward/base/error.hpp"
#include "ward/base/log.hpp"

#include <algorithm>

namespace ward::policy {
namespace {

constexpr const char* kChoices = "--policy FILE, WARD_POLICY=FILE or /etc/ward/policy.json";

// The first line of a refusal: who refused, and what the reader can do
// about it besides editing the config.
std::string refusal_header(const Effective& e, Stage stage) {
    std::string who = "policy " + quote(e.policy.name) + " (" + e.source + ")";
    switch (stage) {
    case Stage::create:
        return who + " refuses this container; choose another policy with " + kChoices;
    case Stage::exec:
    case Stage::update:
        break;
    }
    std::string what = stage == Stage::exec ? "process" : "update";
    return who + ", recorded for this container at create, refuses this " + what +
           "; a container keeps the policy it was created under: create it again with " + kChoices +
           " to choose another";
}

std::vector<Finding> findings_of(const Policy& p, Request& r, std::vector<std::string>& filled) {
    switch (r.stage) {
    case Stage::create:
        if (!r.config)
            fail("policy gate: create without a config");
        filled = apply(p, *r.config, r.facts);
        return evaluate(p, *r.config, r.facts);
    case Stage::exec:
        if (!r.process)
            fail("policy gate: exec without a process");
        filled = apply_process(p, *r.process);
        return evaluate_process(p, *r.process);
    case Stage::update:
        break;
    }
    return {};
}

// Refusal lines of the shape `FIELD contains X, allowed: LIST` that differ
// only in X become one line naming every X: an engine's default config
// breaks a strict policy with a dozen capabilities in three sets, and a
// refusal must stay readable where the engine relays it. The findings
// themselves stay one per value (exec compares them with what create
// warned about).
std::vector<std::string> grouped(const std::vector<std::string>& lines) {
    struct Group {
        std::string head, tail;
        std::vector<std::string> values;
    };
    std::vector<Group> groups;
    for (const auto& line : lines) {
        auto contains_at = line.find(" contains ");
        auto allowed_at = line.find(", allowed: ");
        if (contains_at == std::string::npos || allowed_at == std::string::npos ||
            allowed_at < contains_at) {
            groups.push_back({line, "", {}});
            continue;
        }
        std::string head = line.substr(0, contains_at + 10);
        std::string value = line.substr(contains_at + 10, allowed_at - contains_at - 10);
        std::string tail = line.substr(allowed_at);
        auto same = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
            return !g.values.empty() && g.head == head && g.tail == tail;
        });
        if (same != groups.end())
            same->values.push_back(value);
        else
            groups.push_back({head, tail, {value}});
    }
    std::vector<std::string> out;
    for (const auto& g : groups)
        out.push_back(g.values.empty() ? g.head : g.head + join(g.values, ", ") + g.tail);
    return out;
}

} // namespace

Admission admit(const Effective& e, Request& r) {
    Admission out;
    std::vector<Finding> findings = findings_of(e.policy, r, out.filled);
    findings.insert(findings.end(), r.findings.begin(), r.findings.end());
    std::vector<std::string> refusals;
    for (auto& f : findings) {
        if (f.action == Action::enforce) {
            refusals.push_back(f.message);
            continue;
        }
        if (contains(r.already_warned, f.message))
            log::debug(f.message + " (warned at create)");
        else
            f.rule == "unavailableLimits" ? log::degraded(f.message) : log::warn(f.message);
        out.warnings.push_back(std::move(f));
    }
    if (!refusals.empty())
        fail(refusal_header(e, r.stage) + "\n" + join(grouped(refusals), "\n"));
    for (const auto& line : out.filled)
        log::debug("policy " + quote(e.policy.name) + " filled " + line);
    return out;
}

} // namespace ward::policy
