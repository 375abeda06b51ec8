// ward's built-in seccomp profiles (seccomp-profiles/*.json, embedded in the
// binary at build time): the policy fills a missing linux.seccomp with one,
// `ward profile export NAME` prints one.
#pragma once

#include "ward/spec/config.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ward::seccomp {

// The profile's JSON text exactly as shipped; nullopt for an unknown name.
std::optional<std::string_view> builtin_profile(std::string_view name);

// Every built-in profile's name, sorted: "compat", "default-deny".
std::vector<std::string> builtin_profile_names();

// The profile as config.json's linux.seccomp would be, with
// builtin_profile set to its name. Built from tables the build made with
// spec's parser (no JSON is parsed at run time); throws ward::Error for an
// unknown name, listing the known ones.
spec::Seccomp builtin_profile_spec(std::string_view name);

// The profile parsed and validated from its embedded JSON by spec's parser:
// what the build-time tool makes the tables of, and what a test compares
// them with.
spec::Seccomp parse_builtin_profile(std::string_view name);

// As builtin_profile_spec, but nullopt for a name that is not built in: the
// shape of policy's profile provider, which the CLI installs.
std::optional<spec::Seccomp> find_builtin_profile(std::string_view name);

} // namespace ward::seccomp
