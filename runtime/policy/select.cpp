// Which policy applies: --policy FILE, else $WARD_POLICY, else
// /etc/ward/policy.json, else the built-in hardened one. A named file that
// cannot be read or parsed is an error, never a fallback: falling back to
// another policy would run containers under rules nobody chose.
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/policy/policy.hpp"

#include <cstdlib>
#include <filesystem>

namespace ward::policy {
namespace {

constexpr const char* kSystemPolicy = "/etc/ward/policy.json";

Effective from_file(const std::string& path, std::string source) {
    std::string text = with_context("policy", [&] { return read_file(path); });
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

} // namespace ward::policy
