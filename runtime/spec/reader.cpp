#include "reader.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

#include <cctype>

namespace ward::spec::detail {

void fail_at(const std::string& path, const std::string& why) {
    fail(path.empty() ? why : path + ": " + why);
}

void fail_missing(const std::string& path) {
    fail_at(path, "missing required field");
}

std::string describe(const json::Value& v) {
    switch (v.type()) {
    case json::Type::string:
        return "string " + quote(v.as_string());
    case json::Type::number:
        return "number " + json::serialize(v);
    case json::Type::boolean:
        return v.as_bool() ? "boolean true" : "boolean false";
    default:
        return json::type_name(v.type());
    }
}

static bool plain_word(std::string_view key) {
    if (key.empty())
        return false;
    for (char c : key)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
            return false;
    return true;
}

std::string member_path(const std::string& parent, std::string_view key) {
    if (!plain_word(key))
        return parent + "[" + quote(key) + "]";
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string index_path(const std::string& parent, size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

void fail_range(const std::string& path, const std::string& value, const char* type,
                const std::string& min, const std::string& max) {
    fail_at(path, value + " is out of range for " + type + " (" + min + ".." + max + ")");
}

void fail_not_integer(const std::string& path, const json::Value& v) {
    fail_at(path, "expected integer, got " + describe(v));
}

[[noreturn]] static void fail_type(const std::string& path, const char* want,
                                   const json::Value& v) {
    fail_at(path, std::string("expected ") + want + ", got " + describe(v));
}

const std::string& to_string(const json::Value& v, const std::string& path) {
    if (!v.is_string())
        fail_type(path, "string", v);
    return v.as_string();
}

bool to_bool(const json::Value& v, const std::string& path) {
    if (!v.is_bool())
        fail_type(path, "boolean", v);
    return v.as_bool();
}

const json::Value::Array& to_array(const json::Value& v, const std::string& path) {
    if (!v.is_array())
        fail_type(path, "array", v);
    return v.as_array();
}

std::vector<std::string> to_strings(const json::Value& v, const std::string& path) {
    std::vector<std::string> out;
    const auto& items = to_array(v, path);
    for (size_t i = 0; i < items.size(); ++i)
        out.push_back(to_string(items[i], index_path(path, i)));
    return out;
}

Obj::Obj(const json::Value& v, std::string path) : value_(&v), path_(std::move(path)) {
    if (!v.is_object())
        fail_type(path_, "object", v);
}

const json::Value* Obj::get(std::string_view key) const {
    const json::Value* v = value_->find(key);
    return v && !v->is_null() ? v : nullptr;
}

const json::Value& Obj::need(std::string_view key) const {
    const json::Value* v = get(key);
    if (!v)
        fail_missing(at(key));
    return *v;
}

std::string Obj::str(std::string_view key) const {
    return opt_str(key).value_or("");
}

std::optional<std::string> Obj::opt_str(std::string_view key) const {
    const json::Value* v = get(key);
    if (!v)
        return std::nullopt;
    return to_string(*v, at(key));
}

std::string Obj::need_str(std::string_view key) const {
    return to_string(need(key), at(key));
}

std::optional<bool> Obj::opt_bool(std::string_view key) const {
    const json::Value* v = get(key);
    if (!v)
        return std::nullopt;
    return to_bool(*v, at(key));
}

std::vector<std::string> Obj::strings(std::string_view key) const {
    return opt_strings(key).value_or(std::vector<std::string>{});
}

std::optional<std::vector<std::string>> Obj::opt_strings(std::string_view key) const {
    const json::Value* v = get(key);
    if (!v)
        return std::nullopt;
    return to_strings(*v, at(key));
}

std::map<std::string, std::string> Obj::string_map(std::string_view key) const {
    std::map<std::string, std::string> out;
    auto map = opt_obj(key);
    if (!map)
        return out;
    for (const auto& [name, value] : map->value_->as_object()) {
        std::string path = member_path(map->path_, name);
        if (name.empty())
            fail_at(map->path_, "empty key");
        out[name] = to_string(value, path);
    }
    return out;
}

std::optional<Obj> Obj::opt_obj(std::string_view key) const {
    const json::Value* v = get(key);
    if (!v)
        return std::nullopt;
    return Obj(*v, at(key));
}

} // namespace ward::spec::detail
