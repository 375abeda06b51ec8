// Fuzz target: the OCI config.json parser (spec/), and writing the result back (see
// runtime_targets.hpp).
#include "runtime_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ward::fuzz::runtime_config(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
