#include "ward/base/user_dirs.hpp"

#include "ward/base/error.hpp"

#include <cstdlib>

namespace ward {
namespace {

// A variable that names an absolute directory; a relative or empty one is
// ignored, as the XDG base directory specification says.
std::optional<std::string> absolute_dir(const EnvLookup& env, const std::string& name) {
    auto value = env(name);
    if (!value || value->empty() || value->front() != '/')
        return std::nullopt;
    while (value->size() > 1 && value->back() == '/')
        value->pop_back();
    return value;
}

} // namespace

EnvLookup process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (!value)
            return std::nullopt;
        return std::string(value);
    };
}

std::string default_state_root(uid_t euid, const EnvLookup& env) {
    if (euid != 0)
        if (auto runtime_dir = absolute_dir(env, "XDG_RUNTIME_DIR"))
            return *runtime_dir + "/ward";
    return "/run/ward";
}

std::string default_store_root(uid_t euid, const EnvLookup& env) {
    if (euid == 0)
        return "/var/lib/ward";
    if (auto data_home = absolute_dir(env, "XDG_DATA_HOME"))
        return *data_home + "/ward";
    if (auto home = absolute_dir(env, "HOME"))
        return *home + "/.local/share/ward";
    fail("image store: ward runs as uid " + std::to_string(euid) +
         " and neither XDG_DATA_HOME nor HOME names an absolute directory for its store; "
         "give one with --store or WARD_STORE");
}

} // namespace ward
