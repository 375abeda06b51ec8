// Which policy applies: --policy FILE, else $WARD_POLICY, else
// /etc/ward/policy.json, else the built-in hardened one. A named file that
// cannot be read or parsed is an error, never a fallback: falling back to
// another policy would run containers under rules nobody chose.
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/policy/policy.hpp"

#include <cstdlib>
#include <filesystem>

namespace ward::policy {
namespace {

constexpr const char* kSystemPolicy = "/etc/ward/policy.json";

Effective from_file(const std::string& path, std::string source) {
    std::string text = with_context("policy", [&] { return read_document(path); });
    return {parse_policy(text, path), std::move(source)};
}

} // namespace

Effective select_policy(const std::string& flag_file) {
    if (!flag_file.empty())
        return from_file(flag_file, "--policy " + flag_file);
    if (const char* env = std::getenv("WARD_POLICY"); env && *env)
        return from_file(env, std::string("WARD_POLICY=") + env);
    std::error_code ec;
    if (std::filesystem::exists(kSystemPolicy, ec))
        return from_file(kSystemPolicy, kSystemPolicy);
    return {parse_policy(builtin_hardened_text(), "built-in policy"), "built-in"};
}

// Only an explicit choice is worth a word: /etc/ward/policy.json is the
// host's default, not something the caller asked for. The same document
// under another path is no conflict either (engines that set WARD_POLICY
// for every call would otherwise see this on every exec).
std::optional<std::string> ignored_selection(const std::string& flag_file, const Policy& recorded,
                                             std::string_view verb) {
    const char* env = std::getenv("WARD_POLICY");
    if (flag_file.empty() && !(env && *env))
        return std::nullopt;
    std::string given =
        !flag_file.empty() ? "--policy " + flag_file : std::string("WARD_POLICY=") + env;
    std::string named;
    try {
        Effective chosen = select_policy(flag_file);
        if (json::serialize(policy_to_json(chosen.policy)) ==
            json::serialize(policy_to_json(recorded)))
            return std::nullopt;
        named = " (policy " + quote(chosen.policy.name) + ")";
    } catch (const Error& e) {
        named = " (" + std::string(e.what()) + ")";
    }
    return given + named + " is ignored: " + std::string(verb) + " evaluates against policy " +
           quote(recorded.name) + ", recorded for this container at create";
}

} // namespace ward::policy
