#include "ward/seccomp/filter.hpp"

#include "ward/base/error.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>
#include <cctype>
#include <seccomp.h>

namespace ward::seccomp {

struct Filter::Context {
    scmp_filter_ctx ctx = nullptr;
    ~Context() {
        if (ctx)
            seccomp_release(ctx);
    }
};

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

const char* const kFlags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
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

} // namespace

Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;
Filter::~Filter() = default;

Filter Filter::build(const spec::Seccomp& config) {
    Filter filter;
    filter.ctx_ = std::make_unique<Context>();
    uint32_t default_action = resolve_action(config.default_action, config.default_errno_ret,
                                             std::string(kField) + ".defaultAction");
    filter.notify_ = default_action == SCMP_ACT_NOTIFY;
    filter.ctx_->ctx = seccomp_init(default_action);
    if (!filter.ctx_->ctx)
        fail(std::string(kField) + ": seccomp_init failed");
    scmp_filter_ctx ctx = filter.ctx_->ctx;
    // ward sets no_new_privs itself, from process.noNewPrivileges.
    check(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0), "seccomp: clear CTL_NNP");
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
    for (size_t i = 0; i < config.flags.size(); ++i) {
        const std::string& flag = config.flags[i];
        std::string field = std::string(kField) + ".flags[" + std::to_string(i) + "]";
        if (flag == "SECCOMP_FILTER_FLAG_TSYNC")
            check(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1), field);
        else if (flag == "SECCOMP_FILTER_FLAG_LOG")
            check(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1), field);
        else if (flag == "SECCOMP_FILTER_FLAG_SPEC_ALLOW")
            check(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1), field);
        else if (flag == "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")
            log::debug(field + ": WAIT_KILLABLE_RECV only matters with NOTIFY; ignored");
        else
            fail(field + ": " + quote(flag) + " is not a seccomp flag");
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
        if (action == SCMP_ACT_NOTIFY)
            filter.notify_ = true;
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
    return filter;
}

void Filter::load() const {
    int rc = seccomp_load(ctx_->ctx);
    if (rc < 0)
        fail_errno("load seccomp filter", -rc);
}

UniqueFd Filter::notify_fd() const {
    if (!notify_)
        return {};
    // libseccomp loaded the filter with SECCOMP_FILTER_FLAG_NEW_LISTENER and
    // kept the listener fd; it does not close it, so it is ours from here.
    int fd = seccomp_notify_fd(ctx_->ctx);
    if (fd < 0)
        fail_errno("seccomp: notify fd of the loaded filter", fd < -1 ? -fd : EBADF);
    return UniqueFd(fd);
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
    static const auto names = [] {
        auto v = names_of(kFlags, [](const char* f) { return std::string(f); });
        // Accepted but not applied: it only matters to NOTIFY listeners.
        v.erase(std::remove(v.begin(), v.end(), "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"), v.end());
        return v;
    }();
    return names;
}

} // namespace ward::seccomp
