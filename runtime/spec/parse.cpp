// config.json → Spec: the top level (version, root, mounts, hooks, names),
// bundles, and the entry points of parse.hpp.
#include "ward/spec/parse.hpp"

#include "sections.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>
#include <climits>
#include <fcntl.h>
#include <unistd.h>

namespace ward::spec {
namespace {

using detail::fail_at;
using detail::Obj;

// Semantic version MAJOR.MINOR.PATCH[-pre][+build]; returns MAJOR.
std::optional<uint64_t> semver_major(const std::string& v) {
    size_t end = v.find_first_of("-+");
    std::string core = v.substr(0, end);
    auto parts = split(core, '.');
    if (parts.size() != 3)
        return std::nullopt;
    for (const auto& p : parts)
        if (p.empty() || (p.size() > 1 && p[0] == '0') || !parse_uint(p))
            return std::nullopt;
    if (end != std::string::npos && end + 1 == v.size())
        return std::nullopt; // a dangling "-" or "+"
    return parse_uint(parts[0]);
}

std::string parse_oci_version(const Obj& obj) {
    std::string version = obj.need_str("ociVersion");
    auto major = semver_major(version);
    if (!major)
        fail_at("ociVersion",
                quote(version) + " is not a semantic version (MAJOR.MINOR.PATCH, e.g. \"1.3.0\")");
    if (*major != 1)
        fail_at("ociVersion", quote(version) + " is not supported: ward reads runtime-spec 1.x (" +
                                  "1.0.0 to " + kOciVersion + ")");
    return version;
}

Mount parse_mount(const Obj& obj) {
    Mount m;
    m.destination = obj.need_str("destination");
    detail::check_absolute(obj.at("destination"), m.destination);
    m.type = obj.str("type");
    m.source = obj.str("source");
    m.options = obj.strings("options");
    obj.each_obj("uidMappings", [&](const Obj& item) {
        m.uid_mappings.push_back(detail::parse_id_mapping(item));
    });
    obj.each_obj("gidMappings", [&](const Obj& item) {
        m.gid_mappings.push_back(detail::parse_id_mapping(item));
    });
    return m;
}

std::vector<Hook> parse_hook_list(const Obj& obj, std::string_view key) {
    std::vector<Hook> out;
    obj.each_obj(key, [&](const Obj& item) {
        Hook h;
        h.path = item.need_str("path");
        detail::check_absolute(item.at("path"), h.path);
        h.args = item.strings("args");
        h.env = item.strings("env");
        h.timeout = item.opt_int<int32_t>("timeout");
        if (h.timeout && *h.timeout < 1)
            fail_at(item.at("timeout"),
                    std::to_string(*h.timeout) + " is not a positive number of seconds");
        out.push_back(h);
    });
    return out;
}

Hooks parse_hooks(const Obj& obj) {
    Hooks h;
    h.prestart = parse_hook_list(obj, "prestart");
    h.create_runtime = parse_hook_list(obj, "createRuntime");
    h.create_container = parse_hook_list(obj, "createContainer");
    h.start_container = parse_hook_list(obj, "startContainer");
    h.poststart = parse_hook_list(obj, "poststart");
    h.poststop = parse_hook_list(obj, "poststop");
    return h;
}

Spec parse_document(const json::Value& doc) {
    Obj obj(doc, "");
    Spec s;
    s.oci_version = parse_oci_version(obj);
    if (auto root = obj.opt_obj("root")) {
        Root r;
        r.path = root->need_str("path");
        if (r.path.empty())
            fail_at(root->at("path"), "must not be empty");
        r.readonly = root->opt_bool("readonly");
        s.root = r;
    }
    s.hostname = obj.str("hostname");
    s.domainname = obj.str("domainname");
    obj.each_obj("mounts", [&](const Obj& item) { s.mounts.push_back(parse_mount(item)); });
    if (auto hooks = obj.opt_obj("hooks"))
        s.hooks = parse_hooks(*hooks);
    s.annotations = obj.string_map("annotations");
    if (auto process = obj.opt_obj("process"))
        s.process = detail::parse_process(*process);
    if (auto linux_section = obj.opt_obj("linux"))
        s.linux = detail::parse_linux(*linux_section);
    // A hostname needs a UTS namespace of the container's own.
    if (s.linux && !s.find_namespace("uts")) {
        if (!s.hostname.empty())
            fail_at("hostname", "set, but there is no uts namespace in linux.namespaces");
        if (!s.domainname.empty())
            fail_at("domainname", "set, but there is no uts namespace in linux.namespaces");
    }
    return s;
}

// Lexically cleans an absolute path ("/a/./b//../c" → "/a/c").
std::string clean_absolute(const std::string& path) {
    std::vector<std::string> parts;
    for (auto& part : split(path, '/')) {
        if (part.empty() || part == ".")
            continue;
        if (part == "..") {
            if (!parts.empty())
                parts.pop_back();
            continue;
        }
        parts.push_back(part);
    }
    return "/" + join(parts, "/");
}

std::string current_dir() {
    char buf[PATH_MAX];
    if (!::getcwd(buf, sizeof buf))
        fail_errno("getcwd");
    return buf;
}

} // namespace

bool Mount::is_bind() const {
    if (type == "bind")
        return true;
    return std::any_of(options.begin(), options.end(),
                       [](const std::string& o) { return o == "bind" || o == "rbind"; });
}

const Namespace* Spec::find_namespace(const std::string& type) const {
    if (!linux)
        return nullptr;
    for (const auto& ns : linux->namespaces)
        if (ns.type == type)
            return &ns;
    return nullptr;
}

Spec spec_from_json(const json::Value& doc, std::string_view source) {
    return with_context(source, [&] { return parse_document(doc); });
}

Spec parse_spec(std::string_view text, std::string_view source) {
    json::Value doc = with_context(source, [&] { return json::parse(text); });
    return spec_from_json(doc, source);
}

Process process_from_json(const json::Value& doc, std::string_view source) {
    return with_context(source, [&] { return detail::parse_process(Obj(doc, "")); });
}

Resources resources_from_json(const json::Value& doc, std::string_view source) {
    return with_context(source, [&] { return detail::parse_resources(Obj(doc, "")); });
}

Spec load_bundle_spec(const std::string& bundle_dir, std::string* config_text) {
    std::string given = bundle_dir.empty() ? "." : bundle_dir;
    while (given.size() > 1 && given.ends_with('/'))
        given.pop_back();
    // Messages name the bundle as the caller wrote it; root.path becomes absolute.
    std::string path = (given == "/" ? "" : given) + "/config.json";
    std::string text = read_document(path);
    std::string bundle =
        clean_absolute(given.starts_with('/') ? given : current_dir() + "/" + given);
    Spec s = parse_spec(text, "config.json");
    if (!s.root)
        fail("config.json: root: missing required field");
    if (config_text)
        *config_text = std::move(text);
    if (!s.root->path.starts_with('/'))
        s.root->path = clean_absolute(bundle + "/" + s.root->path);
    return s;
}

} // namespace ward::spec
