#include "ward/seccomp/profiles.hpp"

#include "embedded.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/json/json.hpp"
#include "ward/spec/parse.hpp"

#include <algorithm>
#include <span>

namespace ward::seccomp {
namespace {

const embedded::Profile* find_text(std::string_view name) {
    for (std::size_t i = 0; i < embedded::kProfileCount; ++i)
        if (name == embedded::kProfiles[i].name)
            return &embedded::kProfiles[i];
    return nullptr;
}

[[noreturn]] void fail_unknown(std::string_view name) {
    std::string known;
    for (const auto& n : builtin_profile_names())
        known += (known.empty() ? "" : ", ") + n;
    fail("seccomp profile " + quote(std::string(name)) + " is not built in (built in: " + known +
         ")");
}

std::string text_of(embedded::Text text) {
    return std::string(embedded::kSpecText + text.offset, text.length);
}

std::vector<std::string> strings_of(uint32_t first, uint32_t count) {
    std::vector<std::string> out;
    out.reserve(count);
    for (const auto& text : std::span(embedded::kSpecStrings + first, count))
        out.push_back(text_of(text));
    return out;
}

// The section from the build's tables: the very fields spec's parser made
// of the profile's JSON at build time (tools/precompile-profiles.cpp).
spec::Seccomp from_tables(const embedded::ProfileSpec& p) {
    spec::Seccomp s;
    s.default_action = text_of(p.default_action);
    if (p.has_default_errno)
        s.default_errno_ret = p.default_errno_ret;
    s.architectures = strings_of(p.first_architecture, p.architecture_count);
    s.flags = strings_of(p.first_flag, p.flag_count);
    s.syscalls.reserve(p.rule_count);
    for (const auto& rule : std::span(embedded::kSpecRules + p.first_rule, p.rule_count)) {
        spec::SeccompSyscall& out = s.syscalls.emplace_back();
        out.names = strings_of(rule.first_name, rule.name_count);
        out.action = text_of(rule.action);
        if (rule.has_errno)
            out.errno_ret = rule.errno_ret;
        out.args.reserve(rule.arg_count);
        for (const auto& arg : std::span(embedded::kSpecArgs + rule.first_arg, rule.arg_count))
            out.args.push_back(
                spec::SeccompArg{arg.index, arg.value, arg.value_two, text_of(arg.op)});
    }
    s.builtin_profile = text_of(p.name);
    return s;
}

} // namespace

std::optional<std::string_view> builtin_profile(std::string_view name) {
    const embedded::Profile* profile = find_text(name);
    if (!profile)
        return std::nullopt;
    return std::string_view(profile->json);
}

std::vector<std::string> builtin_profile_names() {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < embedded::kProfileCount; ++i)
        names.emplace_back(embedded::kProfiles[i].name);
    std::sort(names.begin(), names.end());
    return names;
}

spec::Seccomp parse_builtin_profile(std::string_view name) {
    std::optional<std::string_view> text = builtin_profile(name);
    if (!text)
        fail_unknown(name);
    // spec's parser reads whole configs: wrap the profile as the
    // linux.seccomp of one, so a profile is checked exactly like a config's.
    json::Value linux = json::Value::object();
    linux.set("seccomp", json::parse(*text));
    json::Value doc = json::Value::object();
    doc.set("ociVersion", json::Value(std::string(spec::kOciVersion)));
    doc.set("linux", std::move(linux));
    spec::Spec parsed = spec::spec_from_json(doc, "seccomp profile " + quote(std::string(name)));
    spec::Seccomp profile = std::move(*parsed.linux->seccomp);
    profile.builtin_profile = std::string(name); // the init loads its precompiled program
    return profile;
}

spec::Seccomp builtin_profile_spec(std::string_view name) {
    for (const auto& p : std::span(embedded::kProfileSpecs, embedded::kProfileSpecCount))
        if (name == text_of(p.name))
            return from_tables(p);
    // Not in the tables: the build-time tool itself, which makes them.
    return parse_builtin_profile(name);
}

std::optional<spec::Seccomp> find_builtin_profile(std::string_view name) {
    if (!builtin_profile(name))
        return std::nullopt;
    return builtin_profile_spec(name);
}

} // namespace ward::seccomp
