// The seccomp rows of `ward audit --compare`, from what libseccomp makes of
// each profile (decoded from its BPF program, seccomp/analysis.hpp) as the
// config audit judges it, not from the rule list as written: a rule for an
// unknown name, or one under an argument condition, counts for what it does.
#pragma once

#include "ward/seccomp/analysis.hpp"
#include "ward/spec/config.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ward::audit {

struct SeccompSummary {
    bool present = false;               // a linux.seccomp section (or a live filter) at all
    std::string arch;                   // the host's arch the counts are for
    std::string default_action;         // the decoded default on that arch ("SCMP_ACT_ERRNO(1)")
    size_t allowed = 0;                 // allowed whatever the arguments
    size_t conditional = 0;             // allowed for some argument values
    std::vector<std::string> dangerous; // dangerous calls allowed ("bpf", "clone (args)")
};

// Throws ward::Error when libseccomp cannot compile the profile.
SeccompSummary summarize_seccomp(const std::optional<spec::Seccomp>& seccomp);
// The same from a program already decoded (a live process's filters).
SeccompSummary summarize_decoded(const seccomp::Decoded& decoded);

} // namespace ward::audit
