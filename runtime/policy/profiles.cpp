// The hook through which apply() fills a missing seccomp section with a
// built-in profile, and the interim provider used until the seccomp
// module's profiles land.
//
// TODO(merge seccomp branch): replace interim_profile() below with
//     return seccomp::builtin_profile(name);
// (include "ward/seccomp/profiles.hpp" or wherever it is declared) and
// delete the interim code. Nothing else in policy/ needs to change.
#include "ward/policy/policy.hpp"

#include <cerrno>
#include <cstdlib>
#include <seccomp.h>
#include <set>

namespace ward::policy {
namespace {

// Interim "default-deny" (and "compat", the same for now): unknown syscalls (and anything newer
// than this libseccomp) get ENOSYS so libc falls back, the escape-prone ones get EPERM, everything
// else libseccomp knows is allowed. Default-deny in form, a deny list in substance: weaker than the
// real profile, which derives its allowlist from measured workloads.
std::optional<spec::Seccomp> interim_profile(std::string_view name) {
    if (name != "default-deny" && name != "compat")
        return std::nullopt;
    static const std::set<std::string> denied = {"acct",
                                                 "add_key",
                                                 "adjtimex",
                                                 "bpf",
                                                 "clock_adjtime",
                                                 "clock_settime",
                                                 "create_module",
                                                 "delete_module",
                                                 "finit_module",
                                                 "fsconfig",
                                                 "fsmount",
                                                 "fsopen",
                                                 "fspick",
                                                 "get_kernel_syms",
                                                 "init_module",
                                                 "io_uring_enter",
                                                 "io_uring_register",
                                                 "io_uring_setup",
                                                 "ioperm",
                                                 "iopl",
                                                 "kcmp",
                                                 "kexec_file_load",
                                                 "kexec_load",
                                                 "keyctl",
                                                 "lookup_dcookie",
                                                 "mount",
                                                 "mount_setattr",
                                                 "move_mount",
                                                 "name_to_handle_at",
                                                 "nfsservctl",
                                                 "open_by_handle_at",
                                                 "open_tree",
                                                 "perf_event_open",
                                                 "pivot_root",
                                                 "process_vm_readv",
                                                 "process_vm_writev",
                                                 "ptrace",
                                                 "query_module",
                                                 "quotactl",
                                                 "reboot",
                                                 "request_key",
                                                 "setns",
                                                 "settimeofday",
                                                 "stime",
                                                 "swapoff",
                                                 "swapon",
                                                 "syslog",
                                                 "umount",
                                                 "umount2",
                                                 "unshare",
                                                 "uselib",
                                                 "userfaultfd",
                                                 "vhangup"};
    // clone3 is left to the default (ENOSYS): its flags live in memory a
    // filter cannot inspect, and libc falls back to clone.
    spec::Seccomp profile;
    profile.default_action = "SCMP_ACT_ERRNO";
    profile.default_errno_ret = ENOSYS;
    spec::SeccompSyscall allow{{}, "SCMP_ACT_ALLOW", std::nullopt, {}};
    spec::SeccompSyscall deny{{}, "SCMP_ACT_ERRNO", EPERM, {}};
    for (int nr = 0; nr < 1024; ++nr) {
        char* resolved = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
        if (!resolved)
            continue;
        std::string syscall = resolved;
        std::free(resolved);
        if (syscall == "clone3")
            continue;
        (denied.count(syscall) ? deny : allow).names.push_back(syscall);
    }
    profile.syscalls = {allow, deny};
    return profile;
}

ProfileProvider g_provider = interim_profile;

} // namespace

void set_profile_provider(ProfileProvider provider) {
    g_provider = provider ? provider : interim_profile;
}

std::optional<spec::Seccomp> builtin_profile(std::string_view name) {
    return g_provider(name);
}

} // namespace ward::policy
