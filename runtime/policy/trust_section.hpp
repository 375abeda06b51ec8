// The trust section's parser and writer, for parse.cpp (the document's
// other half); TrustSection itself is public (ward/policy/trust.hpp).
#pragma once

#include "ward/json/json.hpp"
#include "ward/policy/trust.hpp"

#include <string>

namespace ward::policy {

TrustSection parse_trust_section(const json::Value& v, const std::string& path);
json::Value trust_section_to_json(const TrustSection& trust);

} // namespace ward::policy
