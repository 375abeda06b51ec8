// linux.seccomp (OCI) → a BPF program and the seccomp(2) flags to load it
// with. Building happens before the init reports ready (errors reach
// `create`); loading is the last step before execve, unless the filter
// notifies a listener (SCMP_ACT_NOTIFY): then it is loaded before "ready",
// so its notify fd can reach linux.seccomp.listenerPath during `create`.
//
// libseccomp turns a profile into BPF (binary-tree optimised); ward loads
// the program itself with seccomp(2), so it controls the flags (libseccomp
// 2.5 cannot set WAIT_KILLABLE_RECV) and so the built-in profiles, compiled
// to BPF when ward is built, load without running libseccomp at all.
#pragma once

#include "ward/base/fd.hpp"
#include "ward/json/json.hpp"
#include "ward/spec/config.hpp"

#include <linux/filter.h>
#include <span>
#include <string>
#include <vector>

namespace ward::seccomp {

class ProgramCache;

class Filter {
  public:
    // Validates and builds; throws ward::Error naming the field, e.g.
    // `linux.seccomp.syscalls[3].action: "SCMP_ACT_FOO" is not a seccomp action`.
    // Syscall names unknown for an architecture are skipped (debug line),
    // as runc does, so one profile serves several kernels. A section filled
    // from a built-in profile (config.builtin_profile) takes the program
    // compiled at build time; any other profile comes from `cache` when it
    // was compiled before (program_cache.hpp), and goes there when not.
    static Filter build(const spec::Seccomp& config, const ProgramCache* cache = nullptr);
    // Always through libseccomp, ignoring config.builtin_profile: what the
    // build-time compiler and the tests comparing against it use.
    static Filter compile(const spec::Seccomp& config);

    Filter(Filter&&) noexcept = default;
    Filter& operator=(Filter&&) noexcept = default;
    Filter(const Filter&) = delete; // program_ may point into owned_
    Filter& operator=(const Filter&) = delete;

    // seccomp(SECCOMP_SET_MODE_FILTER) with the flags the config asked for
    // (those this kernel lacks were dropped with a warning by build). The
    // caller has set no_new_privs or still holds CAP_SYS_ADMIN. Returns the
    // listener fd when uses_notify(), else an empty fd; the caller owns it.
    UniqueFd load() const;

    // True when some action (or the default) is SCMP_ACT_NOTIFY.
    bool uses_notify() const { return notify_; }
    // Number of rules added (for debug output and tests).
    int rule_count() const { return rules_; }
    // Whether the program came precompiled from the build.
    bool precompiled() const { return precompiled_; }
    // Whether the program came from the program cache.
    bool from_cache() const { return from_cache_; }
    std::span<const sock_filter> program() const { return program_; }
    // SECCOMP_FILTER_FLAG_* bits load() passes.
    unsigned kernel_flags() const { return flags_; }

  private:
    Filter() = default;
    static Filter own_profile(const spec::Seccomp& config, const ProgramCache* cache);
    // A compiled program lives in owned_; a precompiled one stays in the
    // binary's read-only data (no copy, no page to dirty in the init).
    std::vector<sock_filter> owned_;
    std::span<const sock_filter> program_;
    unsigned flags_ = 0;
    int rules_ = 0;
    bool notify_ = false;
    bool precompiled_ = false;
    bool from_cache_ = false;
};

// SCMP_ACT_* names this build accepts, SCMP_CMP_* operators, SCMP_ARCH_*
// architectures, SECCOMP_FILTER_FLAG_* flags it knows and those the running
// kernel supports (for `ward features`).
const std::vector<std::string>& action_names();
const std::vector<std::string>& operator_names();
const std::vector<std::string>& architecture_names();
const std::vector<std::string>& flag_names();
std::vector<std::string> supported_flag_names();

// The runtime-spec features "linux.seccomp" object built from the lists above.
json::Value features_section();

} // namespace ward::seccomp
