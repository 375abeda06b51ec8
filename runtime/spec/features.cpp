// `ward features`: built from the same tables the parser and the runtime
// use, so it cannot claim what the build does not do.
#include "ward/spec/features.hpp"

#include "ward/spec/config.hpp"
#include "ward/spec/names.hpp"
#include "ward/spec/unit_properties.hpp"

namespace ward::spec {
namespace {

json::Value list(const std::vector<std::string>& names) {
    json::Value out = json::Value::array();
    for (const auto& n : names)
        out.push(n);
    return out;
}

json::Value enabled(bool on) {
    json::Value v = json::Value::object();
    v.set("enabled", on);
    return v;
}

} // namespace

json::Value features() {
    using json::Value;
    Value doc = Value::object();
    doc.set("ociVersionMin", "1.0.0");
    doc.set("ociVersionMax", kOciVersion);
    doc.set("hooks", list({"prestart", "createRuntime", "createContainer", "startContainer",
                           "poststart", "poststop"}));
    std::vector<std::string> mount_names;
    for (const auto& option : mount_options())
        mount_names.emplace_back(option.name);
    doc.set("mountOptions", list(mount_names));
    // Annotations that change what the runtime does (runc's prefix form):
    // org.systemd.property.NAME sets NAME on the container's systemd scope
    // (the policy's systemdProperties rule says which).
    doc.set("potentiallyUnsafeConfigAnnotations", list({std::string(kUnitPropertyPrefix)}));

    Value linux_features = Value::object();
    linux_features.set("namespaces", list(namespace_types()));
    linux_features.set("capabilities", list(capability_names()));

    Value cgroup = Value::object();
    cgroup.set("v1", false);
    cgroup.set("v2", true);
    cgroup.set("systemd", true); // --systemd-cgroup; not yet as a user (systemdUser)
    cgroup.set("systemdUser", false);
    cgroup.set("rdma", false);
    linux_features.set("cgroup", std::move(cgroup));

    // linux.seccomp is what the seccomp module can apply; it adds it
    // (seccomp::features_section), as spec sits below it.
    linux_features.set("apparmor", enabled(false));
    linux_features.set("selinux", enabled(false));
    linux_features.set("intelRdt", enabled(false));
    Value mount_extensions = Value::object();
    mount_extensions.set("idmap", enabled(true));
    linux_features.set("mountExtensions", std::move(mount_extensions));
    doc.set("linux", std::move(linux_features));
    return doc;
}

} // namespace ward::spec
