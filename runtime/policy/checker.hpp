// Private to policy/: how evaluate() and evaluate_process() collect
// findings, each prefixed with the policy's name.
#pragma once

#include "ward/base/strings.hpp"
#include "ward/policy/policy.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace ward::policy {

inline bool contains(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

// "a, b" or "none".
inline std::string listed(const std::vector<std::string>& v) {
    return v.empty() ? "none" : join(v, ", ");
}

class Checker {
  public:
    Checker(const Policy& p, std::vector<Finding>& out) : p_(p), out_(out) {}

    // `field` and `item` say what the finding is about (policy::Finding);
    // `text` is the message after the policy's name.
    void add(const char* rule, Action action, std::string field, std::string item,
             const std::string& text) {
        out_.push_back({rule, action, "policy " + quote(p_.name) + ": " + text, std::move(field),
                        std::move(item)});
    }

  private:
    const Policy& p_;
    std::vector<Finding>& out_;
};

// The process-scoped rules (evaluate_process.cpp), for evaluate() too.
void check_process(const Policy& p, const spec::Process& process, Checker& c);

} // namespace ward::policy
