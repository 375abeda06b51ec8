// The user and capability step: the last privileged change the init makes
// to itself. The order matters: groups and gid while still root, the
// bounding set while CAP_SETPCAP is still effective, ambient cleared, then
// the uid change with KEEPCAPS so the permitted set survives it, then the
// exact sets, read back. Everything but that last capset can run before a
// seccomp filter that must be loaded with CAP_SYS_ADMIN (no no_new_privs):
// ids, groups and the bounding set are then out of the filter's reach, and
// the one capset under it is checked with capget.
#include "ward/base/error.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/process.hpp"
#include "ward/spec/names.hpp"

#include <array>
#include <cstdint>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ward::linux {

namespace {

std::optional<int> capability_index(std::string_view name) {
    return spec::capability_number(name);
}

std::string capability_name(int cap) {
    const auto& names = spec::capability_names();
    if (cap >= 0 && static_cast<size_t>(cap) < names.size())
        return names[static_cast<size_t>(cap)];
    return "capability " + std::to_string(cap);
}

// The highest capability the running kernel knows. Probing the bounding set
// needs no /proc, which may not be mounted in the container. PR_CAPBSET_READ
// says EINVAL exactly above the last one, so a binary search over 0..63
// finds it in 6 calls instead of one per capability.
int last_kernel_capability() {
    int known = 0, unknown = 64; // CAP_CHOWN (0) always exists
    while (unknown - known > 1) {
        int mid = (known + unknown) / 2;
        (::prctl(PR_CAPBSET_READ, mid, 0, 0, 0) >= 0 ? known : unknown) = mid;
    }
    return known;
}

using CapSet = uint64_t;

bool has(CapSet set, int cap) {
    return (set >> cap) & 1;
}

CapSet resolve(const std::optional<std::vector<std::string>>& names, std::string_view set_name,
               int last_cap) {
    CapSet set = 0;
    if (!names)
        return set;
    for (const auto& name : *names) {
        auto cap = capability_index(name);
        // The config parser refuses names ward has no number for; one
        // reaching here came from somewhere that skipped it.
        if (!cap)
            fail("process.capabilities." + std::string(set_name) + ": unknown capability " +
                 quote(name));
        // Known to ward, not to this (older) kernel: nothing to grant, as runc.
        if (*cap > last_cap) {
            log::debug("process.capabilities." + std::string(set_name) + ": " + name +
                       " is not supported by this kernel, skipped");
            continue;
        }
        set |= CapSet{1} << *cap;
    }
    return set;
}

struct Sets {
    CapSet bounding = 0, effective = 0, permitted = 0, inheritable = 0, ambient = 0;
};

Sets resolve_sets(const std::optional<spec::Capabilities>& caps, int last_cap) {
    Sets sets;
    if (!caps) // absent: keep nothing
        return sets;
    sets.bounding = resolve(caps->bounding, "bounding", last_cap);
    sets.effective = resolve(caps->effective, "effective", last_cap);
    sets.permitted = resolve(caps->permitted, "permitted", last_cap);
    sets.inheritable = resolve(caps->inheritable, "inheritable", last_cap);
    sets.ambient = resolve(caps->ambient, "ambient", last_cap);
    return sets;
}

// Refuses sets the kernel would reject, before anything is changed.
// An ambient capability outside permitted ∩ inheritable cannot be raised
// (the kernel says EPERM). The policy gate refuses such a config under
// hardened and baseline (with inheritable capabilities ambient does not
// need: CVE-2022-29162); what reaches here is what a policy let through
// with a warning (compat: OCI-faithful), and runc skips it and runs, as
// `runc spec` writes such a config (ambient, no inheritable). So ward skips
// it too, with a warning. Nothing is granted either way.
void validate(Sets& sets) {
    CapSet bad_ambient = sets.ambient & ~(sets.permitted & sets.inheritable);
    for (int cap = 0; bad_ambient >> cap; ++cap)
        if (has(bad_ambient, cap))
            log::degraded("process.capabilities.ambient: " + capability_name(cap) +
                          " is not in both the permitted and inheritable sets; not raised");
    sets.ambient &= ~bad_ambient;
    CapSet bad_effective = sets.effective & ~sets.permitted;
    if (bad_effective)
        fail("process.capabilities.effective: " + capability_name(__builtin_ctzll(bad_effective)) +
             " is not in the permitted set");
}

// capset; with `verify`, then capget to see that the kernel holds exactly
// those sets. A seccomp filter loaded before the capset (no no_new_privs:
// see container/finalize.cpp) could answer it with errno 0 without running
// it; capget writes its answer into our buffer, which such a filter cannot
// fake, so the buffer starts out as the complement of what is expected.
// Without a filter loaded yet there is nothing to check.
void set_process_caps(const CapabilitySets& sets, bool verify) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    for (int word = 0; word < 2; ++word) {
        data[word].effective = static_cast<uint32_t>(sets.effective >> (32 * word));
        data[word].permitted = static_cast<uint32_t>(sets.permitted >> (32 * word));
        data[word].inheritable = static_cast<uint32_t>(sets.inheritable >> (32 * word));
    }
    if (::syscall(SYS_capset, &header, data) < 0)
        fail_errno("capset");
    if (!verify)
        return;
    __user_cap_data_struct seen[2]{};
    for (int word = 0; word < 2; ++word) {
        seen[word].effective = ~data[word].effective;
        seen[word].permitted = ~data[word].permitted;
        seen[word].inheritable = ~data[word].inheritable;
    }
    header = {_LINUX_CAPABILITY_VERSION_3, 0};
    if (::syscall(SYS_capget, &header, seen) < 0)
        fail_errno("capget");
    for (int word = 0; word < 2; ++word)
        if (seen[word].effective != data[word].effective ||
            seen[word].permitted != data[word].permitted ||
            seen[word].inheritable != data[word].inheritable)
            fail("capset: the kernel does not hold the capability sets asked for (a seccomp "
                 "filter answering capset without running it?)");
}

void set_ids(const spec::User& user, bool setgroups_allowed) {
    if (setgroups_allowed) {
        std::vector<gid_t> groups(user.additional_gids.begin(), user.additional_gids.end());
        // An empty list matters too: it drops the groups the runtime had.
        if (::setgroups(groups.size(), groups.data()) < 0)
            fail_errno("setgroups " + std::to_string(groups.size()) + " additionalGids");
    } else if (!user.additional_gids.empty()) {
        log::degraded("process.user.additionalGids ignored: setgroups is denied in this user "
                      "namespace");
    }
    if (::setresgid(user.gid, user.gid, user.gid) < 0)
        fail_errno("setresgid " + std::to_string(user.gid));
}

} // namespace

CapabilitySets apply_user_and_capabilities(const spec::Process& process, bool setgroups_allowed,
                                           bool keep_sys_admin) {
    const int last_cap = last_kernel_capability();
    Sets sets = resolve_sets(process.capabilities, last_cap);
    validate(sets);
    const CapabilitySets final_sets{sets.effective, sets.permitted, sets.inheritable};

    ::umask(process.user.umask.value_or(022) & 07777);

    set_ids(process.user, setgroups_allowed);
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        fail_errno("prctl PR_SET_KEEPCAPS");
    for (int cap = 0; cap <= last_cap; ++cap)
        if (!has(sets.bounding, cap) && ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
            fail_errno("drop " + capability_name(cap) + " from the bounding set");
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        fail_errno("clear ambient capabilities");
    if (::setresuid(process.user.uid, process.user.uid, process.user.uid) < 0)
        fail_errno("setresuid " + std::to_string(process.user.uid));
    CapabilitySets now = final_sets;
    if (keep_sys_admin) {
        now.effective |= CapSet{1} << CAP_SYS_ADMIN;
        now.permitted |= CapSet{1} << CAP_SYS_ADMIN;
    }
    set_process_caps(now, false); // no filter is loaded yet
    for (int cap = 0; cap <= last_cap; ++cap)
        if (has(sets.ambient, cap) && ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            fail_errno("raise ambient " + capability_name(cap));
    if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        fail_errno("prctl PR_SET_KEEPCAPS");
    return final_sets;
}

void set_capabilities(const CapabilitySets& sets) {
    set_process_caps(sets, true);
}

void set_no_new_privileges() {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        fail_errno("prctl PR_SET_NO_NEW_PRIVS");
}

} // namespace ward::linux
