// org.systemd.property.* annotations → unit properties, passed through as
// runc passes them (the value is GVariant text; a ...Sec name, in seconds,
// becomes the ...USec property in microseconds), then the whole list a
// scope is started with. Which names a config may set is the policy's
// systemdProperties rule, judged before create gets here.
#include "ward/base/error.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/cgroups/systemd.hpp"
#include "ward/dbus/variant_text.hpp"
#include "ward/spec/unit_properties.hpp"

#include <algorithm>
#include <cmath>

namespace ward::cgroups {

namespace {

std::string field(const spec::UnitPropertyAnnotation& a) {
    return "annotations[" + quote(a.key) + "]";
}

// What makes the scope the one ward works on: where it is (the slice is
// linux.cgroupsPath's), who is in it (the holder, then the init) and that
// its cgroup is ward's to write (delegation). An annotation changing one
// would move host processes into the container's cgroup or leave ward
// writing a cgroup that is not its own, whatever the policy allows.
const char* owned_by_ward(std::string_view name) {
    if (name == "Slice")
        return "the slice is linux.cgroupsPath's";
    if (name == "PIDs")
        return "the scope holds the container's processes only";
    if (name.starts_with("Delegate"))
        return "the scope's cgroup is delegated to ward";
    return nullptr;
}

// A number of seconds as microseconds (runc's conversion for ...Sec names).
std::uint64_t microseconds(const spec::UnitPropertyAnnotation& a, const dbus::Value& v) {
    auto bad = [&](const std::string& why) -> std::uint64_t {
        fail(field(a) + " = " + quote(a.value) + ": " + why);
    };
    constexpr std::uint64_t kMicro = 1000000;
    if (const double* d = std::get_if<double>(&v)) {
        if (*d < 0 || *d * kMicro >= 18446744073709551616.0)
            return bad("not a number of seconds from 0 to 2^64 microseconds");
        return static_cast<std::uint64_t>(*d * kMicro);
    }
    return std::visit(
        [&](const auto& x) -> std::uint64_t {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
                if (x < 0)
                    return bad("a negative number of seconds");
                auto sec = static_cast<std::uint64_t>(x);
                if (sec > UINT64_MAX / kMicro)
                    return bad("too many seconds to give in microseconds");
                return sec * kMicro;
            } else {
                return bad("not a number (" + a.property.substr(0, a.property.size() - 4) +
                           "Sec is in seconds)");
            }
        },
        v);
}

} // namespace

std::vector<dbus::Property> annotation_properties(const spec::Spec& spec) {
    std::vector<dbus::Property> out;
    for (const auto& a : spec::unit_property_annotations(spec)) {
        std::string_view name = std::string_view(a.key).substr(spec::kUnitPropertyPrefix.size());
        if (!spec::valid_unit_property_name(name))
            fail(field(a) + ": " + quote(name) +
                 " is not a unit property name (three or more ASCII letters, as runc takes them)");
        if (const char* why = owned_by_ward(a.property))
            fail(field(a) + ": ward sets " + a.property + " itself (" + why +
                 "); no annotation may change it");
        dbus::Value value;
        try {
            value = dbus::parse_variant_text(a.value);
        } catch (const Error& e) {
            fail(field(a) + " = " + quote(a.value) +
                 ": not a GVariant text value ward reads: " + e.what());
        }
        if (a.seconds)
            value = microseconds(a, value);
        out.push_back({a.property, std::move(value)});
    }
    return out;
}

PlannedProperties plan_unit_properties(const spec::Spec& spec, const std::vector<Write>& writes,
                                       const BlockDevicePath& path_of) {
    PlannedProperties out;
    out.properties = annotation_properties(spec);
    if (writes.empty())
        return out;
    auto resources = plan_resource_properties(writes, path_of);
    out.warnings = std::move(resources.warnings);
    // As runc, which sets the resources after the annotations: the
    // config's limit wins over an annotation naming the same property.
    for (const auto& a : spec::unit_property_annotations(spec))
        if (std::any_of(resources.properties.begin(), resources.properties.end(),
                        [&](const dbus::Property& p) { return p.name == a.property; }))
            out.warnings.push_back(field(a) + ": the unit property " + a.property +
                                   " is set from linux.resources, which wins");
    out.properties.insert(out.properties.end(), resources.properties.begin(),
                          resources.properties.end());
    out.properties = merge_properties(std::move(out.properties));
    return out;
}

std::vector<dbus::Property> unit_properties(const spec::Spec& spec,
                                            const std::vector<Write>& writes) {
    auto planned = plan_unit_properties(spec, writes, [](std::uint32_t major, std::uint32_t minor) {
        return host_block_device_path(major, minor);
    });
    for (const auto& w : planned.warnings)
        log::warn(w);
    return std::move(planned.properties);
}

} // namespace ward::cgroups
