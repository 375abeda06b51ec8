// decode() and decode_stack(): a seccomp program's verdict for every
// syscall libseccomp names, per architecture, from running the program
// (bpf_exec.cpp) with the architecture and the number fixed and the
// arguments unknown.
#include "bpf_exec.hpp"
#include "ward/base/error.hpp"
#include "ward/seccomp/analysis.hpp"
#include "ward/seccomp/filter.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <map>
#include <memory>
#include <mutex>
#include <seccomp.h>

namespace ward::seccomp {

namespace {

// Paths followed for one syscall on one architecture before giving up and
// calling it conditional (argument tests multiply paths; libseccomp's
// programs need a handful per syscall).
constexpr std::size_t kPathsPerSyscall = 4096;
// Paths followed with the number unknown, to find what the program tests it
// against: one per leaf of libseccomp's binary tree, times argument tests.
constexpr std::size_t kPathsPerArch = 1 << 16;

struct ArchInfo {
    std::string name; // "SCMP_ARCH_X86_64"
    uint32_t token = 0;
    uint32_t audit_arch = 0; // what the kernel puts in seccomp_data.arch
    uint32_t nr_lo = 0, nr_hi = 0xffffffff;
};

constexpr uint32_t kX32Bit = 0x40000000;

// Every architecture this libseccomp knows, in ward's order. x32 shares
// x86_64's AUDIT_ARCH and is told apart by the number's X32 bit, so each
// gets its half of the numbers.
const std::vector<ArchInfo>& known_arches() {
    static const std::vector<ArchInfo> arches = [] {
        std::vector<ArchInfo> out;
        for (const auto& name : architecture_names()) {
            std::string lower = name.substr(10);
            std::transform(lower.begin(), lower.end(), lower.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            uint32_t token = seccomp_arch_resolve_name(lower.c_str());
            if (token == 0)
                continue;
            ArchInfo info{name, token, token};
            if (token == SCMP_ARCH_X32) {
                info.audit_arch = AUDIT_ARCH_X86_64;
                info.nr_lo = kX32Bit;
            } else if (token == SCMP_ARCH_X86_64) {
                info.nr_hi = kX32Bit - 1;
            }
            out.push_back(std::move(info));
        }
        return out;
    }();
    return arches;
}

// Syscall tables end below 500 (plus MIPS's 4000/5000/6000 bases and x32's
// bit, which libseccomp strips when resolving a number and which the
// name's own number restores); ARM's private calls sit at 0xf0000.
std::map<uint32_t, std::string> scan_names(uint32_t token) {
    std::map<uint32_t, std::string> names;
    auto scan = [&](uint32_t from, uint32_t to) {
        for (uint32_t nr = from; nr < to; ++nr) {
            std::unique_ptr<char, decltype(&std::free)> name(
                seccomp_syscall_resolve_num_arch(token, static_cast<int>(nr)), &std::free);
            if (!name)
                continue;
            int canonical = seccomp_syscall_resolve_name_arch(token, name.get());
            if (canonical >= 0)
                names.emplace(static_cast<uint32_t>(canonical), name.get());
        }
    };
    scan(0, 1024);
    scan(0xf0000, 0xf0100);
    return names;
}

const std::map<uint32_t, std::string>& syscall_names(uint32_t token) {
    static std::mutex lock;
    static std::map<uint32_t, std::map<uint32_t, std::string>> cache;
    std::lock_guard<std::mutex> guard(lock);
    auto it = cache.find(token);
    if (it == cache.end())
        it = cache.emplace(token, scan_names(token)).first;
    return it->second;
}

// nullopt stands for RET A with A unknown.
using Ret = std::optional<uint32_t>;

int32_t severity(uint32_t ret) {
    return static_cast<int32_t>(ret & SECCOMP_RET_ACTION_FULL);
}

// The kernel's choice between two filters' results: the lower action wins.
Ret combine(Ret kept, Ret next) {
    if (next && severity(*next) == severity(SECCOMP_RET_KILL_PROCESS))
        return next;
    if (!kept || !next)
        return kept && severity(*kept) == severity(SECCOMP_RET_KILL_PROCESS) ? kept : std::nullopt;
    return severity(*next) < severity(*kept) ? next : kept;
}

bool allows(Ret ret) {
    if (!ret)
        return false;
    uint32_t action = *ret & SECCOMP_RET_ACTION_FULL;
    return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG;
}

std::string action_name(Ret ret) {
    if (!ret)
        return "unknown (returns a computed value)";
    uint32_t data = *ret & SECCOMP_RET_DATA;
    switch (*ret & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_KILL_PROCESS:
        return "SCMP_ACT_KILL_PROCESS";
    case SECCOMP_RET_KILL_THREAD:
        return "SCMP_ACT_KILL_THREAD";
    case SECCOMP_RET_TRAP:
        return "SCMP_ACT_TRAP";
    case SECCOMP_RET_ERRNO:
        return "SCMP_ACT_ERRNO(" + std::to_string(data) + ")";
    case SECCOMP_RET_USER_NOTIF:
        return "SCMP_ACT_NOTIFY";
    case SECCOMP_RET_TRACE:
        return "SCMP_ACT_TRACE(" + std::to_string(data) + ")";
    case SECCOMP_RET_LOG:
        return "SCMP_ACT_LOG";
    case SECCOMP_RET_ALLOW:
        return "SCMP_ACT_ALLOW";
    default:
        return "SCMP_ACT_KILL_PROCESS"; // the kernel kills for an unknown action
    }
}

struct Results {
    std::set<Ret> rets;
    bool overflow = false;
    std::set<uint32_t> nr_constants;
};

using Programs = std::vector<std::span<const sock_filter>>;

// Runs the stack (oldest first, as PTRACE_SECCOMP_GET_FILTER numbers it;
// the kernel runs the newest first) from `start`, each filter continuing
// from what the previous one's path assumed about the arguments.
Results evaluate(const Programs& programs, const bpf::Facts& start, std::size_t cap,
                 bpf::Budget& budget) {
    struct Partial {
        bpf::Facts facts;
        Ret ret;
    };
    std::vector<Partial> current{{start, SECCOMP_RET_ALLOW}};
    Results out;
    for (auto it = programs.rbegin(); it != programs.rend(); ++it) {
        std::vector<Partial> next;
        for (auto& partial : current) {
            bpf::Run run = bpf::run(*it, partial.facts, cap, budget);
            out.overflow |= run.overflow;
            out.nr_constants.insert(run.nr_constants.begin(), run.nr_constants.end());
            for (auto& end : run.ends)
                next.push_back({std::move(end.facts), combine(partial.ret, end.ret)});
            if (next.size() > cap) {
                out.overflow = true;
                next.resize(cap);
                break;
            }
        }
        current = std::move(next);
    }
    for (const auto& partial : current)
        out.rets.insert(partial.ret);
    return out;
}

bpf::Facts start_for(uint32_t audit_arch, uint32_t nr_lo, uint32_t nr_hi) {
    bpf::Facts facts;
    bpf::fix_word(facts, 1, audit_arch);
    facts.words[0].lo = nr_lo;
    facts.words[0].hi = nr_hi;
    return facts;
}

SyscallVerdict verdict_of(uint32_t nr, std::string name, const Results& results) {
    SyscallVerdict v;
    v.nr = nr;
    v.name = std::move(name);
    std::set<std::string> names;
    // Past the cap some path may still allow: conditional, never "deny".
    bool any_allow = false, any_deny = results.overflow;
    for (const Ret& ret : results.rets) {
        names.insert(action_name(ret));
        if (!ret)
            any_allow = any_deny = true; // a computed return may be anything
        else
            (allows(ret) ? any_allow : any_deny) = true;
    }
    v.outcome = !any_allow && !results.overflow ? Outcome::deny
                : any_deny                      ? Outcome::conditional
                                                : Outcome::allow;
    v.actions.assign(names.begin(), names.end());
    return v;
}

std::string joined(const std::set<Ret>& rets) {
    std::set<std::string> names;
    for (const Ret& ret : rets)
        names.insert(action_name(ret));
    std::string out;
    for (const auto& n : names)
        out += (out.empty() ? "" : " or ") + n;
    return out;
}

// One architecture: nullopt when the program does not let it through
// (every number, tested or not, gets the same denial).
// (`bad_arch`: what an architecture no one uses gets.)
std::optional<ArchVerdicts> decode_arch(const Programs& programs, const ArchInfo& arch,
                                        const std::set<Ret>& bad_arch, bpf::Budget& budget) {
    Results probe = evaluate(programs, start_for(arch.audit_arch, arch.nr_lo, arch.nr_hi),
                             kPathsPerArch, budget);
    const auto& names = syscall_names(arch.token);
    auto one = [&](uint32_t nr) {
        return evaluate(programs, start_for(arch.audit_arch, nr, nr), kPathsPerSyscall, budget);
    };
    // A number nothing tests: the first free one from 1000 above the range's start.
    uint32_t sentinel = arch.nr_lo + 1000;
    while (names.count(sentinel) || probe.nr_constants.count(sentinel))
        ++sentinel;
    Results untested = one(sentinel);
    // Not let through: nothing is ever allowed and an untested number gets
    // what an unknown architecture gets. (libseccomp spares nr -1, the
    // number of a syscall a tracer skipped, from its bad-arch action, so
    // "every path the same" alone would call x32 accepted under an
    // x86_64-only filter.)
    bool ever_allows = probe.overflow || std::any_of(probe.rets.begin(), probe.rets.end(),
                                                     [](Ret r) { return !r || allows(r); });
    if (!ever_allows && untested.rets == bad_arch)
        return std::nullopt;
    SyscallVerdict fallback = verdict_of(sentinel, "", untested);

    ArchVerdicts out;
    out.arch = arch.name;
    out.audit_arch = arch.audit_arch;
    out.default_action = joined(untested.rets);
    std::set<uint32_t> numbers;
    for (const auto& [nr, name] : names)
        numbers.insert(nr);
    for (uint32_t nr : probe.nr_constants)
        if (nr >= arch.nr_lo && nr <= arch.nr_hi)
            numbers.insert(nr);
    for (uint32_t nr : numbers) {
        auto named = names.find(nr);
        SyscallVerdict v = verdict_of(nr, named == names.end() ? "" : named->second, one(nr));
        if (named == names.end() && v.actions == fallback.actions && v.outcome == fallback.outcome)
            continue;
        out.syscalls.push_back(std::move(v));
    }
    return out;
}

Decoded decode_programs(const Programs& programs) {
    for (std::size_t i = 0; i < programs.size(); ++i) {
        if (programs.size() == 1)
            bpf::validate(programs[i]);
        else
            with_context("filter " + std::to_string(i), [&] { bpf::validate(programs[i]); });
    }
    Decoded decoded;    // no program at all lets everything through, as the kernel does
    bpf::Budget budget; // shared by every run of this decode (bpf::kMaxSteps)
    // AUDIT_ARCH 0 is no architecture: what a program does with one it does not know.
    Results other = evaluate(programs, start_for(0, 0, 0xffffffff), kPathsPerArch, budget);
    decoded.other_arch_action = joined(other.rets);
    for (const ArchInfo& arch : known_arches())
        if (auto verdicts = decode_arch(programs, arch, other.rets, budget))
            decoded.arches.push_back(std::move(*verdicts));
    return decoded;
}

} // namespace

const char* outcome_name(Outcome outcome) {
    switch (outcome) {
    case Outcome::allow:
        return "allow";
    case Outcome::conditional:
        return "conditional";
    case Outcome::deny:
        return "deny";
    }
    return "deny";
}

Decoded decode(std::span<const sock_filter> program) {
    return decode_programs({program});
}

Decoded decode_stack(const std::vector<std::vector<sock_filter>>& programs) {
    Programs spans(programs.begin(), programs.end());
    return decode_programs(spans);
}

} // namespace ward::seccomp
