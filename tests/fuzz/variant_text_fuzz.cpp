// Fuzz target: the GVariant text reader of org.systemd.property.* annotation
// values (dbus/variant_text.cpp), then marshalling what it read (see
// runtime_targets.hpp).
#include "runtime_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ward::fuzz::variant_text(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
