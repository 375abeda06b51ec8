// state.json ⇄ State, with no file, lock or process in sight: StateDir
// reads and writes the file, these only turn its text into a State and
// back (so the parser can be fuzzed on its own: tests/fuzz/state_fuzz.cpp).
#include "ward/base/error.hpp"
#include "ward/container/state.hpp"

namespace ward::container {

std::string serialize_state(const State& s) {
    auto doc = json::Value::object();
    doc.set("id", s.id);
    doc.set("pid", s.pid);
    doc.set("startTime", static_cast<unsigned long long>(s.start_time));
    doc.set("bundle", s.bundle);
    doc.set("rootfs", s.rootfs);
    doc.set("created", s.created);
    doc.set("ownerUid", s.owner_uid);
    doc.set("cgroup", s.cgroup);
    if (!s.systemd_unit.empty())
        doc.set("systemdUnit", s.systemd_unit);
    doc.set("newPidNamespace", s.created_new_pid_ns);
    doc.set("poststartHooks", s.poststart_hooks);
    doc.set("poststopHooks", s.poststop_hooks);
    if (!s.seccomp_profile.empty())
        doc.set("seccompProfile", s.seccomp_profile);
    if (s.rootfs_overlay) {
        auto overlay = json::Value::object();
        overlay.set("lower", s.rootfs_overlay->lower);
        overlay.set("upper", s.rootfs_overlay->upper);
        overlay.set("work", s.rootfs_overlay->work);
        doc.set("rootfsOverlay", std::move(overlay));
    }
    auto annotations = json::Value::object();
    for (const auto& [k, v] : s.annotations)
        annotations.set(k, v);
    doc.set("annotations", std::move(annotations));
    return json::serialize(doc, json::Style::pretty);
}

State parse_state(std::string_view text, const std::string& context) {
    return with_context(context, [&] {
        auto doc = json::parse(text);
        auto str = [&](const char* key) {
            const auto* v = doc.find(key);
            return v && v->is_string() ? v->as_string() : std::string();
        };
        State s;
        s.id = str("id");
        if (const auto* v = doc.find("pid"))
            s.pid = static_cast<int>(v->as_int64().value_or(0));
        if (const auto* v = doc.find("startTime"))
            s.start_time = v->as_uint64().value_or(0);
        s.bundle = str("bundle");
        s.rootfs = str("rootfs");
        s.created = str("created");
        if (const auto* v = doc.find("ownerUid"))
            s.owner_uid = static_cast<unsigned>(v->as_uint64().value_or(0));
        s.cgroup = str("cgroup");
        s.systemd_unit = str("systemdUnit");
        if (const auto* v = doc.find("newPidNamespace"); v && v->is_bool())
            s.created_new_pid_ns = v->as_bool();
        if (const auto* v = doc.find("poststartHooks"); v && v->is_bool())
            s.poststart_hooks = v->as_bool();
        if (const auto* v = doc.find("poststopHooks"); v && v->is_bool())
            s.poststop_hooks = v->as_bool();
        s.seccomp_profile = str("seccompProfile");
        if (const auto* o = doc.find("rootfsOverlay"); o && o->is_object()) {
            auto member = [&](const char* key) {
                const auto* v = o->find(key);
                return v && v->is_string() ? v->as_string() : std::string();
            };
            s.rootfs_overlay = RootfsOverlay{member("lower"), member("upper"), member("work")};
        }
        if (const auto* a = doc.find("annotations"); a && a->is_object())
            for (const auto& [k, v] : a->as_object())
                if (v.is_string())
                    s.annotations[k] = v.as_string();
        return s;
    });
}

} // namespace ward::container
