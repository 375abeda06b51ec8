#include "ward/seccomp/filter.hpp"

#include "embedded.hpp"
#include "kernel.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/seccomp/program_cache.hpp"

#include <algorithm>
#include <cctype>
#include <linux/seccomp.h>
#include <memory>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

namespace ward::seccomp {

namespace {

constexpr const char* kField = "config.json: linux.seccomp";

struct ActionName {
    const char* name;
    uint32_t action;  // without errno
    bool takes_errno; // ERRNO / TRACE carry errnoRet
};

const ActionName kActions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP, false},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG, false},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false},
};

struct OperatorName {
    const char* name;
    scmp_compare op;
};

const OperatorName kOperators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

const char* const kArchitectures[] = {
    "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
};

struct FlagName {
    const char* name;
    unsigned flag;
};

const FlagName kFlags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

uint32_t resolve_action(const std::string& name, std::optional<uint32_t> errno_ret,
                        const std::string& field) {
    for (const auto& a : kActions) {
        if (name != a.name)
            continue;
        if (!a.takes_errno)
            return a.action;
        uint32_t code = errno_ret.value_or(name == "SCMP_ACT_ERRNO" ? EPERM : 0);
        if (code > 0xffff)
            fail(field + ": errnoRet " + std::to_string(code) + " is out of range");
        return name == "SCMP_ACT_ERRNO" ? SCMP_ACT_ERRNO(code) : SCMP_ACT_TRACE(code);
    }
    fail(field + ": " + quote(name) + " is not a seccomp action");
}

scmp_compare resolve_operator(const std::string& name, const std::string& field) {
    for (const auto& o : kOperators)
        if (name == o.name)
            return o.op;
    fail(field + ": " + quote(name) + " is not a seccomp operator");
}

// "SCMP_ARCH_X86_64" → libseccomp's token; nullopt when this libseccomp
// does not know it.
uint32_t resolve_arch(const std::string& name, const std::string& field) {
    if (!name.starts_with("SCMP_ARCH_"))
        fail(field + ": " + quote(name) + " is not a seccomp architecture");
    std::string lower = name.substr(10);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    uint32_t token = seccomp_arch_resolve_name(lower.c_str());
    if (token == 0)
        fail(field + ": " + quote(name) + " is not a seccomp architecture");
    return token;
}

void check(int rc, const std::string& what) {
    if (rc < 0)
        fail_errno(what, -rc);
}

using Context = std::unique_ptr<std::remove_pointer_t<scmp_filter_ctx>, void (*)(scmp_filter_ctx)>;

// libseccomp 2.5 writes a program only to an fd: a memfd, read back.
std::vector<sock_filter> export_program(scmp_filter_ctx ctx) {
    UniqueFd fd(::memfd_create("ward-seccomp-bpf", MFD_CLOEXEC));
    if (!fd)
        fail_errno("seccomp: memfd for the BPF program");
    check(seccomp_export_bpf(ctx, fd.get()), "seccomp: export the BPF program");
    off_t size = ::lseek(fd.get(), 0, SEEK_END);
    if (size < 0 || size % sizeof(sock_filter) != 0)
        fail("seccomp: exported BPF program has a bad size");
    std::vector<sock_filter> program(size / sizeof(sock_filter));
    if (::pread(fd.get(), program.data(), size, 0) != size)
        fail_errno("seccomp: read back the BPF program");
    return program;
}

bool is_notify(const std::string& action) {
    return action == "SCMP_ACT_NOTIFY";
}

// config.flags → SECCOMP_FILTER_FLAG_* bits. A flag this kernel lacks is
// dropped with a warning (the spec's "where the kernel has them"); a name
// that is no seccomp flag at all is an error.
unsigned flags_for(const spec::Seccomp& config, bool notify) {
    unsigned flags = notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
    for (size_t i = 0; i < config.flags.size(); ++i) {
        const std::string& name = config.flags[i];
        std::string field = std::string(kField) + ".flags[" + std::to_string(i) + "]";
        auto known = std::find_if(std::begin(kFlags), std::end(kFlags),
                                  [&](const FlagName& f) { return name == f.name; });
        if (known == std::end(kFlags))
            fail(field + ": " + quote(name) + " is not a seccomp flag");
        unsigned flag = known->flag;
        if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && !notify) {
            // The kernel takes it only with a listener; without one it has
            // nothing to change.
            log::debug(field + ": " + name + " only matters with SCMP_ACT_NOTIFY; not set");
            continue;
        }
        // A thread-synced filter with a listener needs TSYNC_ESRCH.
        if (flag == SECCOMP_FILTER_FLAG_TSYNC && notify)
            flag |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
        if (!kernel::supports_flag(flag | (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))) {
            log::degraded(field + ": this kernel does not support " + name + "; not set");
            continue;
        }
        flags |= flag;
    }
    return flags;
}

bool uses_notify(const spec::Seccomp& config) {
    if (is_notify(config.default_action))
        return true;
    return std::any_of(config.syscalls.begin(), config.syscalls.end(),
                       [](const spec::SeccompSyscall& rule) { return is_notify(rule.action); });
}

} // namespace

Filter Filter::compile(const spec::Seccomp& config) {
    Filter filter;
    uint32_t default_action = resolve_action(config.default_action, config.default_errno_ret,
                                             std::string(kField) + ".defaultAction");
    Context owner(seccomp_init(default_action), seccomp_release);
    if (!owner)
        fail(std::string(kField) + ": seccomp_init failed");
    scmp_filter_ctx ctx = owner.get();
    // A binary tree of syscalls instead of a linear list: O(log n) per call.
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

    for (size_t i = 0; i < config.architectures.size(); ++i) {
        uint32_t arch =
            resolve_arch(config.architectures[i],
                         std::string(kField) + ".architectures[" + std::to_string(i) + "]");
        int rc = seccomp_arch_add(ctx, arch);
        if (rc < 0 && rc != -EEXIST)
            check(rc, "seccomp: add architecture " + config.architectures[i]);
    }

    for (size_t i = 0; i < config.syscalls.size(); ++i) {
        const auto& rule = config.syscalls[i];
        std::string field = std::string(kField) + ".syscalls[" + std::to_string(i) + "]";
        uint32_t action = resolve_action(rule.action, rule.errno_ret, field + ".action");
        std::vector<scmp_arg_cmp> args;
        for (size_t j = 0; j < rule.args.size(); ++j) {
            const auto& arg = rule.args[j];
            std::string arg_field = field + ".args[" + std::to_string(j) + "]";
            if (arg.index > 5)
                fail(arg_field + ".index: " + std::to_string(arg.index) + " is out of range (0-5)");
            args.push_back(
                {arg.index, resolve_operator(arg.op, arg_field + ".op"), arg.value, arg.value_two});
        }
        if (action == default_action)
            continue; // libseccomp refuses rules that repeat the default
        for (const auto& name : rule.names) {
            int nr = seccomp_syscall_resolve_name(name.c_str());
            if (nr == __NR_SCMP_ERROR) {
                log::debug(field + ": syscall " + quote(name) + " unknown here; skipped");
                continue;
            }
            // Several conditions on one argument are OR-ed by adding one rule each,
            // as libseccomp cannot AND two comparisons of the same argument.
            int rc = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(args.size()),
                                            args.empty() ? nullptr : args.data());
            if (rc == -EINVAL && args.size() > 1) {
                for (const auto& a : args)
                    check(seccomp_rule_add_array(ctx, action, nr, 1, &a),
                          field + ": add rule for " + name);
            } else {
                check(rc, field + ": add rule for " + name);
            }
            ++filter.rules_;
        }
    }
    filter.notify_ = seccomp::uses_notify(config);
    filter.flags_ = flags_for(config, filter.notify_);
    filter.owned_ = export_program(ctx);
    filter.program_ = filter.owned_;
    return filter;
}

Filter Filter::build(const spec::Seccomp& config, const ProgramCache* cache) {
    if (config.builtin_profile.empty())
        return own_profile(config, cache);
    for (std::size_t i = 0; i < embedded::kProgramCount; ++i) {
        const embedded::Program& p = embedded::kPrograms[i];
        if (config.builtin_profile != p.name)
            continue;
        Filter filter;
        filter.program_ = std::span<const sock_filter>(p.code, p.length);
        filter.rules_ = p.rules;
        filter.notify_ = seccomp::uses_notify(config);
        filter.flags_ = flags_for(config, filter.notify_);
        filter.precompiled_ = true;
        return filter;
    }
    // Not precompiled (the build-time compiler itself runs without them).
    return own_profile(config, cache);
}

// A config's own profile: from the cache when compiled before, else
// compiled and remembered.
Filter Filter::own_profile(const spec::Seccomp& config, const ProgramCache* cache) {
    if (!cache)
        return compile(config);
    std::optional<CachedProgram> cached = cache->find(config);
    if (!cached) {
        Filter filter = compile(config);
        cache->remember(config, filter.program(), filter.rule_count());
        log::debug(std::string(kField) + ": " + std::to_string(filter.rule_count()) +
                   " rules compiled by libseccomp");
        return filter;
    }
    log::debug(std::string(kField) + ": the program compiled before (program cache)");
    Filter filter;
    filter.owned_ = std::move(cached->program);
    filter.program_ = filter.owned_;
    filter.rules_ = cached->rules;
    filter.notify_ = seccomp::uses_notify(config);
    filter.flags_ = flags_for(config, filter.notify_);
    filter.from_cache_ = true;
    return filter;
}

namespace {
template <typename T, size_t N, typename F>
std::vector<std::string> names_of(const T (&table)[N], F name) {
    std::vector<std::string> out;
    for (const auto& entry : table)
        out.push_back(name(entry));
    return out;
}
} // namespace

const std::vector<std::string>& action_names() {
    static const auto names =
        names_of(kActions, [](const ActionName& a) { return std::string(a.name); });
    return names;
}
const std::vector<std::string>& operator_names() {
    static const auto names =
        names_of(kOperators, [](const OperatorName& o) { return std::string(o.name); });
    return names;
}
const std::vector<std::string>& architecture_names() {
    static const auto names =
        names_of(kArchitectures, [](const char* a) { return std::string(a); });
    return names;
}
const std::vector<std::string>& flag_names() {
    static const auto names =
        names_of(kFlags, [](const FlagName& f) { return std::string(f.name); });
    return names;
}

std::vector<std::string> supported_flag_names() {
    std::vector<std::string> names;
    for (const auto& f : kFlags) {
        // WAIT_KILLABLE_RECV is accepted by the kernel only with a listener.
        unsigned with =
            f.flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
        if (kernel::supports_flag(f.flag | with))
            names.push_back(f.name);
    }
    return names;
}

} // namespace ward::seccomp
