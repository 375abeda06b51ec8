// A small JSON DOM and writer. This module is the only place that includes
// yajl; everything else in ward sees only this header.
//
// Objects keep their keys in document order (config.json round-trips and
// output is stable). Integers are kept exactly: signed 64-bit when they fit,
// else unsigned 64-bit (seccomp argument values reach 2^64-1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ward::json {

enum class Type { null, boolean, number, string, array, object };

// "null", "boolean", "number", "string", "array", "object"
const char* type_name(Type type);

class Value {
  public:
    using Array = std::vector<Value>;
    using Object = std::vector<std::pair<std::string, Value>>;

    Value() = default; // null
    Value(std::nullptr_t) {}
    Value(bool b) : data_(b) {}
    Value(int v) : data_(static_cast<int64_t>(v)) {}
    Value(long v) : data_(static_cast<int64_t>(v)) {}
    Value(long long v) : data_(static_cast<int64_t>(v)) {}
    Value(unsigned v) : data_(static_cast<int64_t>(v)) {}
    Value(unsigned long v);      // int64 when it fits, else uint64
    Value(unsigned long long v); // int64 when it fits, else uint64
    Value(double v) : data_(v) {}
    Value(std::string s) : data_(std::move(s)) {}
    Value(std::string_view s) : data_(std::string(s)) {}
    Value(const char* s) : data_(std::string(s)) {}
    Value(Array a) : data_(std::move(a)) {}
    Value(Object o) : data_(std::move(o)) {}

    static Value array() { return Value(Array{}); }
    static Value object() { return Value(Object{}); }

    Type type() const;
    bool is_null() const { return type() == Type::null; }
    bool is_bool() const { return type() == Type::boolean; }
    bool is_number() const { return type() == Type::number; }
    bool is_string() const { return type() == Type::string; }
    bool is_array() const { return type() == Type::array; }
    bool is_object() const { return type() == Type::object; }
    // A number written without fraction/exponent that fits int64 or uint64.
    bool is_integer() const;

    // Accessors throw ward::Error ("expected string, got number") on a type mismatch.
    bool as_bool() const;
    const std::string& as_string() const;
    // Exact integer conversions; nullopt when not an integer or out of range.
    std::optional<int64_t> as_int64() const;
    std::optional<uint64_t> as_uint64() const;
    double as_double() const;
    const Array& as_array() const;
    Array& as_array();
    const Object& as_object() const;
    Object& as_object();

    // Object member lookup; nullptr when absent (or when not an object).
    const Value* find(std::string_view key) const;
    Value* find(std::string_view key);
    // Sets an object member, replacing an existing one in place. Returns it.
    Value& set(std::string key, Value value);
    // Removes a member if present.
    void erase(std::string_view key);
    // Appends to an array.
    void push(Value value);

    bool operator==(const Value& other) const;

  private:
    std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string, Array, Object> data_;
};

// Parses one JSON document. Throws ward::Error with position, e.g.
// "invalid JSON at line 3, column 7: unallowed token".
// Duplicate object keys are an error (ambiguous config).
Value parse(std::string_view text);

enum class Style { compact, pretty };

// Serializes; pretty uses two-space indentation and a trailing newline-free body.
std::string serialize(const Value& value, Style style = Style::compact);

} // namespace ward::json
