// Typed member access shared by trust/'s strict JSON readers.
#include "json_fields.hpp"

#include "ward/base/error.hpp"

namespace ward::trust::fields {

using json::Value;

void bad(const std::string& what, const std::string& path, const std::string& msg) {
    fail(what + ": " + path + ": " + msg);
}

Value parse_object(std::string_view bytes, const std::string& what) {
    Value v = with_context(what, [&] { return json::parse(bytes); });
    if (!v.is_object())
        fail(what + ": not a JSON object (got " + json::type_name(v.type()) + ")");
    return v;
}

const Value* member(const Value& obj, std::string_view key, const std::string& what,
                    const std::string& path, json::Type type, bool required) {
    const Value* v = obj.find(key);
    std::string at = path.empty() ? std::string(key) : path + "." + std::string(key);
    if (!v) {
        if (required)
            bad(what, at, "required field missing");
        return nullptr;
    }
    if (v->type() != type)
        bad(what, at,
            std::string("expected ") + json::type_name(type) + ", got " +
                json::type_name(v->type()));
    return v;
}

std::string string_member(const Value& obj, std::string_view key, const std::string& what,
                          const std::string& path, bool required) {
    const Value* v = member(obj, key, what, path, json::Type::string, required);
    return v ? v->as_string() : std::string();
}

} // namespace ward::trust::fields
