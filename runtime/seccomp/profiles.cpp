#include "ward/seccomp/profiles.hpp"

#include "embedded.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/json/json.hpp"
#include "ward/spec/parse.hpp"

#include <algorithm>
#include <map>

namespace ward::seccomp {
namespace {

// Built once: std::string copies so callers get stable pointers and sizes.
const std::map<std::string, std::string, std::less<>>& table() {
    static const auto profiles = [] {
        std::map<std::string, std::string, std::less<>> m;
        for (std::size_t i = 0; i < embedded::kProfileCount; ++i)
            m.emplace(embedded::kProfiles[i].name, embedded::kProfiles[i].json);
        return m;
    }();
    return profiles;
}

} // namespace

const std::string* builtin_profile(std::string_view name) {
    auto it = table().find(name);
    return it == table().end() ? nullptr : &it->second;
}

std::vector<std::string> builtin_profile_names() {
    std::vector<std::string> names;
    for (const auto& [name, text] : table())
        names.push_back(name);
    return names;
}

spec::Seccomp builtin_profile_spec(std::string_view name) {
    const std::string* text = builtin_profile(name);
    if (!text) {
        std::string known;
        for (const auto& n : builtin_profile_names())
            known += (known.empty() ? "" : ", ") + n;
        fail("seccomp profile " + quote(std::string(name)) +
             " is not built in (built in: " + known + ")");
    }
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

std::optional<spec::Seccomp> find_builtin_profile(std::string_view name) {
    if (!builtin_profile(name))
        return std::nullopt;
    return builtin_profile_spec(name);
}

} // namespace ward::seccomp
