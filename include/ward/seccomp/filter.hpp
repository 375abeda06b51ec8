// linux.seccomp (OCI) → a compiled libseccomp filter, loaded by the init.
// Building happens before the init reports ready (errors reach `create`);
// loading is the last step before execve, unless the filter notifies a
// listener (SCMP_ACT_NOTIFY): then it is loaded before "ready", so its
// notify fd can reach linux.seccomp.listenerPath during `create`.
#pragma once

#include "ward/base/fd.hpp"
#include "ward/json/json.hpp"
#include "ward/spec/config.hpp"

#include <memory>
#include <string>

namespace ward::seccomp {

class Filter {
  public:
    // Validates and builds; throws ward::Error naming the field, e.g.
    // `linux.seccomp.syscalls[3].action: "SCMP_ACT_FOO" is not a seccomp action`.
    // Syscall names unknown for an architecture are skipped (debug line),
    // as runc does, so one profile serves several kernels.
    static Filter build(const spec::Seccomp& config);

    Filter(Filter&&) noexcept;
    Filter& operator=(Filter&&) noexcept;
    ~Filter();

    // seccomp_load; the caller has set no_new_privs or still holds
    // CAP_SYS_ADMIN.
    void load() const;

    // True when some action (or the default) is SCMP_ACT_NOTIFY.
    bool uses_notify() const { return notify_; }
    // After load(), the listener fd the kernel made for this filter (none
    // unless uses_notify()); the caller owns and closes it.
    UniqueFd notify_fd() const;

    // Number of rules added (for debug output and tests).
    int rule_count() const { return rules_; }

  private:
    Filter() = default;
    struct Context;
    std::unique_ptr<Context> ctx_;
    int rules_ = 0;
    bool notify_ = false;
};

// SCMP_ACT_* names this build accepts, SCMP_CMP_* operators, SCMP_ARCH_*
// architectures and SECCOMP_FILTER_FLAG_* flags (for `ward features`).
const std::vector<std::string>& action_names();
const std::vector<std::string>& operator_names();
const std::vector<std::string>& architecture_names();
const std::vector<std::string>& flag_names();

// The runtime-spec features "linux.seccomp" object built from the lists above.
json::Value features_section();

} // namespace ward::seccomp
