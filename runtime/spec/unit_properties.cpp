#include "ward/spec/unit_properties.hpp"

namespace ward::spec {

bool valid_unit_property_name(std::string_view name) {
    if (name.size() < 3)
        return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return false;
    return true;
}

std::string unit_property_name(std::string_view name) {
    if (name.size() > 3 && name.ends_with("Sec") && name[name.size() - 4] >= 'a' &&
        name[name.size() - 4] <= 'z')
        return std::string(name.substr(0, name.size() - 3)) + "USec";
    return std::string(name);
}

std::vector<UnitPropertyAnnotation> unit_property_annotations(const Spec& spec) {
    std::vector<UnitPropertyAnnotation> out;
    for (const auto& [key, value] : spec.annotations) {
        if (!key.starts_with(kUnitPropertyPrefix))
            continue;
        std::string_view name = std::string_view(key).substr(kUnitPropertyPrefix.size());
        UnitPropertyAnnotation a;
        a.key = key;
        a.property = unit_property_name(name);
        a.seconds = a.property != name;
        a.value = value;
        out.push_back(std::move(a));
    }
    return out;
}

} // namespace ward::spec
