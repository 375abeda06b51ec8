// Small string helpers shared by every module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ward {

std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
bool starts_with(std::string_view s, std::string_view prefix);
std::string_view trim(std::string_view s);

// Parses a whole decimal integer; nullopt on junk or overflow.
std::optional<int64_t> parse_int(std::string_view s);
std::optional<uint64_t> parse_uint(std::string_view s);

// True when `s` is valid UTF-8 (no overlong forms, surrogates or code
// points past U+10FFFF): file records keep names as JSON strings, and a
// name they could not keep exactly could not be checked later.
bool valid_utf8(std::string_view s);

// Quotes for messages: "value" with control characters escaped.
std::string quote(std::string_view s);

// RFC 3339 UTC with nanoseconds, e.g. 2026-11-23T08:25:16.123456789Z
std::string rfc3339_now(bool nanoseconds = true);

// Appends `s` as a quoted JSON string the way Go's encoder writes it:
// control characters escaped, invalid UTF-8 bytes as \ufffd, so the text
// is always valid JSON. Shared by json/ and the JSON log lines of base/log.
void append_json_string(std::string& out, std::string_view s);

} // namespace ward
