// profile show / profile diff: what a profile really allows, decoded from
// the program libseccomp compiles it to (seccomp/analysis.hpp), with the
// argument conditions read back from the profile itself.
#include "profile_actions.hpp"
#include "table.hpp"
#include "ward/base/strings.hpp"
#include "ward/seccomp/analysis.hpp"
#include "ward/seccomp/filter.hpp"
#include "ward/spec/names.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace ward::cli {

namespace {

struct Options {
    seccomp::ProfileSource source;
    bool arch_given = false;
    bool json = false;
};

// --caps SYS_ADMIN,cap_net_raw → CAP_SYS_ADMIN, CAP_NET_RAW (checked names).
std::vector<std::string> parse_caps(const std::string& list) {
    std::vector<std::string> caps;
    for (auto& word : split(list, ',')) {
        if (word.empty())
            continue;
        std::string cap = word;
        std::transform(cap.begin(), cap.end(), cap.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        if (!cap.starts_with("CAP_"))
            cap = "CAP_" + cap;
        if (!spec::capability_number(cap))
            throw UsageError("profile", "ward: --caps: " + quote(word) + " is not a capability");
        caps.push_back(cap);
    }
    return caps;
}

Options options_of(const VerbArgs& args) {
    Options o;
    if (auto caps = args.parsed.value("caps"))
        o.source.capabilities = parse_caps(*caps);
    if (auto arch = args.parsed.value("arch")) {
        const auto& known = seccomp::architecture_names();
        if (std::find(known.begin(), known.end(), *arch) == known.end())
            throw UsageError("profile", "ward: --arch: " + quote(*arch) +
                                            " is not a seccomp architecture (SCMP_ARCH_X86_64, "
                                            "SCMP_ARCH_AARCH64, ...)");
        o.source.arch = *arch;
        o.arch_given = true;
    }
    std::string format = args.parsed.value("format").value_or("table");
    if (format != "table" && format != "json")
        throw UsageError("profile", "ward: --format: " + quote(format) + ": want table or json");
    o.json = format == "json";
    return o;
}

std::string number(uint64_t v) {
    if (v < 4096)
        return std::to_string(v);
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string action_text(const std::string& action, std::optional<uint32_t> errno_ret) {
    if (action == "SCMP_ACT_ERRNO")
        return "SCMP_ACT_ERRNO(" + std::to_string(errno_ret.value_or(1)) + ")";
    if (action == "SCMP_ACT_TRACE")
        return "SCMP_ACT_TRACE(" + std::to_string(errno_ret.value_or(0)) + ")";
    if (action == "SCMP_ACT_KILL")
        return "SCMP_ACT_KILL_THREAD";
    return action;
}

std::string arg_text(const spec::SeccompArg& a) {
    std::string arg = "arg" + std::to_string(a.index);
    if (a.op == "SCMP_CMP_MASKED_EQ")
        return arg + " & " + number(a.value) + " == " + number(a.value_two);
    static const std::pair<const char*, const char*> ops[] = {
        {"SCMP_CMP_NE", "!="}, {"SCMP_CMP_LT", "<"},  {"SCMP_CMP_LE", "<="},
        {"SCMP_CMP_EQ", "=="}, {"SCMP_CMP_GE", ">="}, {"SCMP_CMP_GT", ">"},
    };
    for (const auto& [op, symbol] : ops)
        if (a.op == op)
            return arg + " " + symbol + " " + number(a.value);
    return arg + " " + a.op + " " + number(a.value);
}

// The profile's rules for `name` that test arguments: "ACTION if A and B".
std::vector<std::string> conditions(const spec::Seccomp& profile, const std::string& name) {
    std::vector<std::string> out;
    for (const auto& rule : profile.syscalls) {
        if (rule.args.empty() ||
            std::find(rule.names.begin(), rule.names.end(), name) == rule.names.end())
            continue;
        std::string text = action_text(rule.action, rule.errno_ret) + " if ";
        for (std::size_t i = 0; i < rule.args.size(); ++i)
            text += (i ? " and " : "") + arg_text(rule.args[i]);
        out.push_back(text);
    }
    return out;
}

json::Value strings_json(const std::vector<std::string>& items) {
    json::Value out = json::Value::array();
    for (const auto& s : items)
        out.push(json::Value(s));
    return out;
}

std::string joined(const std::vector<std::string>& items, const char* sep = ", ") {
    std::string out;
    for (const auto& s : items)
        out += (out.empty() ? "" : sep) + s;
    return out;
}

// Names wrapped into lines of at most ~96 columns, indented.
std::string wrapped(const std::vector<std::string>& names, const std::string& indent) {
    std::string out, line;
    for (const auto& n : names) {
        if (!line.empty() && line.size() + 1 + n.size() > 96) {
            out += indent + line + "\n";
            line.clear();
        }
        line += (line.empty() ? "" : " ") + n;
    }
    if (!line.empty())
        out += indent + line + "\n";
    return out;
}

const seccomp::DangerousSyscall* dangerous(const std::string& name) {
    for (const auto& d : seccomp::dangerous_syscalls())
        if (d.name == name)
            return &d;
    return nullptr;
}

struct Loaded {
    std::string name;
    spec::Seccomp profile;
    seccomp::Decoded decoded;
};

Loaded load(const std::string& name, const Options& o) {
    Loaded l{name, seccomp::load_profile(name, o.source), {}};
    l.decoded = seccomp::analyse(l.profile);
    if (o.arch_given)
        std::erase_if(l.decoded.arches,
                      [&](const seccomp::ArchVerdicts& a) { return a.arch != o.source.arch; });
    return l;
}

std::string show_arch_table(const Loaded& l, const seccomp::ArchVerdicts& arch) {
    std::vector<std::string> allowed;
    std::vector<TableRow> conditional, risky;
    int denied = 0;
    for (const auto& v : arch.syscalls) {
        std::string name = v.name.empty() ? "#" + std::to_string(v.nr) : v.name;
        if (v.outcome == seccomp::Outcome::deny) {
            denied += !v.name.empty();
            continue;
        }
        if (v.outcome == seccomp::Outcome::allow)
            allowed.push_back(name);
        else
            conditional.push_back({"    " + name, joined(conditions(l.profile, v.name), "; ") +
                                                      " (returns " + joined(v.actions) + ")"});
        if (const auto* d = dangerous(v.name))
            risky.push_back({"    " + name, seccomp::outcome_name(v.outcome), std::string(d->why)});
    }
    std::string out = arch.arch + ": " + std::to_string(allowed.size()) + " allowed, " +
                      std::to_string(conditional.size()) + " conditional, " +
                      std::to_string(denied) + " denied; any other number: " + arch.default_action +
                      "\n";
    out += "  allowed:\n" + wrapped(allowed, "    ");
    if (!conditional.empty())
        out += "  conditional (allowed for some arguments):\n" + format_table(conditional);
    out += "  dangerous syscalls allowed: " + std::to_string(risky.size()) + "\n";
    if (!risky.empty())
        out += format_table(risky);
    return out;
}

json::Value show_json(const Loaded& l) {
    json::Value out = json::Value::object();
    out.set("profile", json::Value(l.name));
    out.set("defaultAction",
            json::Value(action_text(l.profile.default_action, l.profile.default_errno_ret)));
    json::Value decoded = seccomp::to_json(l.decoded);
    for (auto& arch_json : decoded.find("architectures")->as_array()) {
        json::Value risky = json::Value::array();
        for (auto& entry : arch_json.find("syscalls")->as_array()) {
            const std::string& name = entry.find("name")->as_string();
            const std::string& outcome = entry.find("outcome")->as_string();
            if (outcome == "conditional")
                entry.set("conditions", strings_json(conditions(l.profile, name)));
            const auto* d = dangerous(name);
            if (d && outcome != "deny") {
                json::Value item = json::Value::object();
                item.set("name", json::Value(name));
                item.set("outcome", json::Value(outcome));
                item.set("why", json::Value(d->why));
                risky.push(std::move(item));
            }
        }
        arch_json.set("dangerous", std::move(risky));
    }
    out.set("otherArchAction", *decoded.find("otherArchAction"));
    out.set("architectures", std::move(*decoded.find("architectures")));
    return out;
}

} // namespace

int profile_show(const Context&, const VerbArgs& args) {
    const auto& words = args.parsed.positionals;
    if (words.size() != 2)
        throw UsageError("profile", "ward: \"profile show\" requires one profile (a file or a "
                                    "built-in name)");
    Options o = options_of(args);
    Loaded l = load(words[1], o);
    if (o.json) {
        print_out(json::serialize(show_json(l), json::Style::pretty) + "\n");
        return 0;
    }
    std::string out = "profile " + l.name + "\n" + "default action " +
                      action_text(l.profile.default_action, l.profile.default_errno_ret) +
                      "; architectures it does not name: " + l.decoded.other_arch_action + "\n";
    if (l.decoded.arches.empty())
        out += "no architecture is let through" +
               std::string(o.arch_given ? " (of " + o.source.arch + ")" : "") + "\n";
    for (const auto& arch : l.decoded.arches)
        out += "\n" + show_arch_table(l, arch);
    print_out(out);
    return 0;
}

namespace {

std::string side_text(seccomp::Outcome outcome, const std::vector<std::string>& actions) {
    return std::string(seccomp::outcome_name(outcome)) + " (" + joined(actions) + ")";
}

json::Value change_json(const seccomp::SyscallChange& c, const Loaded& a, const Loaded& b) {
    json::Value out = json::Value::object();
    out.set("name", json::Value(c.name));
    out.set("nr", json::Value(c.nr));
    out.set("a", json::Value(seccomp::outcome_name(c.a)));
    out.set("b", json::Value(seccomp::outcome_name(c.b)));
    out.set("aActions", strings_json(c.a_actions));
    out.set("bActions", strings_json(c.b_actions));
    if (c.a == seccomp::Outcome::conditional)
        out.set("aConditions", strings_json(conditions(a.profile, c.name)));
    if (c.b == seccomp::Outcome::conditional)
        out.set("bConditions", strings_json(conditions(b.profile, c.name)));
    return out;
}

std::string changes_table(const std::vector<seccomp::SyscallChange>& changes, const Loaded& a,
                          const Loaded& b) {
    std::vector<TableRow> rows;
    for (const auto& c : changes) {
        rows.push_back({"    " + c.name, "A: " + side_text(c.a, c.a_actions),
                        "B: " + side_text(c.b, c.b_actions)});
        for (const auto& cond : conditions(a.profile, c.name))
            if (c.a == seccomp::Outcome::conditional)
                rows.push_back({"", "  A: " + cond, ""});
        for (const auto& cond : conditions(b.profile, c.name))
            if (c.b == seccomp::Outcome::conditional)
                rows.push_back({"", "  B: " + cond, ""});
    }
    return format_table(rows);
}

} // namespace

int profile_diff(const Context&, const VerbArgs& args) {
    const auto& words = args.parsed.positionals;
    if (words.size() != 3)
        throw UsageError("profile", "ward: \"profile diff\" requires two profiles");
    Options o = options_of(args);
    Loaded a = load(words[1], o), b = load(words[2], o);
    auto diffs = seccomp::diff(a.decoded, b.decoded);
    if (o.json) {
        json::Value arches = json::Value::array();
        for (const auto& d : diffs) {
            json::Value entry = json::Value::object();
            entry.set("arch", json::Value(d.arch));
            entry.set("aDefault", json::Value(d.a_default));
            entry.set("bDefault", json::Value(d.b_default));
            entry.set("defaultDiffers", json::Value(d.default_differs));
            for (auto [key, list] : {std::pair{"onlyA", &d.only_a}, std::pair{"onlyB", &d.only_b},
                                     std::pair{"changed", &d.changed},
                                     std::pair{"deniedDifferently", &d.denied_differently}}) {
                json::Value items = json::Value::array();
                for (const auto& c : *list)
                    items.push(change_json(c, a, b));
                entry.set(key, std::move(items));
            }
            arches.push(std::move(entry));
        }
        json::Value out = json::Value::object();
        out.set("a", json::Value(a.name));
        out.set("b", json::Value(b.name));
        out.set("architectures", std::move(arches));
        print_out(json::serialize(out, json::Style::pretty) + "\n");
        return 0;
    }
    std::string out = "A " + a.name + "\nB " + b.name + "\n";
    for (const auto& d : diffs) {
        out += "\n" + d.arch + ": " + std::to_string(d.only_a.size()) + " only A allows, " +
               std::to_string(d.only_b.size()) + " only B allows, " +
               std::to_string(d.changed.size()) + " allowed differently, " +
               std::to_string(d.denied_differently.size()) + " denied differently\n";
        out += d.default_differs
                   ? "  default action: A " + d.a_default + ", B " + d.b_default + "\n"
                   : "  default action (both): " + d.a_default + "\n";
        if (!d.only_a.empty())
            out += "  allowed by A, not B:\n" + changes_table(d.only_a, a, b);
        if (!d.only_b.empty())
            out += "  allowed by B, not A:\n" + changes_table(d.only_b, a, b);
        if (!d.changed.empty())
            out += "  allowed by both, differently:\n" + changes_table(d.changed, a, b);
        if (!d.denied_differently.empty())
            out += "  denied by both, differently:\n" + changes_table(d.denied_differently, a, b);
    }
    if (diffs.empty())
        out += "\nneither lets any architecture through\n";
    print_out(out);
    return 0;
}

} // namespace ward::cli
