// The linux.seccomp section of `ward features`: what this build's filter
// code really applies, so a client never sends what ward would refuse.
#include "ward/seccomp/filter.hpp"
#include "ward/spec/names.hpp"

namespace ward::seccomp {
namespace {

json::Value list(const std::vector<std::string>& items) {
    json::Value out = json::Value::array();
    for (const auto& item : items)
        out.push(json::Value(item));
    return out;
}

} // namespace

json::Value features_section() {
    json::Value section = json::Value::object();
    section.set("enabled", true);
    section.set("actions", list(action_names()));
    section.set("operators", list(operator_names()));
    section.set("archs", list(architecture_names()));
    section.set("knownFlags", list(spec::seccomp_flags()));
    section.set("supportedFlags", list(supported_flag_names()));
    return section;
}

} // namespace ward::seccomp
