// Signal names: "KILL", "SIGKILL", "9" → 9, as runc's kill accepts them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ward::linux {

std::optional<int> parse_signal(std::string_view text);
std::string signal_name(int signal); // "SIGKILL"

} // namespace ward::linux
