// summarize_seccomp: the decoded program's counts on the host's arch and
// the dangerous calls it lets through.
#include "compare_seccomp.hpp"

#include "ward/base/error.hpp"
#include "ward/seccomp/analysis.hpp"

namespace ward::audit {

SeccompSummary summarize_decoded(const seccomp::Decoded& decoded) {
    SeccompSummary out;
    out.present = true;
    out.arch = seccomp::kNativeArch;
    const seccomp::ArchVerdicts* native = decoded.find(seccomp::kNativeArch);
    if (!native) {
        out.default_action = decoded.other_arch_action; // the host's arch is refused whole
        return out;
    }
    out.default_action = native->default_action;
    for (const auto& v : native->syscalls) {
        out.allowed += v.outcome == seccomp::Outcome::allow;
        out.conditional += v.outcome == seccomp::Outcome::conditional;
    }
    for (const auto& d : seccomp::dangerous_syscalls())
        for (const auto& v : native->syscalls)
            if (v.name == d.name && v.outcome != seccomp::Outcome::deny)
                out.dangerous.push_back(
                    v.name + (v.outcome == seccomp::Outcome::conditional ? " (args)" : ""));
    return out;
}

SeccompSummary summarize_seccomp(const std::optional<spec::Seccomp>& seccomp) {
    if (!seccomp)
        return {};
    return summarize_decoded(
        with_context("linux.seccomp", [&] { return seccomp::analyse(*seccomp); }));
}

} // namespace ward::audit
