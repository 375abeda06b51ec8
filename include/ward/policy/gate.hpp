// The policy gate: every process ward starts in a container and every
// change it makes to one passes admit(), and nothing else decides.
//
//   create  the whole config (filled in place), --no-pivot, the limits the
//           host cannot enforce; under the policy selected for it
//   exec    the process it will start (filled in place as create fills
//           the config's); only the rules about a process
//   update  the limits the host cannot enforce
//
// exec and update pass the policy recorded for the container at create
// (record.hpp), never one selected now: a container keeps the rules it was
// admitted under.
//
// Warn findings are logged; enforce findings refuse with one ward::Error
// whose first line names the policy and how to choose another, then one
// finding per line:
//   policy "hardened" (built-in) refuses this container; choose another
//   policy with --policy FILE, WARD_POLICY=FILE or /etc/ward/policy.json
//   policy "hardened": process.capabilities.bounding contains CAP_SYS_ADMIN, allowed: ...
#pragma once

#include "ward/policy/policy.hpp"

#include <string>
#include <vector>

namespace ward::policy {

enum class Stage { create, exec, update };

struct Request {
    Stage stage = Stage::create;
    spec::Spec* config = nullptr;     // create: the config, filled in place
    CreateFacts facts;                // create
    spec::Process* process = nullptr; // exec: the process, filled in place
    // create, update: findings worked out where the facts are (a limit the
    // host's cgroup2 hierarchy has no controller for: evaluate_unavailable).
    std::vector<Finding> findings;
    // exec: warnings create logged for this container (recorded); one of
    // them found again is logged at debug level only, so a warning is not
    // repeated at every exec.
    std::vector<std::string> already_warned;
};

struct Admission {
    std::vector<std::string> filled; // as apply() reports them
    std::vector<Finding> warnings;   // the warn findings (all were logged or already said)
};

// Fills, evaluates, logs, and throws on an enforce finding (nothing filled
// matters then: the caller has touched nothing yet).
Admission admit(const Effective& policy, Request& request);

} // namespace ward::policy
