// Fuzz target: seccomp profile files (seccomp/profile_file, moby_profile), compiled when small (see
// runtime_targets.hpp).
#include "runtime_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ward::fuzz::seccomp_profile(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
