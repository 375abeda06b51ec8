// Strict parsers for the OCI documents of an image: descriptor, index,
// manifest, config. Every error names the document and the JSON path.
#include "ward/trust/oci.hpp"

#include "json_fields.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/json/json.hpp"

namespace ward::trust {
namespace {

using fields::bad;
using fields::member;
using fields::parse_object;
using fields::string_member;
using json::Value;

void check_schema_version(const Value& doc, const std::string& what) {
    const Value* v = member(doc, "schemaVersion", what, "", json::Type::number, true);
    if (v->as_int64() != 2)
        bad(what, "schemaVersion", "must be 2, got " + json::serialize(*v));
}

Descriptor parse_descriptor(const Value& v, const std::string& what, const std::string& path) {
    if (!v.is_object())
        bad(what, path, std::string("expected object, got ") + json::type_name(v.type()));
    Descriptor d;
    d.media_type = string_member(v, "mediaType", what, path, true);
    if (d.media_type.empty())
        bad(what, path + ".mediaType", "empty");
    std::string digest = string_member(v, "digest", what, path, true);
    d.digest = with_context(what + ": " + path + ".digest", [&] { return parse_digest(digest); });
    const Value* size = member(v, "size", what, path, json::Type::number, true);
    auto n = size->as_int64();
    if (!n || *n < 0)
        bad(what, path + ".size", "must be a non-negative integer, got " + json::serialize(*size));
    d.size = static_cast<uint64_t>(*n);
    if (const Value* ann = member(v, "annotations", what, path, json::Type::object, false)) {
        for (const auto& [key, val] : ann->as_object()) {
            if (!val.is_string())
                bad(what, path + ".annotations." + key,
                    std::string("expected string, got ") + json::type_name(val.type()));
            d.annotations[key] = val.as_string();
        }
    }
    if (const Value* p = member(v, "platform", what, path, json::Type::object, false)) {
        Platform plat;
        plat.os = string_member(*p, "os", what, path + ".platform", true);
        plat.architecture = string_member(*p, "architecture", what, path + ".platform", true);
        plat.variant = string_member(*p, "variant", what, path + ".platform", false);
        d.platform = plat;
    }
    d.artifact_type = string_member(v, "artifactType", what, path, false);
    // Descriptors with "urls" point outside the layout; ward never fetches.
    if (v.find("urls"))
        bad(what, path + ".urls", "external blob URLs are not supported");
    return d;
}

// The document's own mediaType against the descriptor's (see oci.hpp).
std::string check_own_type(const Value& doc, std::string_view descriptor_type,
                           std::string_view oci_type, const char* foreign_field_1,
                           const char* foreign_field_2, const std::string& what) {
    std::string own = string_member(doc, "mediaType", what, "", false);
    if (!own.empty()) {
        if (own != descriptor_type)
            bad(what, "mediaType",
                quote(own) + " does not match the descriptor's " + quote(descriptor_type));
        return own;
    }
    if (descriptor_type != oci_type)
        bad(what, "mediaType",
            "missing (required for " + quote(descriptor_type) + ", the descriptor's type)");
    for (const char* field : {foreign_field_1, foreign_field_2})
        if (field && doc.find(field))
            bad(what, field,
                "present in a document without mediaType: ambiguous index/manifest refused");
    return std::string(oci_type);
}

std::vector<std::string> string_array(const Value& v, const std::string& what,
                                      const std::string& path) {
    if (!v.is_array())
        bad(what, path, std::string("expected array, got ") + json::type_name(v.type()));
    std::vector<std::string> out;
    size_t i = 0;
    for (const Value& item : v.as_array()) {
        if (!item.is_string())
            bad(what, path + "[" + std::to_string(i) + "]",
                std::string("expected string, got ") + json::type_name(item.type()));
        out.push_back(item.as_string());
        ++i;
    }
    return out;
}

// Entrypoint and Cmd: absent or null mean "not set" (Docker writes null).
std::optional<std::vector<std::string>> optional_string_array(const Value& obj,
                                                              std::string_view key,
                                                              const std::string& what,
                                                              const std::string& path) {
    const Value* v = obj.find(key);
    if (!v || v->is_null())
        return std::nullopt;
    return string_array(*v, what, path + "." + std::string(key));
}

} // namespace

bool is_index_type(std::string_view t) {
    return t == media::kOciIndex || t == media::kDockerList;
}

bool is_manifest_type(std::string_view t) {
    return t == media::kOciManifest || t == media::kDockerManifest;
}

std::optional<Compression> layer_compression(std::string_view t) {
    if (t == media::kOciLayerTar || t == media::kDockerLayerTar)
        return Compression::none;
    if (t == media::kOciLayerGzip || t == media::kDockerLayerGzip)
        return Compression::gzip;
    if (t == media::kOciLayerZstd || t == media::kDockerLayerZstd)
        return Compression::zstd;
    return std::nullopt;
}

std::string Platform::str() const {
    return os + "/" + architecture + (variant.empty() ? "" : "/" + variant);
}

Platform parse_platform(std::string_view text) {
    std::vector<std::string> parts = split(text, '/');
    bool ok = (parts.size() == 2 || parts.size() == 3);
    for (const auto& p : parts)
        ok = ok && !p.empty();
    if (!ok)
        fail("invalid platform " + quote(text) + ": want OS/ARCH[/VARIANT], e.g. linux/amd64");
    return Platform{parts[0], parts[1], parts.size() == 3 ? parts[2] : ""};
}

std::string Descriptor::ref_name() const {
    auto it = annotations.find(std::string(kRefNameAnnotation));
    return it == annotations.end() ? "" : it->second;
}

Index parse_index(std::string_view bytes, std::string_view descriptor_type,
                  const std::string& what) {
    Value doc = parse_object(bytes, what);
    check_schema_version(doc, what);
    check_own_type(doc, descriptor_type, media::kOciIndex, "config", "layers", what);
    const Value* list = member(doc, "manifests", what, "", json::Type::array, true);
    Index index;
    size_t i = 0;
    for (const Value& entry : list->as_array())
        index.manifests.push_back(
            parse_descriptor(entry, what, "manifests[" + std::to_string(i++) + "]"));
    return index;
}

Manifest parse_manifest(std::string_view bytes, std::string_view descriptor_type,
                        const std::string& what) {
    Value doc = parse_object(bytes, what);
    check_schema_version(doc, what);
    Manifest m;
    m.media_type =
        check_own_type(doc, descriptor_type, media::kOciManifest, "manifests", nullptr, what);
    const Value* config = member(doc, "config", what, "", json::Type::object, true);
    m.config = parse_descriptor(*config, what, "config");
    const Value* layers = member(doc, "layers", what, "", json::Type::array, true);
    size_t i = 0;
    for (const Value& entry : layers->as_array())
        m.layers.push_back(parse_descriptor(entry, what, "layers[" + std::to_string(i++) + "]"));
    m.artifact_type = string_member(doc, "artifactType", what, "", false);
    if (const Value* subject = member(doc, "subject", what, "", json::Type::object, false))
        m.subject = parse_descriptor(*subject, what, "subject");
    return m;
}

ImageConfig parse_image_config(std::string_view bytes, const std::string& what) {
    Value doc = parse_object(bytes, what);
    ImageConfig c;
    c.os = string_member(doc, "os", what, "", true);
    c.architecture = string_member(doc, "architecture", what, "", true);
    const Value* rootfs = member(doc, "rootfs", what, "", json::Type::object, true);
    std::string type = string_member(*rootfs, "type", what, "rootfs", true);
    if (type != "layers")
        bad(what, "rootfs.type", "must be \"layers\", got " + quote(type));
    const Value* ids = member(*rootfs, "diff_ids", what, "rootfs", json::Type::array, true);
    size_t i = 0;
    for (const Value& id : ids->as_array()) {
        std::string path = "rootfs.diff_ids[" + std::to_string(i++) + "]";
        if (!id.is_string())
            bad(what, path, std::string("expected string, got ") + json::type_name(id.type()));
        c.diff_ids.push_back(
            with_context(what + ": " + path, [&] { return parse_digest(id.as_string()); }));
    }
    c.created = string_member(doc, "created", what, "", false);
    c.author = string_member(doc, "author", what, "", false);
    // "config" is optional and may be null (an image with no defaults).
    const Value* cfg = doc.find("config");
    if (cfg && !cfg->is_null()) {
        if (!cfg->is_object())
            bad(what, "config",
                std::string("expected object, got ") + json::type_name(cfg->type()));
        if (const Value* env = cfg->find("Env"); env && !env->is_null())
            c.env = string_array(*env, what, "config.Env");
        c.entrypoint = optional_string_array(*cfg, "Entrypoint", what, "config");
        c.cmd = optional_string_array(*cfg, "Cmd", what, "config");
        for (auto [key, field] : {std::pair{"WorkingDir", &c.working_dir},
                                  {"User", &c.user},
                                  {"StopSignal", &c.stop_signal}})
            if (const Value* v = cfg->find(key); v && !v->is_null())
                *field = string_member(*cfg, key, what, "config", true);
        // Docker writes null for an image without labels.
        if (const Value* labels = cfg->find("Labels"); labels && !labels->is_null()) {
            if (!labels->is_object())
                bad(what, "config.Labels",
                    std::string("expected object, got ") + json::type_name(labels->type()));
            for (const auto& [key, val] : labels->as_object()) {
                if (!val.is_string())
                    bad(what, "config.Labels." + key,
                        std::string("expected string, got ") + json::type_name(val.type()));
                c.labels[key] = val.as_string();
            }
        }
    }
    return c;
}

} // namespace ward::trust
