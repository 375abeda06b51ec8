// What a seccomp filter really allows, read from its BPF program.
//
// One mechanism judges every filter: a config's linux.seccomp (compiled
// with Filter::compile), a built-in profile, a Docker/moby profile resolved
// for a capability set, and a filter fetched from a running process with
// PTRACE_SECCOMP_GET_FILTER. Each becomes a program, and decode() runs that
// program (classic BPF, forward jumps only) for every architecture it
// accepts and every syscall number, following both branches of every jump
// that depends on an argument. So `ward audit`, `ward profile show|diff`
// and the declared-vs-enforced check cannot disagree about what a profile
// means, and what libseccomp made of a profile is what gets judged.
#pragma once

#include "ward/json/json.hpp"
#include "ward/spec/config.hpp"

#include <cstdint>
#include <linux/filter.h>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ward::seccomp {

// What a program returns for one syscall on one architecture, over every
// value its arguments could take.
enum class Outcome {
    allow,       // SECCOMP_RET_ALLOW (or LOG) whatever the arguments
    conditional, // allowed for some argument values, denied for others
    deny,        // never allowed (ERRNO, KILL, TRAP, TRACE, USER_NOTIF)
};
const char* outcome_name(Outcome outcome); // "allow", "conditional", "deny"

struct SyscallVerdict {
    uint32_t nr = 0;
    std::string name; // libseccomp's name for nr on this arch; "" when it has none
    Outcome outcome = Outcome::deny;
    // Every action the program can return for it, as OCI names with the
    // errno where one applies ("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO(1)"), sorted.
    std::vector<std::string> actions;
};

struct ArchVerdicts {
    std::string arch;        // "SCMP_ARCH_X86_64"
    uint32_t audit_arch = 0; // AUDIT_ARCH_X86_64
    // Every syscall number libseccomp names on this arch, in number order,
    // plus any other number the program treats differently from its default.
    std::vector<SyscallVerdict> syscalls;
    std::string default_action; // what a number the program does not test gets
};

struct Decoded {
    std::vector<ArchVerdicts> arches; // the architectures the program lets through
    std::string other_arch_action;    // what any other architecture gets
    // Names allowed on `arch` ("SCMP_ARCH_X86_64"); with `conditional`, also
    // those allowed for some argument values. A number libseccomp has no
    // name for appears as "#NR".
    std::set<std::string> allowed(std::string_view arch, bool conditional = true) const;
    const ArchVerdicts* find(std::string_view arch) const;
};

// Decodes one program. Throws ward::Error for a program the kernel would
// refuse (a backward jump, a load outside seccomp_data, no return), naming
// the instruction. Every path of a syscall is followed up to 4096; past
// that it is called conditional. An architecture is left out when nothing
// is ever allowed on it and an untested number gets what an unknown
// architecture gets.
Decoded decode(std::span<const sock_filter> program);

// A process with several filters: the kernel runs every one and takes the
// most restrictive action (KILL_PROCESS > KILL_THREAD > TRAP > ERRNO >
// USER_NOTIF > TRACE > LOG > ALLOW); this decodes them together the same way.
// `programs` in installation order, oldest first, as PTRACE_SECCOMP_GET_FILTER
// numbers them; between equal actions the newest filter's data (errno) wins.
// A path through one filter carries what it assumed about the arguments
// into the next. An empty list allows everything.
Decoded decode_stack(const std::vector<std::vector<sock_filter>>& programs);

// The architecture ward was built for, as a profile names it: the one an
// audit names dangerous calls for ("" on others; their filters still get
// an allowed count per arch).
#if defined(__x86_64__)
inline constexpr const char* kNativeArch = "SCMP_ARCH_X86_64";
#elif defined(__aarch64__)
inline constexpr const char* kNativeArch = "SCMP_ARCH_AARCH64";
#else
inline constexpr const char* kNativeArch = "";
#endif

// Syscalls an audit names when a filter allows them, each with what it
// gives a container: mount, umount2, pivot_root, unshare/setns and
// clone/clone3 (namespace flags), keyctl/add_key/request_key, bpf,
// perf_event_open, ptrace, process_vm_readv/writev, io_uring_*,
// open_by_handle_at, personality, userfaultfd, kexec_*, init_module...
struct DangerousSyscall {
    std::string_view name;
    std::string_view why; // one sentence an auditor can act on
};
std::span<const DangerousSyscall> dangerous_syscalls();

// A profile file as an operator has it, resolved to the OCI shape that
// Filter::compile takes:
//  - an OCI LinuxSeccomp object (config.json's linux.seccomp),
//  - a whole config.json (its linux.seccomp; an error names a config
//    without one),
//  - a Docker/moby profile (`archMap`, `includes`/`excludes` by caps,
//    arches and minKernel): resolved for `capabilities` and `arch` as
//    Docker and podman resolve it when they start a container,
//  - the name of a built-in profile ("default-deny", "compat").
struct ProfileSource {
    std::vector<std::string> capabilities; // the container's effective set, for moby includes
    std::string arch = "SCMP_ARCH_X86_64";
    // The kernel release moby's minKernel compares with ("6.1"); "" for
    // this machine's (uname), as Docker does.
    std::string kernel;
};
spec::Seccomp load_profile(std::string_view name_or_path, const ProfileSource& resolve = {});
// The same from text already read; `source` names it in errors.
spec::Seccomp parse_profile(std::string_view text, std::string_view source,
                            const ProfileSource& resolve = {});

// Compile (libseccomp, as create would) and decode.
Decoded analyse(const spec::Seccomp& profile);

// What one profile allows that the other does not, per architecture.
struct SyscallChange {
    std::string name;
    uint32_t nr = 0;
    Outcome a = Outcome::deny, b = Outcome::deny;
    std::vector<std::string> a_actions, b_actions;
};
struct ArchDiff {
    std::string arch;
    std::vector<SyscallChange> only_a;  // allowed (or conditional) by A, denied by B
    std::vector<SyscallChange> only_b;  // the other way round
    std::vector<SyscallChange> changed; // allowed by both, but actions or conditions differ
    // Denied by both, with different actions (errno), where at least one
    // side denies it otherwise than by its default.
    std::vector<SyscallChange> denied_differently;
    bool default_differs = false;
    std::string a_default, b_default;
};
std::vector<ArchDiff> diff(const Decoded& a, const Decoded& b);

json::Value to_json(const Decoded& decoded);

} // namespace ward::seccomp
