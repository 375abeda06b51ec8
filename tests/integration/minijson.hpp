// A tiny JSON value for the integration tests: builds config.json in code and
// parses what the runtime prints (state, list --format json, hook stdin).
//
// Deliberately independent of ward's json module: the tests judge ward's
// output, so they must not share its parser.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ward_it {

class Json {
  public:
    enum class Kind { null, boolean, number, string, array, object };

    Json() = default;
    Json(std::nullptr_t) {}
    Json(bool b) : kind_(Kind::boolean), bool_(b) {}
    Json(int n) : kind_(Kind::number), num_(n) {}
    Json(long n) : kind_(Kind::number), num_(n) {}
    Json(long long n) : kind_(Kind::number), num_(n) {}
    Json(unsigned long long n) : kind_(Kind::number), num_(static_cast<long long>(n)) {}
    Json(const char* s) : kind_(Kind::string), str_(s) {}
    Json(std::string s) : kind_(Kind::string), str_(std::move(s)) {}

    static Json array(std::initializer_list<Json> items = {});
    static Json object() {
        Json j;
        j.kind_ = Kind::object;
        return j;
    }
    static Json strings(const std::vector<std::string>& items);

    // Throws std::runtime_error on malformed input.
    static Json parse(const std::string& text);

    Kind kind() const { return kind_; }
    bool is_null() const { return kind_ == Kind::null; }

    // Object access; operator[] creates the key (turning null into an object).
    Json& operator[](const std::string& key);
    const Json* find(const std::string& key) const;
    // Throws when missing, naming the key: a test failure, not a crash.
    const Json& at(const std::string& key) const;
    void erase(const std::string& key);

    // Array access.
    Json& push(Json item);
    const std::vector<Json>& items() const { return items_; }
    size_t size() const { return kind_ == Kind::object ? members_.size() : items_.size(); }
    const Json& operator[](size_t i) const { return items_.at(i); }

    const std::string& str() const; // throws unless a string
    long long num() const;          // throws unless a number
    bool boolean() const;           // throws unless a boolean

    std::string dump() const;

  private:
    Kind kind_ = Kind::null;
    bool bool_ = false;
    long long num_ = 0;
    std::string str_;
    std::vector<Json> items_;
    std::vector<std::pair<std::string, Json>> members_; // document order
};

} // namespace ward_it
