// Shared by the device filter's unit and integration tests: rules written
// the way a config writes them, and the standard set appended as create
// appends it.
#pragma once

#include "ward/cgroups/device_filter.hpp"

#include <string>
#include <vector>

namespace device_test {

using ward::cgroups::DeviceRule;

// rule(true, 'c', 1, 3, "rw"): -1 for a wildcard major or minor.
inline DeviceRule rule(bool allow, char type, int64_t major, int64_t minor,
                       const std::string& access) {
    unsigned bits = 0;
    for (char c : access)
        bits |= c == 'r'   ? ward::cgroups::kDevRead
                : c == 'w' ? ward::cgroups::kDevWrite
                           : ward::cgroups::kDevMknod;
    return DeviceRule{allow, type, major, minor, bits};
}

inline std::vector<DeviceRule> with_standard(std::vector<DeviceRule> rules) {
    const auto& standard = ward::cgroups::standard_device_rules();
    rules.insert(rules.end(), standard.begin(), standard.end());
    return rules;
}

inline std::vector<bpf_insn> compile(const std::vector<DeviceRule>& rules) {
    return ward::cgroups::compile_device_filter(ward::cgroups::reduce_device_rules(rules));
}

// "allow c 1:3 rw; ..." for failure messages.
inline std::string describe(const std::vector<DeviceRule>& rules) {
    std::string out;
    for (const auto& r : rules)
        out += to_string(r) + "; ";
    return out;
}

} // namespace device_test
