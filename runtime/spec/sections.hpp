// Private to spec/: the parsers of each part of config.json, and the
// checks they share.
#pragma once

#include "reader.hpp"
#include "ward/spec/config.hpp"

#include <initializer_list>
#include <string>
#include <vector>

namespace ward::spec::detail {

Process parse_process(const Obj& obj);
Landlock parse_landlock(const Obj& obj); // process.landlock
Linux parse_linux(const Obj& obj);
Resources parse_resources(const Obj& obj);
IdMapping parse_id_mapping(const Obj& obj);

// Fails `PATH: "x" is not an absolute path` unless value starts with '/'.
void check_absolute(const std::string& path, const std::string& value);

// Fails `PATH: "value" is not WHAT` unless value is one of `allowed`.
void check_one_of(const std::string& path, const std::string& value,
                  const std::vector<std::string>& allowed, const std::string& what);
void check_one_of(const std::string& path, const std::string& value,
                  std::initializer_list<const char*> allowed, const std::string& what);

// Fails unless min <= value <= max.
void check_between(const std::string& path, int64_t value, int64_t min, int64_t max);

} // namespace ward::spec::detail
