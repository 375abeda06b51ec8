// The record of a container's policy (record.hpp): one place writes and
// reads its shape, so exec and update read exactly what create wrote.
#include "ward/policy/record.hpp"

#include "document_reader.hpp"
#include "ward/base/error.hpp"

namespace ward::policy {
namespace {

json::Value strings(const std::vector<std::string>& items) {
    json::Value a = json::Value::array();
    for (const auto& s : items)
        a.push(s);
    return a;
}

// Read with the policy's own document reader (document_reader.hpp); keys
// other than these are left alone (a newer ward may record more).
Record from_json(const json::Value& doc) {
    DocumentReader in(doc, "");
    Record r;
    auto source = in.str("source");
    if (!source)
        fail("source: expected string");
    r.effective.source = *source;
    r.filled = in.strings("filled").value_or(std::vector<std::string>{});
    r.warnings = in.strings("warnings").value_or(std::vector<std::string>{});
    if (const json::Value* trust = in.get("trust"); trust && trust->is_object()) {
        DocumentReader t(*trust, "trust");
        r.trust_kind = t.str("kind").value_or("");
        r.trust_detail = t.str("detail").value_or("");
    }
    const json::Value* policy = in.get("policy");
    if (!policy)
        fail("policy: missing: the container was created by a ward that did not record its "
             "policy document; delete it and create it again");
    r.effective.policy = parse_policy(json::serialize(*policy), "policy");
    return r;
}

} // namespace

json::Value record_to_json(const Record& r) {
    json::Value doc = json::Value::object();
    doc.set("name", r.effective.policy.name);
    doc.set("source", r.effective.source);
    doc.set("filled", strings(r.filled));
    doc.set("warnings", strings(r.warnings));
    json::Value trust = json::Value::object();
    trust.set("kind", r.trust_kind);
    trust.set("detail", r.trust_detail);
    doc.set("trust", trust);
    // The whole policy as it was: /etc/ward/policy.json may change later.
    doc.set("policy", policy_to_json(r.effective.policy));
    return doc;
}

Record parse_record(std::string_view text, std::string_view source) {
    return with_context(source, [&] { return from_json(json::parse(text)); });
}

} // namespace ward::policy
