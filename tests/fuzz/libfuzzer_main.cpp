// One libFuzzer binary per parser: built by `make fuzz` with
// -DWARD_FUZZ_TARGET=\"index\" (or manifest, config, payload, digest).
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ward::fuzz::parse_one(WARD_FUZZ_TARGET,
                          std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
