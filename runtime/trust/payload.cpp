// The simple-signing payload: strict parse (after the signature has been
// checked) and the exact form cosign writes.
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/json/json.hpp"
#include "ward/trust/signature.hpp"

namespace ward::trust {
namespace {

using json::Value;

const Value& object_member(const Value& obj, std::string_view key, const std::string& what,
                           const std::string& path) {
    const Value* v = obj.find(key);
    std::string at = path + "." + std::string(key);
    if (!v)
        fail(what + ": " + at + ": required field missing");
    if (!v->is_object())
        fail(what + ": " + at + ": expected object, got " + json::type_name(v->type()));
    return *v;
}

std::string string_member(const Value& obj, std::string_view key, const std::string& what,
                          const std::string& path) {
    const Value* v = obj.find(key);
    std::string at = path + "." + std::string(key);
    if (!v)
        fail(what + ": " + at + ": required field missing");
    if (!v->is_string())
        fail(what + ": " + at + ": expected string, got " + json::type_name(v->type()));
    return v->as_string();
}

void only_keys(const Value& obj, std::initializer_list<std::string_view> allowed,
               const std::string& what, const std::string& path) {
    for (const auto& [key, _] : obj.as_object()) {
        bool ok = false;
        for (auto a : allowed)
            ok = ok || key == a;
        if (!ok)
            fail(what + ": " + path + "." + key + ": unknown field refused");
    }
}

} // namespace

SignaturePayload parse_payload(std::string_view bytes, const std::string& what) {
    if (bytes.size() > kMaxJsonBytes)
        fail(what + ": larger than " + std::to_string(kMaxJsonBytes) + " bytes");
    Value doc = with_context(what, [&] { return json::parse(bytes); });
    if (!doc.is_object())
        fail(what + ": not a JSON object");
    only_keys(doc, {"critical", "optional"}, what, "");
    const Value& critical = object_member(doc, "critical", what, "");
    only_keys(critical, {"identity", "image", "type"}, what, ".critical");
    std::string type = string_member(critical, "type", what, ".critical");
    if (type != kCosignSignatureType)
        fail(what + ": .critical.type: " + quote(type) + ", want " + quote(kCosignSignatureType));
    const Value& image = object_member(critical, "image", what, ".critical");
    only_keys(image, {"docker-manifest-digest"}, what, ".critical.image");
    const Value& identity = object_member(critical, "identity", what, ".critical");
    only_keys(identity, {"docker-reference"}, what, ".critical.identity");
    if (const Value* opt = doc.find("optional"); opt && !opt->is_null() && !opt->is_object())
        fail(what + ": .optional: expected object or null, got " + json::type_name(opt->type()));

    SignaturePayload p;
    std::string digest = string_member(image, "docker-manifest-digest", what, ".critical.image");
    p.manifest_digest = with_context(what + ": .critical.image.docker-manifest-digest",
                                     [&] { return parse_digest(digest); });
    p.docker_reference = string_member(identity, "docker-reference", what, ".critical.identity");
    if (p.docker_reference.empty())
        fail(what + ": .critical.identity.docker-reference: empty");
    return p;
}

std::string make_payload(const Digest& digest, const std::string& docker_reference) {
    Value identity = Value::object();
    identity.set("docker-reference", docker_reference);
    Value image = Value::object();
    image.set("docker-manifest-digest", digest.str());
    Value critical = Value::object();
    critical.set("identity", std::move(identity));
    critical.set("image", std::move(image));
    critical.set("type", std::string(kCosignSignatureType));
    Value doc = Value::object();
    doc.set("critical", std::move(critical));
    doc.set("optional", nullptr);
    return json::serialize(doc);
}

std::string signature_tag(const Digest& digest) {
    return "sha256-" + digest.hex + ".sig";
}

} // namespace ward::trust
