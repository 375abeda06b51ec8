// An environment for the code that reads one through an EnvLookup
// (ward/base/user_dirs.hpp), so the tests never touch the process's own.
#pragma once

#include "ward/base/user_dirs.hpp"

#include <map>
#include <optional>
#include <string>

namespace ward::test {

inline EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end())
            return std::nullopt;
        return it->second;
    };
}

} // namespace ward::test
