// audit_config: a config judged exactly as create judges it (the same fill,
// the same facts, the same evaluate), then described by the catalogue's
// checks, each policy finding attached to the check that describes it.
#include "ward/audit/config_audit.hpp"

#include "../container/landlock_facts.hpp"
#include "../container/limits.hpp"
#include "../container/mount_sources.hpp"
#include "../container/namespace_facts.hpp"
#include "../container/trust_check.hpp"
#include "config_checks.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/rootfs_handles.hpp"
#include "ward/spec/parse.hpp"

#include <algorithm>
#include <filesystem>
#include <sys/stat.h>

namespace ward::audit {

ConfigChecks::ConfigChecks(const spec::Spec& s, const policy::Policy& p,
                           const policy::CreateFacts& f, std::vector<policy::Finding> judged,
                           Report& report)
    : spec(s), policy(p), facts(f), judged_(std::move(judged)), attached_(judged_.size(), false),
      report_(report) {}

Finding& ConfigChecks::add(std::string_view rule_id, std::string path, json::Value value,
                           std::string message, const char* policy_rule, std::string_view field,
                           std::string_view item) {
    Finding f = finding(rule_id, std::move(path), std::move(value), std::move(message));
    if (policy_rule)
        for (size_t i = 0; i < judged_.size(); ++i) {
            const auto& j = judged_[i];
            if (attached_[i] || j.rule != policy_rule || j.field != field || j.item != item)
                continue;
            attached_[i] = true;
            f.breaks = j;
            break;
        }
    report_.findings.push_back(std::move(f));
    return report_.findings.back();
}

bool ConfigChecks::judged(const char* policy_rule, std::string_view field,
                          std::string_view item) const {
    for (size_t i = 0; i < judged_.size(); ++i)
        if (!attached_[i] && judged_[i].rule == policy_rule && judged_[i].field == field &&
            judged_[i].item == item)
            return true;
    return false;
}

void ConfigChecks::add_unattached() {
    for (size_t i = 0; i < judged_.size(); ++i) {
        if (attached_[i])
            continue;
        const auto& j = judged_[i];
        std::string id = j.rule == "unavailableLimits" ? "WARD-RES-003"
                         : j.rule == "trust"           ? "WARD-TRUST-001"
                                                       : "WARD-POLICY-001";
        attached_[i] = true;
        Finding f;
        f.rule_id = id;
        f.severity = j.rule == "trust" ? Severity::critical : rule(id).severity;
        f.path = j.field;
        f.value = j.item.empty() ? json::Value() : json::Value(j.item);
        f.message = j.message;
        f.breaks = j;
        report_.findings.push_back(std::move(f));
    }
}

namespace {

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// create's trust step for a bundle (container/trust_check): its refusal is
// an enforce finding, as create refuses before the rule findings.
// nullopt when it refuses: the policy finding added to `judged` is then the
// report's trust finding.
std::optional<Finding> trust_finding(const policy::Policy& p, const ConfigSubject& subject,
                                     spec::Spec& spec, const linux::RootfsHandles& handles,
                                     std::vector<policy::Finding>& judged) {
    Finding f;
    f.rule_id = "WARD-TRUST-001";
    f.path = "root.path";
    f.value = spec.root ? json::Value(spec.root->path) : json::Value();
    if (!p.trust) {
        f.message = "not checked: the policy has no trust section";
        return f;
    }
    std::string text = read_document(subject.bundle + "/config.json");
    try {
        auto outcome =
            container::check_trust(p, subject.bundle, spec, text, "", handles.rootfs.get());
        f.message = outcome.kind + ": " + outcome.detail;
        f.severity = outcome.kind == "unverified" ? Severity::medium : Severity::info;
    } catch (const Error& e) {
        judged.push_back({"trust", policy::Action::enforce,
                          "policy " + quote(p.name) + ": " + e.what(), "root.path",
                          spec.root ? spec.root->path : ""});
        return std::nullopt;
    }
    return f;
}

// The facts create gathers for a bundle, the same functions create calls.
std::optional<Finding> gather_bundle_facts(const policy::Policy& p, const ConfigSubject& subject,
                                           spec::Spec& spec, policy::CreateFacts& facts,
                                           std::vector<policy::Finding>& judged) {
    // The checks look at the opened fds; nothing is mounted, so no copies
    // (which an unprivileged caller could not make).
    linux::RootfsHandles handles = linux::open_rootfs_handles(spec, subject.bundle, false);
    auto trust = trust_finding(p, subject, spec, handles, judged);
    container::add_bind_source_facts(p, handles, facts);
    container::add_joined_namespace_facts(spec, facts);
    if (p.landlock)
        container::add_landlock_facts(handles.rootfs.get(), facts);
    return trust;
}

} // namespace

ConfigSubject load_subject(const std::string& path) {
    ConfigSubject subject;
    subject.path = path;
    if (is_directory(path)) {
        subject.kind = "bundle";
        subject.bundle = std::filesystem::absolute(path).lexically_normal().string();
        subject.spec = spec::load_bundle_spec(subject.bundle);
        return subject;
    }
    subject.kind = "config";
    std::string text;
    try {
        text = read_document(path);
    } catch (const Error& e) {
        fail("audit: " + path + ": " + e.what());
    }
    subject.spec = spec::parse_spec(text, path);
    return subject;
}

Report audit_config(const policy::Effective& effective, const ConfigSubject& subject) {
    Report report;
    report.kind = subject.kind;
    report.subject = subject.path;
    report.policy = "policy " + quote(effective.policy.name) + " from " + effective.source;
    const policy::Policy& p = effective.policy;
    spec::Spec spec = subject.spec;
    policy::CreateFacts facts;
    std::vector<policy::Finding> judged;
    std::optional<Finding> trust;
    bool bundle = subject.kind == "bundle";
    // create: the trust step, then the gate (fill, evaluate with the facts,
    // plus the limits the host cannot enforce).
    if (bundle)
        trust = gather_bundle_facts(p, subject, spec, facts, judged);
    report.filled = policy::apply(p, spec, facts);
    if (bundle) {
        const spec::Resources* r =
            spec.linux && spec.linux->resources ? &*spec.linux->resources : nullptr;
        auto limits = container::plan_limits(p, r);
        judged.insert(judged.end(), limits.findings.begin(), limits.findings.end());
    }
    auto evaluated = policy::evaluate(p, spec, facts);
    judged.insert(judged.end(), evaluated.begin(), evaluated.end());
    report.refused = policy::refuses(judged);

    ConfigChecks c(spec, p, facts, judged, report);
    check_capabilities(c);
    check_process(c);
    check_filesystem(c);
    check_mounts(c);
    check_namespaces(c);
    check_devices(c);
    check_kernel(c);
    check_seccomp(c);
    if (trust)
        report.findings.push_back(std::move(*trust));
    else if (!bundle)
        c.add("WARD-TRUST-001", "root.path",
              spec.root ? json::Value(spec.root->path) : json::Value(),
              "not judged: a config alone has no rootfs to check (audit the bundle)");
    c.add_unattached();
    return report;
}

} // namespace ward::audit
