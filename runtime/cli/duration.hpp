// Go's time.ParseDuration syntax, which runc's duration flags take
// (`events --interval 5s`, "1m30s", "1.5h", "300ms", "-2s", "0").
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace ward::cli {

// nullopt for anything Go would refuse (no unit, unknown unit, overflow).
std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text);

} // namespace ward::cli
