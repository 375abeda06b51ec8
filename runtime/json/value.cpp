// The DOM: type queries, exact integer access, object member helpers.
#include "ward/base/error.hpp"
#include "ward/json/json.hpp"

#include <limits>

namespace ward::json {

const char* type_name(Type type) {
    switch (type) {
    case Type::null:
        return "null";
    case Type::boolean:
        return "boolean";
    case Type::number:
        return "number";
    case Type::string:
        return "string";
    case Type::array:
        return "array";
    case Type::object:
        return "object";
    }
    return "unknown";
}

// Values that fit int64 are always stored as int64, so two equal integers
// always compare equal whichever constructor made them.
Value::Value(unsigned long v) {
    if (v <= static_cast<unsigned long>(std::numeric_limits<int64_t>::max()))
        data_ = static_cast<int64_t>(v);
    else
        data_ = static_cast<uint64_t>(v);
}

Value::Value(unsigned long long v) {
    if (v <= static_cast<unsigned long long>(std::numeric_limits<int64_t>::max()))
        data_ = static_cast<int64_t>(v);
    else
        data_ = static_cast<uint64_t>(v);
}

Type Value::type() const {
    switch (data_.index()) {
    case 0:
        return Type::null;
    case 1:
        return Type::boolean;
    case 2:
    case 3:
    case 4:
        return Type::number;
    case 5:
        return Type::string;
    case 6:
        return Type::array;
    default:
        return Type::object;
    }
}

bool Value::is_integer() const {
    return std::holds_alternative<int64_t>(data_) || std::holds_alternative<uint64_t>(data_);
}

[[noreturn]] static void mismatch(Type want, Type got) {
    fail(std::string("expected ") + type_name(want) + ", got " + type_name(got));
}

bool Value::as_bool() const {
    if (auto* b = std::get_if<bool>(&data_))
        return *b;
    mismatch(Type::boolean, type());
}

const std::string& Value::as_string() const {
    if (auto* s = std::get_if<std::string>(&data_))
        return *s;
    mismatch(Type::string, type());
}

std::optional<int64_t> Value::as_int64() const {
    if (auto* i = std::get_if<int64_t>(&data_))
        return *i;
    return std::nullopt; // a stored uint64 is always above INT64_MAX
}

std::optional<uint64_t> Value::as_uint64() const {
    if (auto* i = std::get_if<int64_t>(&data_)) {
        if (*i < 0)
            return std::nullopt;
        return static_cast<uint64_t>(*i);
    }
    if (auto* u = std::get_if<uint64_t>(&data_))
        return *u;
    return std::nullopt;
}

double Value::as_double() const {
    if (auto* i = std::get_if<int64_t>(&data_))
        return static_cast<double>(*i);
    if (auto* u = std::get_if<uint64_t>(&data_))
        return static_cast<double>(*u);
    if (auto* d = std::get_if<double>(&data_))
        return *d;
    mismatch(Type::number, type());
}

const Value::Array& Value::as_array() const {
    if (auto* a = std::get_if<Array>(&data_))
        return *a;
    mismatch(Type::array, type());
}

Value::Array& Value::as_array() {
    if (auto* a = std::get_if<Array>(&data_))
        return *a;
    mismatch(Type::array, type());
}

const Value::Object& Value::as_object() const {
    if (auto* o = std::get_if<Object>(&data_))
        return *o;
    mismatch(Type::object, type());
}

Value::Object& Value::as_object() {
    if (auto* o = std::get_if<Object>(&data_))
        return *o;
    mismatch(Type::object, type());
}

const Value* Value::find(std::string_view key) const {
    auto* o = std::get_if<Object>(&data_);
    if (!o)
        return nullptr;
    for (auto& [name, value] : *o)
        if (name == key)
            return &value;
    return nullptr;
}

Value* Value::find(std::string_view key) {
    return const_cast<Value*>(std::as_const(*this).find(key));
}

Value& Value::set(std::string key, Value value) {
    auto& members = as_object();
    for (auto& [name, existing] : members)
        if (name == key) {
            existing = std::move(value);
            return existing;
        }
    members.emplace_back(std::move(key), std::move(value));
    return members.back().second;
}

void Value::erase(std::string_view key) {
    auto& members = as_object();
    for (auto it = members.begin(); it != members.end(); ++it)
        if (it->first == key) {
            members.erase(it);
            return;
        }
}

void Value::push(Value value) {
    as_array().push_back(std::move(value));
}

bool Value::operator==(const Value& other) const {
    return data_ == other.data_;
}

} // namespace ward::json
