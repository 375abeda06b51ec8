// Reading a policy document: a JSON object whose members must all be read,
// so a key nobody read (a typo) is an error. Shared by the rules' parser
// (parse.cpp) and the trust section's (trust.cpp).
#pragma once

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/json/json.hpp"
#include "ward/policy/policy.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ward::policy {

// A JSON object whose members must all be read: leftovers are unknown keys.
class DocumentReader {
  public:
    DocumentReader(const json::Value& v, std::string path) : v_(v), path_(std::move(path)) {
        if (!v.is_object())
            fail(path_ + ": expected object, got " + json::type_name(v.type()));
    }
    ~DocumentReader() = default;

    std::string at(std::string_view key) const {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }
    const json::Value* get(std::string_view key) {
        seen_.insert(std::string(key));
        const json::Value* m = v_.find(key);
        return m && !m->is_null() ? m : nullptr;
    }
    std::optional<std::string> str(std::string_view key) {
        const json::Value* m = get(key);
        if (!m)
            return std::nullopt;
        if (!m->is_string())
            fail(at(key) + ": expected string, got " + json::type_name(m->type()));
        return m->as_string();
    }
    std::optional<bool> boolean(std::string_view key) {
        const json::Value* m = get(key);
        if (!m)
            return std::nullopt;
        if (!m->is_bool())
            fail(at(key) + ": expected boolean, got " + json::type_name(m->type()));
        return m->as_bool();
    }
    std::optional<std::vector<std::string>> strings(std::string_view key) {
        const json::Value* m = get(key);
        if (!m)
            return std::nullopt;
        if (!m->is_array())
            fail(at(key) + ": expected array, got " + json::type_name(m->type()));
        std::vector<std::string> out;
        for (size_t i = 0; i < m->as_array().size(); ++i) {
            const json::Value& item = m->as_array()[i];
            if (!item.is_string())
                fail(at(key) + "[" + std::to_string(i) + "]: expected string, got " +
                     json::type_name(item.type()));
            out.push_back(item.as_string());
        }
        return out;
    }
    Action action() {
        auto a = str("action");
        if (!a)
            fail(at("action") + ": required (enforce or warn)");
        if (*a == "enforce")
            return Action::enforce;
        if (*a == "warn")
            return Action::warn;
        fail(at("action") + ": " + quote(*a) + " is not an action (enforce or warn)");
    }
    // Call once every known key was read.
    void done() const {
        for (const auto& [key, value] : v_.as_object())
            if (!seen_.count(key))
                fail(at(key) + ": unknown key");
    }

  private:
    const json::Value& v_;
    std::string path_;
    std::set<std::string> seen_;
};

} // namespace ward::policy
