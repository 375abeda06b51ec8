// The pure half of `ward profile record`: notifications → a Recording →
// the minimal default-deny profile, and the coverage it prints.
#include "ward/audit/profile_record.hpp"

#include "ward/base/strings.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <linux/audit.h>
#include <memory>
#include <seccomp.h>

namespace ward::audit {
namespace {

constexpr uint32_t kX32SyscallBit = 0x40000000;

struct ArchName {
    uint32_t audit_arch;
    const char* name;
};

// libseccomp's SCMP_ARCH_* tokens are the AUDIT_ARCH_* values seccomp_data
// carries; these are the names OCI profiles use for them.
constexpr ArchName kArches[] = {
    {AUDIT_ARCH_X86_64, "SCMP_ARCH_X86_64"},   {AUDIT_ARCH_I386, "SCMP_ARCH_X86"},
    {AUDIT_ARCH_AARCH64, "SCMP_ARCH_AARCH64"}, {AUDIT_ARCH_ARM, "SCMP_ARCH_ARM"},
    {AUDIT_ARCH_RISCV64, "SCMP_ARCH_RISCV64"}, {AUDIT_ARCH_S390X, "SCMP_ARCH_S390X"},
    {AUDIT_ARCH_S390, "SCMP_ARCH_S390"},       {AUDIT_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE"},
    {AUDIT_ARCH_PPC64, "SCMP_ARCH_PPC64"},     {AUDIT_ARCH_PPC, "SCMP_ARCH_PPC"},
};

// The arch a notification came from: x32 calls arrive as AUDIT_ARCH_X86_64
// with the x32 bit set in the number.
std::pair<std::string, uint32_t> arch_of(uint32_t audit_arch, int nr) {
    if (audit_arch == AUDIT_ARCH_X86_64 && (static_cast<uint32_t>(nr) & kX32SyscallBit))
        return {"SCMP_ARCH_X32", SCMP_ARCH_X32};
    for (const auto& a : kArches)
        if (a.audit_arch == audit_arch)
            return {a.name, audit_arch};
    return {"AUDIT_ARCH_" + std::to_string(audit_arch), 0};
}

std::string syscall_name(uint32_t token, int nr) {
    if (token == 0)
        return "";
    std::unique_ptr<char, decltype(&std::free)> name(seccomp_syscall_resolve_num_arch(token, nr),
                                                     &std::free);
    return name ? std::string(name.get()) : std::string();
}

// clone(2)'s flags are arg0 everywhere but on s390/s390x (arg1 there).
bool clone_flags_in_arg0(const std::string& arch) {
    return arch != "SCMP_ARCH_S390X" && arch != "SCMP_ARCH_S390";
}

} // namespace

void Recording::add(uint32_t audit_arch, int nr, const uint64_t (&args)[6]) {
    ++notifications;
    auto [arch, token] = arch_of(audit_arch, nr);
    ArchRecording& rec = arches[arch];
    std::string name = syscall_name(token, nr);
    if (name.empty()) {
        rec.unnamed.insert(static_cast<uint32_t>(nr));
        return;
    }
    ++rec.calls[name];
    if (name == "socket")
        rec.socket_families.insert(static_cast<uint32_t>(args[0]));
    if (name == "clone") {
        uint64_t flags = clone_flags_in_arg0(arch) ? args[0] : args[1];
        if (flags & kCloneNamespaceFlags)
            rec.clone_namespaces = true;
    }
}

std::vector<std::string> ward_needs_after_load(bool no_new_privileges) {
    if (no_new_privileges)
        return {"execve", "sendmsg"};
    return {"capset", "capget", "prctl", "rt_sigprocmask", "execve", "sendmsg", "close", "read"};
}

RecordedProfile profile_from_recording(const Recording& recording, bool no_new_privileges) {
    RecordedProfile p;
    bool clone_checkable = true;
    for (const auto& [arch, rec] : recording.arches) {
        if (arch.starts_with("SCMP_ARCH_"))
            p.architectures.insert(arch);
        for (const auto& [name, count] : rec.calls) {
            (void)count;
            if (name == "socket") {
                p.socket = true;
                p.socket_families.insert(rec.socket_families.begin(), rec.socket_families.end());
            } else if (name == "clone") {
                p.clone = true;
                p.clone_namespaces = p.clone_namespaces || rec.clone_namespaces;
                clone_checkable = clone_checkable && clone_flags_in_arg0(arch);
            } else if (name == "clone3") {
                // The fallback clone(2) is what runs under the profile.
                p.clone3_enosys = true;
                p.clone = true;
            } else {
                p.allowed.insert(name);
            }
        }
    }
    // One OCI rule serves every architecture; where clone's flags sit
    // elsewhere a rule on arg0 would be wrong, so it is left unrestricted.
    if (!clone_checkable)
        p.clone_namespaces = true;
    for (const auto& name : ward_needs_after_load(no_new_privileges))
        p.allowed.insert(name);
    if (p.architectures.empty())
        p.architectures.insert("SCMP_ARCH_X86_64");
    return p;
}

std::string coverage_text(const Recording& recording, const RecordedProfile& profile,
                          int exit_status) {
    std::string out = "ward profile record: " + std::to_string(recording.notifications) +
                      " notifications, workload exit status " + std::to_string(exit_status) + "\n";
    for (const auto& [arch, rec] : recording.arches) {
        std::vector<std::string> names;
        for (const auto& [name, count] : rec.calls)
            names.push_back(name);
        out += "  " + arch + ": " + std::to_string(names.size()) +
               " syscalls: " + join(names, " ") + "\n";
        if (!rec.socket_families.empty()) {
            std::vector<std::string> families;
            for (uint32_t f : rec.socket_families)
                families.push_back(std::to_string(f));
            out += "    socket families: " + join(families, " ") + "\n";
        }
        if (rec.calls.contains("clone"))
            out += std::string("    clone namespace flags: ") +
                   (rec.clone_namespaces ? "seen" : "never") + "\n";
        if (!rec.unnamed.empty())
            out += "    numbers without a name: " + std::to_string(rec.unnamed.size()) + "\n";
    }
    size_t rules = profile.allowed.size() + (profile.socket ? 1 : 0) + (profile.clone ? 1 : 0);
    out += "  profile: " + std::to_string(rules) + " syscalls allowed (" +
           join(ward_needs_after_load(true), ", ") +
           " always: ward's own and what the recording cannot see)";
    if (profile.clone3_enosys)
        out += ", clone3 answered ENOSYS";
    return out + "\n";
}

} // namespace ward::audit
