// Lets Boost.Test print json::Value in failure messages.
#pragma once

#include "ward/json/json.hpp"

#include <ostream>

namespace ward::json {

inline std::ostream& operator<<(std::ostream& os, const Value& v) {
    return os << serialize(v);
}

} // namespace ward::json
