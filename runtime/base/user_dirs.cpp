#include "ward/base/user_dirs.hpp"

#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"

#include <cstdlib>
#include <unistd.h>

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

std::optional<uid_t> outer_id(std::string_view id_map, uid_t id) {
    for (const auto& line : split(id_map, '\n')) {
        std::vector<std::string> fields;
        for (const auto& f : split(line, ' '))
            if (!f.empty())
                fields.push_back(f);
        if (fields.size() != 3)
            continue;
        auto inside = parse_uint(fields[0]);
        auto outside = parse_uint(fields[1]);
        auto count = parse_uint(fields[2]);
        if (!inside || !outside || !count)
            continue;
        if (id >= *inside && id - *inside < *count)
            return static_cast<uid_t>(*outside + (id - *inside));
    }
    return std::nullopt;
}

uid_t host_euid() {
    uid_t euid = ::geteuid();
    std::string map;
    try {
        map = read_file("/proc/self/uid_map");
    } catch (const Error&) {
        return euid; // no procfs: taken as the host's namespace
    }
    auto outer = outer_id(map, euid);
    if (!outer)
        fail("uid " + std::to_string(euid) + " is not mapped in /proc/self/uid_map");
    return *outer;
}

} // namespace ward
