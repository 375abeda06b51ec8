// enforced_lines: what a live report's table says of the enforced side. It
// reads the same JSON the JSON report carries, so the two cannot disagree;
// lists are counted or joined, never dumped.
#include "render_common.hpp"
#include "ward/base/strings.hpp"

namespace ward::audit::render {
namespace {

const json::Value* member(const json::Value& v, std::string_view key) {
    return v.is_object() ? v.find(key) : nullptr;
}

std::string text_of(const json::Value* v) {
    if (!v)
        return "?";
    if (v->is_string())
        return v->as_string();
    if (v->is_bool())
        return v->as_bool() ? "true" : "false";
    return json::serialize(*v);
}

std::string short_caps(const json::Value* list) {
    if (!list || !list->is_array())
        return "?";
    if (list->as_array().empty())
        return "none";
    std::vector<std::string> names;
    for (const auto& c : list->as_array()) {
        std::string n = text_of(&c);
        names.push_back(n.starts_with("CAP_") ? n.substr(4) : n);
    }
    return std::to_string(names.size()) + " (" + join(names, " ") + ")";
}

size_t count(const json::Value* list) {
    return list && list->is_array() ? list->as_array().size() : 0;
}

std::string seccomp_line(const json::Value* sc) {
    if (!sc)
        return "?";
    std::string mode = text_of(member(*sc, "mode"));
    if (mode != "filter")
        return mode;
    std::string out = "filter (" + text_of(member(*sc, "filters")) + " loaded)";
    if (const auto* error = member(*sc, "error"))
        return out + ", not readable: " + text_of(error);
    if (const auto* arches = member(*sc, "arches"); arches && arches->is_array())
        for (const auto& a : arches->as_array())
            out += "; " + text_of(member(a, "arch")) + ": " +
                   std::to_string(count(member(a, "allowed"))) + " allowed, " +
                   std::to_string(count(member(a, "conditional"))) + " for some arguments, else " +
                   text_of(member(a, "defaultAction"));
    return out;
}

std::string namespaces_line(const json::Value* list) {
    if (!list || !list->is_array())
        return "?";
    std::vector<std::string> own, host;
    for (const auto& ns : list->as_array()) {
        const auto* shared = member(ns, "sharedWithHost");
        (shared && shared->is_bool() && shared->as_bool() ? host : own)
            .push_back(text_of(member(ns, "type")));
    }
    return "own: " + (own.empty() ? "none" : join(own, " ")) +
           "; the host's: " + (host.empty() ? "none" : join(host, " "));
}

} // namespace

std::string enforced_lines(const json::Value& e) {
    std::string out = "enforced:\n";
    auto line = [&](const std::string& key, const std::string& text) {
        out += wrap("  " + key + ": ", text, 4);
    };
    const json::Value* process = member(e, "process");
    line("process", "pid " + text_of(member(e, "pid")) + " (" +
                        text_of(process ? member(*process, "name") : nullptr) + ")");
    if (const auto* caps = process ? member(*process, "capabilities") : nullptr)
        for (const char* set : {"bounding", "effective", "permitted", "inheritable", "ambient"})
            line(std::string("capabilities.") + set, short_caps(member(*caps, set)));
    line("noNewPrivileges", text_of(process ? member(*process, "noNewPrivileges") : nullptr));
    line("seccomp", seccomp_line(member(e, "seccomp")));
    if (const auto* mounts = member(e, "mounts"))
        line("root", std::string(text_of(member(*mounts, "rootReadonly")) == "true" ? "read-only"
                                                                                    : "writable") +
                         ", propagation " + text_of(member(*mounts, "rootPropagation")));
    line("namespaces", namespaces_line(member(e, "namespaces")));
    if (const auto* cg = member(e, "cgroup"))
        line("cgroup", text_of(member(*cg, "path")) + " (" +
                           std::to_string(count(member(*cg, "unreadable"))) +
                           " limit files unreadable)");
    out += "  (all of it: --format json)\n";
    return out;
}

} // namespace ward::audit::render
