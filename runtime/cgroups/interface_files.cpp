// Reading cgroup v2 interface files for the controllers' usage figures
// (controller.hpp).
#include "controller.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"

#include <fcntl.h>
#include <limits>

namespace ward::cgroups {

std::optional<std::string> read_optional(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return std::nullopt;
    try {
        return read_fd(fd.get());
    } catch (const Error&) {
        return std::nullopt; // e.g. ENODEV: the cgroup was removed meanwhile
    }
}

void not_a_number(const std::string& path, std::string_view what) {
    fail("parse " + path + ": " + quote(what) + " is not a number");
}

std::optional<uint64_t> read_value(const std::string& path) {
    auto text = read_optional(path);
    if (!text)
        return std::nullopt;
    std::string_view v = trim(*text);
    if (v == "max")
        return std::numeric_limits<uint64_t>::max();
    auto n = parse_uint(v);
    if (!n)
        not_a_number(path, v);
    return n;
}

std::optional<std::vector<std::pair<std::string, uint64_t>>> read_keyed(const std::string& path) {
    auto text = read_optional(path);
    if (!text)
        return std::nullopt;
    std::vector<std::pair<std::string, uint64_t>> out;
    for (auto& line : split(*text, '\n')) {
        if (trim(line).empty())
            continue;
        auto space = line.find(' ');
        if (space == std::string::npos)
            fail("parse " + path + ": line " + quote(line) + " is not \"key value\"");
        std::string_view value = trim(std::string_view(line).substr(space + 1));
        auto n = parse_uint(value);
        if (!n)
            not_a_number(path, value);
        out.emplace_back(line.substr(0, space), *n);
    }
    return out;
}

uint64_t value_of(const std::vector<std::pair<std::string, uint64_t>>& keyed,
                  std::string_view key) {
    for (const auto& [k, v] : keyed)
        if (k == key)
            return v;
    return 0;
}

} // namespace ward::cgroups
