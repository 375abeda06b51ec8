// A config (or bundle) audited the way create would judge it: the selected
// policy fills it (policy::apply), the same gate evaluates it (with the
// facts create would gather for a bundle: bind sources opened and compared
// with the forbidden host paths, joined namespaces, the trust outcome), and
// the catalogue's checks describe everything else it allows.
#pragma once

#include "ward/audit/report.hpp"
#include "ward/policy/policy.hpp"
#include "ward/spec/config.hpp"

#include <string>

namespace ward::audit {

struct ConfigSubject {
    std::string kind;   // "config" (a config.json alone) or "bundle"
    std::string path;   // as given on the command line
    spec::Spec spec;    // as parsed, before the policy fills it
    std::string bundle; // the bundle directory; empty for a config alone
};

// Reads CONFIG.json or BUNDLE (a directory with config.json); throws
// ward::Error naming the path and field for bad input.
ConfigSubject load_subject(const std::string& path);

// The report for one config under `effective` (policy::select_policy).
// report.refused == policy::refuses() of exactly what create would evaluate.
Report audit_config(const policy::Effective& effective, const ConfigSubject& subject);

} // namespace ward::audit
