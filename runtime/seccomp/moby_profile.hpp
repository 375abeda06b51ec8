// Private to seccomp/: the Docker/moby seccomp profile format (archMap,
// includes/excludes, name/names, comment), resolved the way Docker and
// podman resolve it when they start a container.
#pragma once

#include "ward/json/json.hpp"
#include "ward/seccomp/analysis.hpp"

#include <string>
#include <string_view>

namespace ward::seccomp::moby {

// Whether a profile object uses moby's own fields (archMap, or a syscall
// entry with includes, excludes, name or comment).
bool is_moby(const json::Value& profile);

// Checks every field (errors name `source` and the JSON path), resolves it
// for `resolve.capabilities`, `resolve.arch` and the kernel, and returns
// the OCI linux.seccomp object it becomes.
json::Value resolve(const json::Value& profile, std::string_view source,
                    const ProfileSource& resolve);

// "SCMP_ARCH_X86_64" → "amd64": the native architecture name moby's
// includes/excludes arches and archMap selection use; "" when unknown.
std::string native_arch_name(std::string_view scmp_arch);

} // namespace ward::seccomp::moby
