// Standard base64 (RFC 4648 with padding), as cosign writes signatures.
// Private to trust/.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ward::trust {

std::string base64_encode(std::string_view data);
// Strict: only the standard alphabet, padding to a multiple of 4, no
// whitespace inside; nullopt on anything else.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace ward::trust
