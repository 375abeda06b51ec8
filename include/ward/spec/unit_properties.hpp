// org.systemd.property.NAME annotations: unit properties a config asks the
// systemd cgroup driver to set on the container's scope (runc's
// convention, which CRI-O and podman write). Read here, the one place both
// the policy (which names a config may set) and the driver (the values)
// take them from.
#pragma once

#include "ward/spec/config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ward::spec {

inline constexpr std::string_view kUnitPropertyPrefix = "org.systemd.property.";

struct UnitPropertyAnnotation {
    std::string key; // the annotation: "org.systemd.property.TimeoutStopSec"
    // The property systemd is given: NAME, except that a NAME ending in a
    // lowercase letter and "Sec" (as systemd's documentation spells time
    // settings) becomes that name with "USec", its value converted from
    // seconds, as runc does: "TimeoutStopSec" → "TimeoutStopUSec".
    std::string property;
    bool seconds = false; // NAME was such a ...Sec name
    std::string value;    // GVariant text (dbus/variant_text.hpp)
};

// The property systemd is given for NAME (the ...Sec rule above).
std::string unit_property_name(std::string_view name);

// Every annotation with the prefix, in key order; NAME is not checked here.
std::vector<UnitPropertyAnnotation> unit_property_annotations(const Spec& spec);

// runc's rule for NAME: three or more ASCII letters, nothing else.
bool valid_unit_property_name(std::string_view name);

} // namespace ward::spec
