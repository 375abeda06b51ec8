// Fuzz target: the policy document parser (policy/parse.cpp), with its round trip (see
// runtime_targets.hpp).
#include "runtime_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ward::fuzz::policy_document(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
