// Loading a compiled device filter (device_filter.hpp) and attaching it to
// a cgroup v2 directory: the bpf(2) side, kept apart from the pure compiler
// so that tests can run the compiler without privileges.
#pragma once

#include "ward/base/fd.hpp"
#include "ward/cgroups/device_filter.hpp"

#include <linux/bpf.h>
#include <string>
#include <vector>

namespace ward::cgroups {

// BPF_PROG_LOAD of a BPF_PROG_TYPE_CGROUP_DEVICE program. A refusal names
// the errno and, when the verifier gave one, ends with its log.
UniqueFd load_device_program(const std::vector<bpf_insn>& insns);

// The device program of one cgroup. The program stays attached when this
// object (and every fd) is gone: it lives as long as the cgroup does, and
// removing the cgroup is what undoes it.
class DeviceFilter {
  public:
    DeviceFilter() = default;

    // Compiles rules, loads the program and attaches it to the cgroup
    // directory with BPF_F_ALLOW_MULTI (programs attached to parent cgroups
    // keep applying: a device must pass every one), then detaches what was
    // attached to this directory before (a reused cgroup's old filter), as
    // runc does.
    static DeviceFilter attach(const std::string& cgroup_dir, const std::vector<DeviceRule>& rules);

    // Moves the cgroup to rules: attaches their program, then detaches the
    // one this object attached. While both are attached both apply, so the
    // cgroup is at no moment less restricted than by either. Nothing
    // happens when the rules reduce to what is attached, or when nothing is.
    void replace(const std::vector<DeviceRule>& rules);

    bool attached() const { return prog_.valid(); }

  private:
    UniqueFd dir_;
    UniqueFd prog_;
    std::vector<DeviceChain> chains_; // what prog_ decides
};

// True when ward runs in a user namespace other than the initial one
// (/proc/self/uid_map is not the identity over all ids).
bool in_user_namespace();

// What create uses: compiles rules and attaches them to cgroup_dir. In a
// user namespace, where bpf(2) is refused, a failure is a warning and the
// container runs without a device filter (runc does the same); anywhere
// else it is an error.
DeviceFilter apply_device_rules(const std::string& cgroup_dir,
                                const std::vector<DeviceRule>& rules);

} // namespace ward::cgroups
