// Fuzz target: the trust parser for bundle signature payloads (ward sign) (see targets.hpp).
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ward::fuzz::parse_one("bundle_payload",
                          std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
