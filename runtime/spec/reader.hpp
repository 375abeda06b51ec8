// Private to spec/: typed, path-aware access to a config.json DOM. Every
// failure names the JSON path ("linux.namespaces[2].type"), the value and
// why; the caller prefixes the source ("config.json: ").
//
// JSON null counts as absent, as it does for Go's encoding/json (configs
// written by Go tools carry "field": null).
#pragma once

#include "ward/json/json.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ward::spec::detail {

[[noreturn]] void fail_at(const std::string& path, const std::string& why);
[[noreturn]] void fail_missing(const std::string& path);

// `string "0"`, `number 1.5`, `boolean true`, `null`, `array`, `object`
std::string describe(const json::Value& v);

// "a.b", or `a["net.ipv4.ip_forward"]` for keys that are not plain words.
std::string member_path(const std::string& parent, std::string_view key);
std::string index_path(const std::string& parent, size_t index);

template <typename T>
const char* int_type_name() {
    if constexpr (std::is_same_v<T, uint16_t>)
        return "uint16";
    else if constexpr (std::is_same_v<T, uint32_t>)
        return "uint32";
    else if constexpr (std::is_same_v<T, uint64_t>)
        return "uint64";
    else if constexpr (std::is_same_v<T, int32_t>)
        return "int32";
    else
        return "int64";
}

// Checks that the integer n (already known to be an integer of the JSON
// text) fits T; fails with the T range otherwise.
[[noreturn]] void fail_range(const std::string& path, const std::string& value, const char* type,
                             const std::string& min, const std::string& max);
[[noreturn]] void fail_not_integer(const std::string& path, const json::Value& v);

template <typename T>
[[noreturn]] void fail_out_of_range(const std::string& path, const json::Value& v) {
    using Limits = std::numeric_limits<T>;
    fail_range(path, json::serialize(v), int_type_name<T>(), std::to_string(Limits::min()),
               std::to_string(Limits::max()));
}

template <typename T>
T to_int(const json::Value& v, const std::string& path) {
    using Limits = std::numeric_limits<T>;
    if (!v.is_integer()) {
        // An integer literal beyond 64 bits is stored as a double.
        if (v.is_number()) {
            double d = v.as_double();
            if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) >= 9223372036854775808.0)
                fail_out_of_range<T>(path, v);
        }
        fail_not_integer(path, v);
    }
    if (auto i = v.as_int64()) {
        if constexpr (std::is_signed_v<T>) {
            if (*i < static_cast<int64_t>(Limits::min()) ||
                *i > static_cast<int64_t>(Limits::max()))
                fail_out_of_range<T>(path, v);
        } else {
            if (*i < 0 || static_cast<uint64_t>(*i) > static_cast<uint64_t>(Limits::max()))
                fail_out_of_range<T>(path, v);
        }
        return static_cast<T>(*i);
    }
    // Only uint64 holds values above INT64_MAX.
    if constexpr (std::is_same_v<T, uint64_t>)
        return *v.as_uint64();
    fail_out_of_range<T>(path, v);
}

const std::string& to_string(const json::Value& v, const std::string& path);
bool to_bool(const json::Value& v, const std::string& path);
const json::Value::Array& to_array(const json::Value& v, const std::string& path);
std::vector<std::string> to_strings(const json::Value& v, const std::string& path);

// One JSON object at a path.
class Obj {
  public:
    Obj(const json::Value& v, std::string path);

    const std::string& path() const { return path_; }
    std::string at(std::string_view key) const { return member_path(path_, key); }
    // The member, or nullptr when absent or null.
    const json::Value* get(std::string_view key) const;
    const json::Value& need(std::string_view key) const; // fails when absent

    std::string str(std::string_view key) const; // "" when absent
    std::optional<std::string> opt_str(std::string_view key) const;
    std::string need_str(std::string_view key) const;
    std::optional<bool> opt_bool(std::string_view key) const;
    bool boolean(std::string_view key) const { return opt_bool(key).value_or(false); }
    std::vector<std::string> strings(std::string_view key) const;
    std::optional<std::vector<std::string>> opt_strings(std::string_view key) const;
    std::map<std::string, std::string> string_map(std::string_view key) const;
    std::optional<Obj> opt_obj(std::string_view key) const;

    template <typename T>
    std::optional<T> opt_int(std::string_view key) const {
        const json::Value* v = get(key);
        if (!v)
            return std::nullopt;
        return to_int<T>(*v, at(key));
    }
    template <typename T>
    T integer(std::string_view key) const {
        return opt_int<T>(key).value_or(T{});
    }
    template <typename T>
    T need_int(std::string_view key) const {
        return to_int<T>(need(key), at(key));
    }

    // Calls fn(Obj) for each element of an array of objects.
    template <typename Fn>
    void each_obj(std::string_view key, Fn&& fn) const {
        const json::Value* v = get(key);
        if (!v)
            return;
        std::string base = at(key);
        const auto& items = to_array(*v, base);
        for (size_t i = 0; i < items.size(); ++i)
            fn(Obj(items[i], index_path(base, i)));
    }
    // Calls fn(name, Obj) for each member of an object of objects.
    template <typename Fn>
    void each_member_obj(std::string_view key, Fn&& fn) const {
        auto map = opt_obj(key);
        if (!map)
            return;
        for (const auto& [name, value] : map->value_->as_object())
            if (!value.is_null())
                fn(name, Obj(value, member_path(map->path_, name)));
    }

  private:
    const json::Value* value_;
    std::string path_;
};

} // namespace ward::spec::detail
