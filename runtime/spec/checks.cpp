#include "sections.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>

namespace ward::spec::detail {

void check_absolute(const std::string& path, const std::string& value) {
    if (!value.starts_with('/'))
        fail_at(path, quote(value) + " is not an absolute path");
}

void check_one_of(const std::string& path, const std::string& value,
                  const std::vector<std::string>& allowed, const std::string& what) {
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
        fail_at(path, quote(value) + " is not " + what);
}

void check_one_of(const std::string& path, const std::string& value,
                  std::initializer_list<const char*> allowed, const std::string& what) {
    for (const char* name : allowed)
        if (value == name)
            return;
    fail_at(path, quote(value) + " is not " + what);
}

void check_between(const std::string& path, int64_t value, int64_t min, int64_t max) {
    if (value < min || value > max)
        fail_at(path, std::to_string(value) + " is out of range (" + std::to_string(min) + ".." +
                          std::to_string(max) + ")");
}

IdMapping parse_id_mapping(const Obj& obj) {
    IdMapping m;
    m.container_id = obj.need_int<uint32_t>("containerID");
    m.host_id = obj.need_int<uint32_t>("hostID");
    m.size = obj.need_int<uint32_t>("size");
    if (m.size == 0)
        fail_at(obj.at("size"), "must be at least 1");
    return m;
}

} // namespace ward::spec::detail
