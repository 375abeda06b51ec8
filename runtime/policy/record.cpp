// The record of a container's policy (record.hpp): one place writes and
// reads its shape, so exec and update read exactly what create wrote.
#include "ward/policy/record.hpp"

#include "ward/base/error.hpp"

namespace ward::policy {
namespace {

json::Value strings(const std::vector<std::string>& items) {
    json::Value a = json::Value::array();
    for (const auto& s : items)
        a.push(s);
    return a;
}

std::string string_member(const json::Value& doc, std::string_view key) {
    const json::Value* v = doc.find(key);
    if (!v || !v->is_string())
        fail(std::string(key) + ": expected string");
    return v->as_string();
}

std::vector<std::string> strings_member(const json::Value& doc, std::string_view key) {
    std::vector<std::string> out;
    const json::Value* v = doc.find(key);
    if (!v)
        return out;
    if (!v->is_array())
        fail(std::string(key) + ": expected array");
    for (const auto& item : v->as_array()) {
        if (!item.is_string())
            fail(std::string(key) + ": expected strings");
        out.push_back(item.as_string());
    }
    return out;
}

Record from_json(const json::Value& doc) {
    if (!doc.is_object())
        fail("expected object");
    Record r;
    r.effective.source = string_member(doc, "source");
    r.filled = strings_member(doc, "filled");
    r.warnings = strings_member(doc, "warnings");
    if (const json::Value* trust = doc.find("trust"); trust && trust->is_object()) {
        r.trust_kind = string_member(*trust, "kind");
        r.trust_detail = string_member(*trust, "detail");
    }
    const json::Value* policy = doc.find("policy");
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
