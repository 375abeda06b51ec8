// The hook through which apply() fills a missing seccomp section with a
// built-in profile. policy/ sits below seccomp/ (which owns the profiles),
// so the CLI installs seccomp::find_builtin_profile here at startup.
#include "ward/policy/policy.hpp"

namespace ward::policy {
namespace {

ProfileProvider g_provider = nullptr;

} // namespace

void set_profile_provider(ProfileProvider provider) {
    g_provider = provider;
}

std::optional<spec::Seccomp> builtin_profile(std::string_view name) {
    if (!g_provider)
        return std::nullopt;
    return g_provider(name);
}

} // namespace ward::policy
