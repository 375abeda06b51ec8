// A RecordedProfile written as OCI LinuxSeccomp, read back, and merged:
// what `ward profile merge` joins are the files `record` wrote.
#include "ward/audit/profile_record.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/spec/parse.hpp"

#include <algorithm>
#include <cerrno>

namespace ward::audit {
namespace {

constexpr uint64_t kLow32 = 0xffffffff;
constexpr uint32_t kEnosys = ENOSYS;

spec::SeccompSyscall allow(std::vector<std::string> names,
                           std::vector<spec::SeccompArg> args = {}) {
    spec::SeccompSyscall rule;
    rule.names = std::move(names);
    rule.action = "SCMP_ACT_ALLOW";
    rule.args = std::move(args);
    return rule;
}

// socket(2)'s family as the kernel reads it: an int, so only the low 32
// bits are compared (a value with high bits set is that family to the
// kernel and must be to the filter too; see seccomp-profiles/README.md).
spec::SeccompArg family_arg(uint32_t family) {
    return {0, kLow32, family, "SCMP_CMP_MASKED_EQ"};
}

spec::SeccompArg no_namespace_arg() {
    return {0, kCloneNamespaceFlags, 0, "SCMP_CMP_MASKED_EQ"};
}

bool is_family_rule(const spec::SeccompArg& a) {
    return a.index == 0 &&
           ((a.op == "SCMP_CMP_MASKED_EQ" && a.value == kLow32 && a.value_two <= kLow32) ||
            (a.op == "SCMP_CMP_EQ" && a.value <= kLow32));
}

bool is_no_namespace_rule(const spec::SeccompArg& a) {
    return a.index == 0 && a.op == "SCMP_CMP_MASKED_EQ" && a.value == kCloneNamespaceFlags &&
           a.value_two == 0;
}

// One rule of a profile read back; throws for a shape record never writes.
void read_rule(const spec::SeccompSyscall& rule, const std::string& field, RecordedProfile& p) {
    if (rule.action == "SCMP_ACT_ERRNO" && rule.errno_ret == kEnosys && rule.args.empty() &&
        rule.names == std::vector<std::string>{"clone3"}) {
        p.clone3_enosys = true;
        return;
    }
    if (rule.action != "SCMP_ACT_ALLOW")
        fail(field + ".action: " + quote(rule.action) +
             ": a recorded profile only allows (and answers clone3 with ENOSYS)");
    if (rule.args.empty()) {
        for (const auto& name : rule.names)
            p.allowed.insert(name);
        return;
    }
    if (rule.args.size() == 1 && rule.names == std::vector<std::string>{"socket"} &&
        is_family_rule(rule.args[0])) {
        const auto& a = rule.args[0];
        p.socket = true;
        p.socket_families.insert(
            static_cast<uint32_t>(a.op == "SCMP_CMP_EQ" ? a.value : a.value_two));
        return;
    }
    if (rule.args.size() == 1 && rule.names == std::vector<std::string>{"clone"} &&
        is_no_namespace_rule(rule.args[0])) {
        p.clone = true;
        return;
    }
    fail(field + ".args: not a rule `ward profile record` writes (socket by family, clone "
                 "without namespace flags)");
}

} // namespace

spec::Seccomp to_seccomp(const RecordedProfile& p) {
    spec::Seccomp s;
    s.default_action = "SCMP_ACT_ERRNO";
    s.default_errno_ret = EPERM;
    s.architectures.assign(p.architectures.begin(), p.architectures.end());
    std::vector<std::string> names(p.allowed.begin(), p.allowed.end());
    if (p.socket && p.socket_any)
        names.push_back("socket");
    if (p.clone && p.clone_namespaces)
        names.push_back("clone");
    std::sort(names.begin(), names.end());
    s.syscalls.push_back(allow(names));
    if (p.socket && !p.socket_any)
        for (uint32_t family : p.socket_families)
            s.syscalls.push_back(allow({"socket"}, {family_arg(family)}));
    if (p.clone && !p.clone_namespaces)
        s.syscalls.push_back(allow({"clone"}, {no_namespace_arg()}));
    if (p.clone3_enosys) {
        spec::SeccompSyscall rule;
        rule.names = {"clone3"};
        rule.action = "SCMP_ACT_ERRNO";
        rule.errno_ret = kEnosys;
        s.syscalls.push_back(rule);
    }
    return s;
}

json::Value to_json(const spec::Seccomp& profile) {
    // spec's emitter writes a LinuxSeccomp exactly as a config holds it.
    spec::Spec holder;
    holder.linux.emplace();
    holder.linux->seccomp = profile;
    json::Value doc = spec::spec_to_json(holder);
    return *doc.find("linux")->find("seccomp");
}

RecordedProfile from_seccomp(const spec::Seccomp& s, const std::string& source) {
    if (s.default_action != "SCMP_ACT_ERRNO")
        fail(source + ": defaultAction is " + quote(s.default_action) +
             ", a recorded profile has SCMP_ACT_ERRNO");
    RecordedProfile p;
    p.architectures.insert(s.architectures.begin(), s.architectures.end());
    for (size_t i = 0; i < s.syscalls.size(); ++i)
        read_rule(s.syscalls[i], source + ": syscalls[" + std::to_string(i) + "]", p);
    // An unconditional allow wins over the argument rules of the same call.
    if (p.allowed.erase("socket")) {
        p.socket = p.socket_any = true;
        p.socket_families.clear();
    }
    if (p.allowed.erase("clone"))
        p.clone = p.clone_namespaces = true;
    return p;
}

RecordedProfile load_recorded_profile(const std::string& path) {
    json::Value doc = with_context(path, [&] { return json::parse(read_document(path)); });
    if (!doc.is_object())
        fail(path + ": not a JSON object");
    json::Value seccomp;
    if (const json::Value* linux = doc.find("linux")) {
        const json::Value* inner = linux->is_object() ? linux->find("seccomp") : nullptr;
        if (!inner)
            fail(path + ": a config without linux.seccomp");
        seccomp = *inner;
    } else {
        seccomp = doc;
    }
    // spec's parser reads whole configs: wrap the profile as one's
    // linux.seccomp, so it is checked exactly as create checks it.
    json::Value linux = json::Value::object();
    linux.set("seccomp", std::move(seccomp));
    json::Value config = json::Value::object();
    config.set("ociVersion", json::Value(std::string(spec::kOciVersion)));
    config.set("linux", std::move(linux));
    spec::Spec parsed = spec::spec_from_json(config, path);
    return from_seccomp(*parsed.linux->seccomp, path);
}

RecordedProfile merge(const RecordedProfile& a, const RecordedProfile& b) {
    RecordedProfile m = a;
    m.architectures.insert(b.architectures.begin(), b.architectures.end());
    m.allowed.insert(b.allowed.begin(), b.allowed.end());
    m.socket = a.socket || b.socket;
    m.socket_any = a.socket_any || b.socket_any;
    m.socket_families.insert(b.socket_families.begin(), b.socket_families.end());
    if (m.socket_any)
        m.socket_families.clear();
    m.clone = a.clone || b.clone;
    // A side that never clones does not restrict the other; one that allows
    // namespace flags drops the rule.
    m.clone_namespaces = (a.clone && a.clone_namespaces) || (b.clone && b.clone_namespaces);
    m.clone3_enosys = a.clone3_enosys || b.clone3_enosys;
    return m;
}

} // namespace ward::audit
