// linux.resources.devices → a BPF_PROG_TYPE_CGROUP_DEVICE program: the
// device access control of cgroup v2, which has no devices.allow file. Pure
// code (no syscalls): the rules are normalised, reduced and compiled here;
// device_program.hpp loads and attaches the result.
//
// What a rule list means:
//
//   - A rule matches a device when its type is "a" (or absent) or the
//     device's type, and its major and minor are absent/-1 or equal.
//   - A request asks for one or more accesses (r, w, m: opening O_RDWR asks
//     for r and w at once). For each of them, the LAST rule that matches the
//     device and lists that access decides; with none, it is denied. The
//     request is allowed only when every access it asks for is.
//   - ward's standard set (standard_device_rules) is appended after the
//     config's rules, as runc appends its own: a config cannot deny
//     /dev/null.
//
// runc reaches nearly the same answers through its cgroup v1 emulator; where
// it differs: runc refuses a deny that "punches a hole" in an earlier
// wildcard allow (here the later deny simply wins), requires one rule to
// cover all the accesses of a request (here each access is decided on its
// own), treats any type-"a" rule as "every device, every access" whatever
// its major, minor and access say (here they are honoured), and in its
// allow-by-default mode lets an O_RDWR open through a rule that denies only
// "w" (here it is denied). runc's standard set also allows mknod of every
// char and block device ("c *:* m", "b *:* m"); ward's does not: a device
// outside the allowed set can neither be opened nor created (a config that
// wants mknod everywhere, as Docker's does, says so itself).
#pragma once

#include "ward/spec/config.hpp"

#include <cstdint>
#include <linux/bpf.h>
#include <string>
#include <vector>

namespace ward::cgroups {

// Access bits, as the kernel passes them to the program.
inline constexpr unsigned kDevMknod = BPF_DEVCG_ACC_MKNOD;
inline constexpr unsigned kDevRead = BPF_DEVCG_ACC_READ;
inline constexpr unsigned kDevWrite = BPF_DEVCG_ACC_WRITE;
inline constexpr unsigned kDevAll = kDevMknod | kDevRead | kDevWrite;

inline constexpr int64_t kAnyNumber = -1;

// One rule, normalised: type 'a', 'b' or 'c'; major/minor kAnyNumber for
// any; access a non-empty mask of kDev* bits.
struct DeviceRule {
    bool allow = false;
    char type = 'a';
    int64_t major = kAnyNumber;
    int64_t minor = kAnyNumber;
    unsigned access = kDevAll;

    bool operator==(const DeviceRule&) const = default;
};

// What every container may use whatever its config says: /dev/null, zero,
// full, random, urandom, tty, ptmx and the pty slaves (/dev/pts/*, also
// what /dev/console is), all "rwm". runc's list without its mknod-anything
// rules (see above).
const std::vector<DeviceRule>& standard_device_rules();

// linux.resources.devices normalised (empty type → 'a', absent major/minor
// → any, empty access → "rwm"), followed by the standard set. Refuses a
// major/minor below -1, naming the field. A rule whose number no device can
// have (major > 4095, minor > 1048575) is kept: it matches nothing.
std::vector<DeviceRule> device_rules(const spec::Spec& spec);

// What create allows while the container is being set up, before the
// container's own code runs: the rules plus mknod of each char/block node
// linux.devices asks ward to create (so the init can make them even when
// the config does not allow them; they are created, never opened).
std::vector<DeviceRule> setup_device_rules(const spec::Spec& spec,
                                           const std::vector<DeviceRule>& rules);

// The reference semantics: is a request for `access` (kDev* bits) on the
// device type ('b' or 'c') major:minor allowed? Tests check the compiled
// program (and the kernel running it) against this.
bool device_allowed(const std::vector<DeviceRule>& rules, char type, uint32_t major, uint32_t minor,
                    unsigned access);

// The reduced form the program is built from: for a set of accesses that
// share one decision list, the rules in evaluation order (first match
// decides) and the decision when none matches. Rules that can never decide
// (shadowed by a later wider rule, same answer as what is behind them, or
// matching no device) are gone; an allow or deny of every device for an
// access becomes that access's default and drops what came before it.
struct DeviceChain {
    unsigned access = 0; // kDev* bits this chain decides
    bool default_allow = false;
    std::vector<DeviceRule> rules;

    bool operator==(const DeviceChain&) const = default;
};
std::vector<DeviceChain> reduce_device_rules(const std::vector<DeviceRule>& rules);

// The program: for each chain whose accesses the request asks for, the
// first matching rule (else the chain's default) says allow (go on) or deny
// (return 0); all allowed → return 1.
std::vector<bpf_insn> compile_device_filter(const std::vector<DeviceChain>& chains);

// Rules as "c 1:3 rwm" (with "allow"/"deny" in front), for messages and tests.
std::string to_string(const DeviceRule& rule);

} // namespace ward::cgroups
