// Typed member access for the strict JSON readers of trust/ (OCI documents,
// Sigstore bundles): every error names the document and the JSON path,
// `WHAT: layers[1].digest: expected string, got number`. Private to trust/.
#pragma once

#include "ward/json/json.hpp"

#include <string>
#include <string_view>

namespace ward::trust::fields {

[[noreturn]] void bad(const std::string& what, const std::string& path, const std::string& msg);

// `bytes` parsed as JSON; anything but an object is refused.
json::Value parse_object(std::string_view bytes, const std::string& what);

// obj[key] of `type`; nullptr when absent and not `required`.
const json::Value* member(const json::Value& obj, std::string_view key, const std::string& what,
                          const std::string& path, json::Type type, bool required);

// obj[key] as a string; "" when absent and not `required`.
std::string string_member(const json::Value& obj, std::string_view key, const std::string& what,
                          const std::string& path, bool required);

} // namespace ward::trust::fields
