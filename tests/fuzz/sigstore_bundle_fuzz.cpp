// Fuzz target: the trust parser for Sigstore bundles v0.3 and their in-toto statements (see
// targets.hpp).
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ward::fuzz::parse_one("sigstore_bundle",
                          std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
