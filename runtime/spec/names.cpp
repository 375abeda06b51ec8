// The spec's vocabulary as tables. Parsing validates against them, the
// runtime maps names to numbers with them and `ward features` prints them,
// so the three cannot drift apart.
#include "ward/spec/names.hpp"

#include <algorithm>
#include <linux/capability.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace ward::spec {
namespace {

template <typename T>
struct Named {
    const char* name;
    T value;
};

// Index = capability number.
constexpr const char* kCapabilities[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};
static_assert(std::size(kCapabilities) == CAP_CHECKPOINT_RESTORE + 1);

constexpr Named<int> kRlimits[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},           {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},         {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},   {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},       {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},     {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

constexpr Named<uint64_t> kNamespaces[] = {
    {"pid", CLONE_NEWPID},       {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS},
    {"ipc", CLONE_NEWIPC},       {"uts", CLONE_NEWUTS},     {"user", CLONE_NEWUSER},
    {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

// name, flag, clear, recursive, propagation
constexpr MountOption kMountOptions[] = {
    {"ro", MS_RDONLY, false, false, false},
    {"rw", MS_RDONLY, true, false, false},
    {"suid", MS_NOSUID, true, false, false},
    {"nosuid", MS_NOSUID, false, false, false},
    {"dev", MS_NODEV, true, false, false},
    {"nodev", MS_NODEV, false, false, false},
    {"exec", MS_NOEXEC, true, false, false},
    {"noexec", MS_NOEXEC, false, false, false},
    {"sync", MS_SYNCHRONOUS, false, false, false},
    {"async", MS_SYNCHRONOUS, true, false, false},
    {"dirsync", MS_DIRSYNC, false, false, false},
    {"remount", MS_REMOUNT, false, false, false},
    {"mand", MS_MANDLOCK, false, false, false},
    {"nomand", MS_MANDLOCK, true, false, false},
    {"atime", MS_NOATIME, true, false, false},
    {"noatime", MS_NOATIME, false, false, false},
    {"diratime", MS_NODIRATIME, true, false, false},
    {"nodiratime", MS_NODIRATIME, false, false, false},
    {"relatime", MS_RELATIME, false, false, false},
    {"norelatime", MS_RELATIME, true, false, false},
    {"strictatime", MS_STRICTATIME, false, false, false},
    {"nostrictatime", MS_STRICTATIME, true, false, false},
    {"lazytime", MS_LAZYTIME, false, false, false},
    {"nolazytime", MS_LAZYTIME, true, false, false},
    {"bind", MS_BIND, false, false, false},
    {"rbind", MS_BIND | MS_REC, false, false, false},
    {"private", MS_PRIVATE, false, false, true},
    {"rprivate", MS_PRIVATE | MS_REC, false, false, true},
    {"shared", MS_SHARED, false, false, true},
    {"rshared", MS_SHARED | MS_REC, false, false, true},
    {"slave", MS_SLAVE, false, false, true},
    {"rslave", MS_SLAVE | MS_REC, false, false, true},
    {"unbindable", MS_UNBINDABLE, false, false, true},
    {"runbindable", MS_UNBINDABLE | MS_REC, false, false, true},
    {"rro", MS_RDONLY, false, true, false},
    {"rrw", MS_RDONLY, true, true, false},
    {"rnosuid", MS_NOSUID, false, true, false},
    {"rsuid", MS_NOSUID, true, true, false},
    {"rnodev", MS_NODEV, false, true, false},
    {"rdev", MS_NODEV, true, true, false},
    {"rnoexec", MS_NOEXEC, false, true, false},
    {"rexec", MS_NOEXEC, true, true, false},
    {"rnodiratime", MS_NODIRATIME, false, true, false},
    {"rdiratime", MS_NODIRATIME, true, true, false},
    {"rrelatime", MS_RELATIME, false, true, false},
    {"rnorelatime", MS_RELATIME, true, true, false},
    {"rnoatime", MS_NOATIME, false, true, false},
    {"ratime", MS_NOATIME, true, true, false},
    {"rstrictatime", MS_STRICTATIME, false, true, false},
    {"rnostrictatime", MS_STRICTATIME, true, true, false},
    {"rnosymfollow", MS_NOSYMFOLLOW, false, true, false},
    {"rsymfollow", MS_NOSYMFOLLOW, true, true, false},
    // mount(8) names runc also accepts.
    {"defaults", 0, false, false, false},
    {"iversion", MS_I_VERSION, false, false, false},
    {"noiversion", MS_I_VERSION, true, false, false},
    {"silent", MS_SILENT, false, false, false},
    {"loud", MS_SILENT, true, false, false},
    {"nosymfollow", MS_NOSYMFOLLOW, false, false, false},
    {"symfollow", MS_NOSYMFOLLOW, true, false, false},
    // ID-mapped mounts: no MS_* flag; the mount's uid/gidMappings apply.
    {"idmap", 0, false, false, false},
    {"ridmap", 0, false, true, false},
};

template <typename T, size_t N>
std::optional<T> lookup(const Named<T> (&table)[N], std::string_view name) {
    for (const auto& entry : table)
        if (name == entry.name)
            return entry.value;
    return std::nullopt;
}

template <typename T, size_t N>
std::vector<std::string> names_of(const Named<T> (&table)[N]) {
    std::vector<std::string> out;
    for (const auto& entry : table)
        out.emplace_back(entry.name);
    return out;
}

} // namespace

std::optional<int> capability_number(std::string_view name) {
    for (size_t i = 0; i < std::size(kCapabilities); ++i)
        if (name == kCapabilities[i])
            return static_cast<int>(i);
    return std::nullopt;
}

const std::vector<std::string>& capability_names() {
    static const std::vector<std::string> names(std::begin(kCapabilities), std::end(kCapabilities));
    return names;
}

std::optional<int> rlimit_number(std::string_view name) {
    return lookup(kRlimits, name);
}

const std::vector<std::string>& rlimit_names() {
    static const std::vector<std::string> names = names_of(kRlimits);
    return names;
}

std::optional<uint64_t> namespace_clone_flag(std::string_view type) {
    return lookup(kNamespaces, type);
}

const std::vector<std::string>& namespace_types() {
    static const std::vector<std::string> names = names_of(kNamespaces);
    return names;
}

std::span<const MountOption> mount_options() {
    return kMountOptions;
}

const MountOption* find_mount_option(std::string_view name) {
    auto it = std::find_if(std::begin(kMountOptions), std::end(kMountOptions),
                           [&](const MountOption& o) { return name == o.name; });
    return it == std::end(kMountOptions) ? nullptr : &*it;
}

const std::vector<std::string>& seccomp_actions() {
    static const std::vector<std::string> names = {
        "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
        "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
        "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",          "SCMP_ACT_NOTIFY",
    };
    return names;
}

const std::vector<std::string>& seccomp_operators() {
    static const std::vector<std::string> names = {
        "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
        "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
    };
    return names;
}

const std::vector<std::string>& seccomp_architectures() {
    static const std::vector<std::string> names = [] {
        auto all = seccomp_supported_architectures();
        // Named by runtime-spec 1.3.0, known only to libseccomp 2.6+.
        for (const char* newer :
             {"SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB"})
            all.emplace_back(newer);
        return all;
    }();
    return names;
}

const std::vector<std::string>& seccomp_supported_architectures() {
    static const std::vector<std::string> names = {
        "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
        "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
        "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
        "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
        "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
    };
    return names;
}

const std::vector<std::string>& seccomp_flags() {
    static const std::vector<std::string> names = {
        "SECCOMP_FILTER_FLAG_TSYNC",
        "SECCOMP_FILTER_FLAG_LOG",
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    };
    return names;
}

} // namespace ward::spec
