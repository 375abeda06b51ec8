// Policy document ↔ Policy. Strict: unknown rules and keys are errors, so a
// misspelt rule cannot leave a policy weaker than its author believes.
#include "document_reader.hpp"
#include "trust_section.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/policy/policy.hpp"
#include "ward/spec/names.hpp"
#include "ward/spec/unit_properties.hpp"

#include <algorithm>
#include <filesystem>

namespace ward::policy {
namespace {

using json::Value;

void check_capabilities(const std::vector<std::string>& caps, const std::string& path) {
    const auto& known = spec::capability_names();
    for (const auto& cap : caps)
        if (std::find(known.begin(), known.end(), cap) == known.end())
            fail(path + ": " + quote(cap) + " is not a capability");
}

void check_namespaces(const std::vector<std::string>& types, const std::string& path) {
    const auto& known = spec::namespace_types();
    for (const auto& t : types)
        if (std::find(known.begin(), known.end(), t) == known.end())
            fail(path + ": " + quote(t) + " is not a namespace type");
}

// Hook paths are compared as written after lexical normalisation, so an
// allowed entry must itself be absolute and normal ("/usr/bin/hook", not
// "/usr/bin/../bin/hook"), or "*" for every path.
void check_hook_paths(const std::vector<std::string>& paths, const std::string& path) {
    for (const auto& p : paths)
        if (p != "*" &&
            (!p.starts_with('/') || std::filesystem::path(p).lexically_normal().string() != p))
            fail(path + ": " + quote(p) + " is not an absolute path in normal form (or \"*\")");
}

// Unit property names as systemd is given them: an annotation's ...Sec
// name is matched as ...USec, so a ...Sec entry could never match.
void check_unit_properties(const std::vector<std::string>& names, const std::string& path) {
    for (const auto& n : names) {
        if (n == "*")
            continue;
        if (!spec::valid_unit_property_name(n))
            fail(path + ": " + quote(n) + " is not a unit property name (three or more letters)");
        std::string as = spec::unit_property_name(n);
        if (as != n)
            fail(path + ": " + quote(n) + ": list it as " + quote(as) +
                 " (an annotation's ...Sec name is the ...USec property)");
    }
}

template <typename Rule, typename Fn>
void read_rule(DocumentReader& rules, std::string_view key, std::optional<Rule>& out,
               Fn&& fill_in) {
    const Value* v = rules.get(key);
    if (!v)
        return;
    DocumentReader r(*v, rules.at(key));
    Rule rule;
    rule.action = r.action();
    fill_in(r, rule);
    r.done();
    out = std::move(rule);
}

Policy from_json(const Value& doc) {
    DocumentReader top(doc, "");
    Policy p;
    p.name = top.str("name").value_or("");
    if (p.name.empty())
        fail("name: required");
    p.description = top.str("description").value_or("");
    const Value* rules_v = top.get("rules");
    if (const Value* trust = top.get("trust"))
        p.trust = parse_trust_section(*trust, "trust");
    top.done();
    if (!rules_v)
        return p;
    DocumentReader rules(*rules_v, "rules");
    read_rule(rules, "seccomp", p.seccomp, [](DocumentReader& r, SeccompRule& rule) {
        rule.fill = r.str("fill");
        if (rule.fill && rule.fill->empty())
            fail(r.at("fill") + ": a profile name, or leave it out");
    });
    read_rule(rules, "capabilities", p.capabilities, [](DocumentReader& r, CapabilitiesRule& rule) {
        rule.allowed = r.strings("allowed").value_or(std::vector<std::string>{});
        check_capabilities(rule.allowed, r.at("allowed"));
        rule.ambient = r.boolean("ambient").value_or(false);
        rule.fill = r.strings("fill");
        if (rule.fill)
            check_capabilities(*rule.fill, r.at("fill"));
    });
    auto read_true = [](DocumentReader& r, TrueRule& rule) {
        rule.fill = r.boolean("fill").value_or(false);
    };
    read_rule(rules, "noNewPrivileges", p.no_new_privileges, read_true);
    read_rule(rules, "readonlyRoot", p.readonly_root, read_true);
    auto read_paths = [](DocumentReader& r, PathsRule& rule) {
        rule.required = r.strings("required").value_or(std::vector<std::string>{});
        rule.fill = r.boolean("fill").value_or(false);
    };
    read_rule(rules, "maskedPaths", p.masked_paths, read_paths);
    read_rule(rules, "readonlyPaths", p.readonly_paths, read_paths);
    read_rule(rules, "namespaces", p.namespaces, [](DocumentReader& r, NamespacesRule& rule) {
        rule.required = r.strings("required").value_or(std::vector<std::string>{});
        check_namespaces(rule.required, r.at("required"));
        rule.fill = r.strings("fill");
        if (rule.fill)
            check_namespaces(*rule.fill, r.at("fill"));
    });
    auto list = [](const char* key) {
        return [key](DocumentReader& r, ListRule& rule) {
            rule.names = r.strings(key).value_or(std::vector<std::string>{});
        };
    };
    read_rule(rules, "devices", p.devices, list("allowed"));
    read_rule(rules, "hostMounts", p.host_mounts, list("forbidden"));
    read_rule(rules, "mountTypes", p.mount_types, [](DocumentReader& r, ListRule& rule) {
        rule.names = r.strings("allowed").value_or(std::vector<std::string>{});
        for (const auto& type : rule.names)
            if (type.empty())
                fail(r.at("allowed") + ": an empty type");
    });
    read_rule(rules, "sysctls", p.sysctls, list("allowed"));
    read_rule(rules, "mountPropagation", p.mount_propagation, [](DocumentReader&, PlainRule&) {});
    read_rule(rules, "hooks", p.hooks, [](DocumentReader& r, ListRule& rule) {
        rule.names = r.strings("allowed").value_or(std::vector<std::string>{});
        check_hook_paths(rule.names, r.at("allowed"));
    });
    read_rule(rules, "noPivot", p.no_pivot, [](DocumentReader&, PlainRule&) {});
    read_rule(rules, "user", p.user, [](DocumentReader& r, UserRule& rule) {
        rule.allow_root = r.boolean("allowRoot").value_or(true);
    });
    read_rule(rules, "resources", p.resources, [](DocumentReader& r, ListRule& rule) {
        rule.names = r.strings("required").value_or(std::vector<std::string>{});
        for (const auto& n : rule.names)
            if (n != "pids" && n != "memory")
                fail(r.at("required") + ": " + quote(n) + " is not a limit (pids or memory)");
    });
    read_rule(rules, "unavailableLimits", p.unavailable_limits, [](DocumentReader&, PlainRule&) {});
    read_rule(rules, "landlock", p.landlock, [](DocumentReader& r, LandlockRule& rule) {
        rule.fill = r.boolean("fill").value_or(false);
        rule.required = r.boolean("required").value_or(false);
    });
    read_rule(rules, "systemdProperties", p.systemd_properties,
              [](DocumentReader& r, ListRule& rule) {
                  rule.names = r.strings("allowed").value_or(std::vector<std::string>{});
                  check_unit_properties(rule.names, r.at("allowed"));
              });
    rules.done();
    return p;
}

Value strings(const std::vector<std::string>& v) {
    Value a = Value::array();
    for (const auto& s : v)
        a.push(s);
    return a;
}

Value rule_head(Action action) {
    Value r = Value::object();
    r.set("action", action_name(action));
    return r;
}

} // namespace

const char* action_name(Action action) {
    return action == Action::enforce ? "enforce" : "warn";
}

Policy parse_policy(std::string_view text, std::string_view source) {
    return with_context(source, [&] { return from_json(json::parse(text)); });
}

// Same key order as the shipped files, so `ward policy show` reads like them.
Value policy_to_json(const Policy& p) {
    Value doc = Value::object();
    doc.set("name", p.name);
    if (!p.description.empty())
        doc.set("description", p.description);
    Value rules = Value::object();
    if (p.seccomp) {
        Value r = rule_head(p.seccomp->action);
        if (p.seccomp->fill)
            r.set("fill", *p.seccomp->fill);
        rules.set("seccomp", r);
    }
    if (p.capabilities) {
        Value r = rule_head(p.capabilities->action);
        r.set("allowed", strings(p.capabilities->allowed));
        r.set("ambient", p.capabilities->ambient);
        if (p.capabilities->fill)
            r.set("fill", strings(*p.capabilities->fill));
        rules.set("capabilities", r);
    }
    auto set_true = [&](const char* key, const std::optional<TrueRule>& rule) {
        if (!rule)
            return;
        Value r = rule_head(rule->action);
        r.set("fill", rule->fill);
        rules.set(key, r);
    };
    set_true("noNewPrivileges", p.no_new_privileges);
    set_true("readonlyRoot", p.readonly_root);
    auto set_paths = [&](const char* key, const std::optional<PathsRule>& rule) {
        if (!rule)
            return;
        Value r = rule_head(rule->action);
        r.set("required", strings(rule->required));
        r.set("fill", rule->fill);
        rules.set(key, r);
    };
    set_paths("maskedPaths", p.masked_paths);
    set_paths("readonlyPaths", p.readonly_paths);
    if (p.namespaces) {
        Value r = rule_head(p.namespaces->action);
        r.set("required", strings(p.namespaces->required));
        if (p.namespaces->fill)
            r.set("fill", strings(*p.namespaces->fill));
        rules.set("namespaces", r);
    }
    auto set_list = [&](const char* key, const char* member, const std::optional<ListRule>& rule) {
        if (!rule)
            return;
        Value r = rule_head(rule->action);
        r.set(member, strings(rule->names));
        rules.set(key, r);
    };
    set_list("devices", "allowed", p.devices);
    set_list("hostMounts", "forbidden", p.host_mounts);
    set_list("mountTypes", "allowed", p.mount_types);
    set_list("sysctls", "allowed", p.sysctls);
    if (p.mount_propagation)
        rules.set("mountPropagation", rule_head(p.mount_propagation->action));
    set_list("hooks", "allowed", p.hooks);
    if (p.no_pivot)
        rules.set("noPivot", rule_head(p.no_pivot->action));
    if (p.user) {
        Value r = rule_head(p.user->action);
        r.set("allowRoot", p.user->allow_root);
        rules.set("user", r);
    }
    set_list("resources", "required", p.resources);
    if (p.unavailable_limits)
        rules.set("unavailableLimits", rule_head(p.unavailable_limits->action));
    if (p.landlock) {
        Value r = rule_head(p.landlock->action);
        r.set("fill", p.landlock->fill);
        if (p.landlock->required)
            r.set("required", true);
        rules.set("landlock", r);
    }
    set_list("systemdProperties", "allowed", p.systemd_properties);
    doc.set("rules", rules);
    if (p.trust)
        doc.set("trust", trust_section_to_json(*p.trust));
    return doc;
}

} // namespace ward::policy
