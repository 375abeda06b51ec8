// Fuzz target: state.json as the state dir reads it (container/state_json.cpp) (see
// runtime_targets.hpp).
#include "runtime_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ward::fuzz::state_document(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
