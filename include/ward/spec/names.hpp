// The vocabulary of the spec that more than one module needs: capability,
// rlimit and namespace names, mount options. One table each, so parsing,
// the runtime and `ward features` agree by construction.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ward::spec {

// "CAP_SYS_ADMIN" → 21. nullopt when unknown to this build.
std::optional<int> capability_number(std::string_view name);
// Every capability name this build knows, in number order.
const std::vector<std::string>& capability_names();

// "RLIMIT_NOFILE" → RLIMIT_NOFILE.
std::optional<int> rlimit_number(std::string_view name);
// Every rlimit name this build knows, in number order.
const std::vector<std::string>& rlimit_names();

// "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time" → CLONE_NEW*.
std::optional<uint64_t> namespace_clone_flag(std::string_view type);
const std::vector<std::string>& namespace_types();

// One mount option. `flag` is set (or cleared when `clear`); `recursive`
// options (rro, rnosuid, …) apply through mount_setattr(AT_RECURSIVE);
// `propagation` options (private, rslave, …) go in a separate mount call.
struct MountOption {
    const char* name;
    unsigned long flag;
    bool clear;
    bool recursive;
    bool propagation;
};
std::span<const MountOption> mount_options();
const MountOption* find_mount_option(std::string_view name);

// Seccomp vocabulary. The spec's full lists are what a config may name;
// the "supported" lists are what this build's libseccomp (2.5) can apply
// and what `ward features` reports.
const std::vector<std::string>& seccomp_actions();
const std::vector<std::string>& seccomp_operators();
const std::vector<std::string>& seccomp_architectures();
const std::vector<std::string>& seccomp_supported_architectures();
const std::vector<std::string>& seccomp_flags();

} // namespace ward::spec
