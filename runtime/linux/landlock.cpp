// Landlock with raw syscalls: glibc 2.36 has no wrappers, and the build
// host's linux/landlock.h may be older than the kernel (no net rules or
// scopes), so the numbers and structures are written here.
#include "ward/linux/landlock.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/in_root.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/spec/landlock.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

// The same numbers on every architecture (they came after the syscall
// tables were unified); older libc headers lack the names.
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_landlock_add_rule
#define SYS_landlock_add_rule 445
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif

namespace ward::linux {
namespace {

using spec::landlock::Kind;
using spec::landlock::supported;

// include/uapi/linux/landlock.h
constexpr unsigned kCreateRulesetVersion = 1u << 0;
constexpr int kRulePathBeneath = 1;
constexpr int kRuleNetPort = 2;

struct RulesetAttr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net; // ABI 4
    uint64_t scoped;             // ABI 6
};

struct __attribute__((packed)) PathBeneathAttr {
    uint64_t allowed_access;
    int32_t parent_fd;
};

struct NetPortAttr {
    uint64_t allowed_access;
    uint64_t port;
};

// The rights a path-beneath rule on a non-directory may carry.
constexpr uint64_t kFileRights =
    (1ull << 0) | (1ull << 1) | (1ull << 2) | (1ull << 14) |
    (1ull << 15); // execute, write_file, read_file, truncate, ioctl_dev

std::string named(Kind kind, uint64_t bits) {
    auto list = spec::landlock::names(kind, bits);
    if (uint64_t unnamed = bits & ~spec::landlock::all_known(kind))
        list.push_back(std::to_string(unnamed));
    return join(list, ", ");
}

// The oldest ABI that has every one of `bits` ("ABI 6"; "a newer ABI" for
// a bit ward does not know).
std::string needed_abi(Kind kind, uint64_t bits) {
    int abi = 0;
    for (const auto& right : spec::landlock::rights(kind))
        if (bits & right.bit)
            abi = std::max(abi, right.abi);
    if (bits & ~spec::landlock::all_known(kind))
        return "a Landlock ABI newer than " + std::to_string(spec::landlock::kKnownAbi);
    return "Landlock ABI " + std::to_string(abi);
}

// Keeps the bits of `mask` the ABI has, noting what went.
uint64_t keep(uint64_t mask, Kind kind, int abi, const std::string& field,
              std::vector<std::string>& dropped) {
    uint64_t lost = mask & ~supported(kind, abi);
    if (lost)
        dropped.push_back(field + ": " + named(kind, lost) + " (" + needed_abi(kind, lost) + ")");
    return mask & ~lost;
}

} // namespace

int landlock_abi() {
    // Asked once per process: create asks for the policy's facts before
    // the init is cloned, and the init, a copy of it, then asks no more.
    static const int abi = [] {
        long v = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, kCreateRulesetVersion);
        return v < 0 ? 0 : static_cast<int>(v);
    }();
    return abi;
}

LandlockPlan plan_landlock(const spec::Landlock& asked, int abi) {
    LandlockPlan plan;
    spec::Landlock& out = plan.ruleset;
    out.disable_best_effort = asked.disable_best_effort;
    const std::string base = "process.landlock.";
    auto& dropped = plan.dropped;
    if (abi <= 0) {
        dropped.push_back(base + "ruleset: all of it (the kernel has no Landlock)");
    } else {
        out.handled_access_fs =
            keep(asked.handled_access_fs, Kind::fs, abi, base + "ruleset.handledAccessFS", dropped);
        out.handled_access_net = keep(asked.handled_access_net, Kind::net, abi,
                                      base + "ruleset.handledAccessNetwork", dropped);
        out.scoped = keep(asked.scoped, Kind::scope, abi, base + "ruleset.scoped", dropped);
        // A rule's rights the ruleset no longer handles were in a dropped
        // handled set already: not named twice.
        for (const auto& rule : asked.path_beneath)
            if (uint64_t allowed = rule.allowed_access & out.handled_access_fs)
                out.path_beneath.push_back({allowed, rule.paths});
        for (const auto& rule : asked.net_port)
            if (uint64_t allowed = rule.allowed_access & out.handled_access_net)
                out.net_port.push_back({allowed, rule.ports});
    }
    plan.empty = !out.handled_access_fs && !out.handled_access_net && !out.scoped;
    if (asked.disable_best_effort && !dropped.empty())
        fail("process.landlock: disableBestEffort is set and the kernel's Landlock ABI is " +
             std::to_string(abi) + ", which lacks " + join(dropped, "; "));
    return plan;
}

void apply_landlock(const LandlockPlan& plan, int abi, int root_fd) {
    if (plan.empty)
        return;
    const spec::Landlock& l = plan.ruleset;
    RulesetAttr attr{l.handled_access_fs, l.handled_access_net, l.scoped};
    // The kernel takes a shorter structure from an older ABI's caller.
    size_t size = abi >= 6 ? sizeof attr : abi >= 4 ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
    // The ruleset fd is close-on-exec as the kernel makes it.
    UniqueFd ruleset(static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, size, 0u)));
    if (!ruleset)
        fail_errno("process.landlock: landlock_create_ruleset");
    for (size_t r = 0; r < l.path_beneath.size(); ++r) {
        const auto& rule = l.path_beneath[r];
        for (const auto& path : rule.paths) {
            UniqueFd fd;
            try {
                fd = path == "/" ? UniqueFd(::openat(root_fd, ".", O_PATH | O_CLOEXEC))
                                 : open_in_root(root_fd, path, O_PATH | O_CLOEXEC);
            } catch (const Error& e) {
                if (l.disable_best_effort)
                    fail("process.landlock.rules.pathBeneath: " + std::string(e.what()));
                log::warn("process.landlock.rules.pathBeneath: " + std::string(e.what()) +
                          ": rule skipped");
                continue;
            }
            if (!fd)
                fail_errno("process.landlock.rules.pathBeneath: open " + quote(path));
            struct stat st {};
            if (::fstat(fd.get(), &st) < 0)
                fail_errno("process.landlock.rules.pathBeneath: fstat " + quote(path));
            uint64_t allowed = rule.allowed_access;
            if (!S_ISDIR(st.st_mode))
                allowed &= kFileRights;
            if (!allowed)
                continue;
            PathBeneathAttr beneath{allowed, fd.get()};
            if (::syscall(SYS_landlock_add_rule, ruleset.get(), kRulePathBeneath, &beneath, 0u) < 0)
                fail_errno("process.landlock.rules.pathBeneath: landlock_add_rule " + quote(path));
        }
    }
    for (const auto& rule : l.net_port)
        for (uint64_t port : rule.ports) {
            NetPortAttr net{rule.allowed_access, port};
            if (::syscall(SYS_landlock_add_rule, ruleset.get(), kRuleNetPort, &net, 0u) < 0)
                fail_errno("process.landlock.rules.netPort: landlock_add_rule port " +
                           std::to_string(port));
        }
    if (::syscall(SYS_landlock_restrict_self, ruleset.get(), 0u) < 0)
        fail_errno("process.landlock: landlock_restrict_self");
}

} // namespace ward::linux
