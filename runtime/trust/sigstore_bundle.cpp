// Sigstore bundle v0.3: the strict outer parse, DSSE's pre-auth encoding
// and cosign's signing statement (see sigstore_bundle.hpp for the order).
#include "ward/trust/sigstore_bundle.hpp"

#include "base64.hpp"
#include "json_fields.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/oci.hpp"

namespace ward::trust {
namespace {

using fields::bad;
using fields::member;
using fields::string_member;
using json::Value;

std::string decoded(const Value& obj, std::string_view key, const std::string& what,
                    const std::string& path) {
    std::string text = string_member(obj, key, what, path, true);
    auto bytes = base64_decode(text);
    std::string at = path.empty() ? std::string(key) : path + "." + std::string(key);
    if (!bytes)
        bad(what, at, "not base64");
    return std::move(*bytes);
}

// proto3 JSON writes int64 as a string of digits; a number is accepted too.
int64_t int64_member(const Value& obj, std::string_view key, const std::string& what,
                     const std::string& path) {
    const Value* v = obj.find(key);
    std::string at = path + "." + std::string(key);
    if (!v)
        bad(what, at, "required field missing");
    if (v->is_number() && v->as_int64() && *v->as_int64() >= 0)
        return *v->as_int64();
    if (v->is_string()) {
        const std::string& s = v->as_string();
        bool digits = !s.empty() && s.size() <= 18;
        for (char c : s)
            digits = digits && c >= '0' && c <= '9';
        if (digits)
            return std::stoll(s);
    }
    bad(what, at, "want a non-negative integer, got " + json::serialize(*v));
}

LogEntry parse_log_entry(const Value& v, const std::string& what, const std::string& path) {
    if (!v.is_object())
        bad(what, path, std::string("expected object, got ") + json::type_name(v.type()));
    LogEntry e;
    const Value* id = member(v, "logId", what, path, json::Type::object, true);
    e.log_id = decoded(*id, "keyId", what, path + ".logId");
    e.log_index = int64_member(v, "logIndex", what, path);
    e.integrated_time = int64_member(v, "integratedTime", what, path);
    const Value* kv = member(v, "kindVersion", what, path, json::Type::object, true);
    e.kind = string_member(*kv, "kind", what, path + ".kindVersion", true);
    e.version = string_member(*kv, "version", what, path + ".kindVersion", true);
    e.body = decoded(v, "canonicalizedBody", what, path);
    e.body_base64 = base64_encode(e.body);
    if (const Value* promise = member(v, "inclusionPromise", what, path, json::Type::object, false))
        e.signed_entry_ts =
            decoded(*promise, "signedEntryTimestamp", what, path + ".inclusionPromise");
    return e;
}

} // namespace

SigstoreBundle parse_sigstore_bundle(std::string_view bytes, const std::string& what) {
    if (bytes.size() > kMaxJsonBytes)
        fail(what + ": larger than " + std::to_string(kMaxJsonBytes) + " bytes");
    Value doc = fields::parse_object(bytes, what);
    std::string type = string_member(doc, "mediaType", what, "", true);
    if (type != media::kSigstoreBundle)
        bad(what, "mediaType",
            quote(type) + " is not a Sigstore bundle v0.3 (" + quote(media::kSigstoreBundle) + ")");
    if (doc.find("messageSignature"))
        bad(what, "messageSignature",
            "a message-signature bundle signs a blob, not an image (want dsseEnvelope)");
    const Value* env = member(doc, "dsseEnvelope", what, "", json::Type::object, true);
    const Value* material = member(doc, "verificationMaterial", what, "", json::Type::object, true);

    SigstoreBundle b;
    b.payload_type = string_member(*env, "payloadType", what, "dsseEnvelope", true);
    if (b.payload_type != kInTotoPayloadType)
        bad(what, "dsseEnvelope.payloadType",
            quote(b.payload_type) + ", want " + quote(kInTotoPayloadType));
    b.payload = decoded(*env, "payload", what, "dsseEnvelope");
    const Value* sigs = member(*env, "signatures", what, "dsseEnvelope", json::Type::array, true);
    if (sigs->as_array().size() != 1)
        bad(what, "dsseEnvelope.signatures",
            "want exactly one, got " + std::to_string(sigs->as_array().size()));
    const Value& sig = sigs->as_array()[0];
    if (!sig.is_object())
        bad(what, "dsseEnvelope.signatures[0]",
            std::string("expected object, got ") + json::type_name(sig.type()));
    b.signature = decoded(sig, "sig", what, "dsseEnvelope.signatures[0]");
    if (b.signature.empty())
        bad(what, "dsseEnvelope.signatures[0].sig", "empty");

    if (const Value* entries = member(*material, "tlogEntries", what, "verificationMaterial",
                                      json::Type::array, false))
        for (size_t i = 0; i < entries->as_array().size(); ++i)
            b.log_entries.push_back(
                parse_log_entry(entries->as_array()[i], what,
                                "verificationMaterial.tlogEntries[" + std::to_string(i) + "]"));
    return b;
}

std::string dsse_pae(std::string_view payload_type, std::string_view payload) {
    return "DSSEv1 " + std::to_string(payload_type.size()) + " " + std::string(payload_type) + " " +
           std::to_string(payload.size()) + " " + std::string(payload);
}

std::vector<Digest> parse_cosign_statement(std::string_view bytes, const std::string& what) {
    Value doc = fields::parse_object(bytes, what);
    std::string type = string_member(doc, "_type", what, "", true);
    if (type != kInTotoStatementV1)
        bad(what, "_type", quote(type) + ", want " + quote(kInTotoStatementV1));
    std::string predicate = string_member(doc, "predicateType", what, "", true);
    if (predicate != kCosignSignPredicate)
        bad(what, "predicateType",
            quote(predicate) + " is not cosign's image signature (" + quote(kCosignSignPredicate) +
                ")");
    const Value* subjects = member(doc, "subject", what, "", json::Type::array, true);
    std::vector<Digest> out;
    for (size_t i = 0; i < subjects->as_array().size(); ++i) {
        std::string path = "subject[" + std::to_string(i) + "]";
        const Value& s = subjects->as_array()[i];
        if (!s.is_object())
            bad(what, path, std::string("expected object, got ") + json::type_name(s.type()));
        const Value* digest = member(s, "digest", what, path, json::Type::object, true);
        std::string hex = string_member(*digest, "sha256", what, path + ".digest", false);
        if (!hex.empty())
            out.push_back(with_context(what + ": " + path + ".digest.sha256",
                                       [&] { return parse_digest("sha256:" + hex); }));
    }
    if (out.empty())
        bad(what, "subject", "names no sha256 digest");
    return out;
}

} // namespace ward::trust
