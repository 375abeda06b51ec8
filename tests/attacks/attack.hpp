// What every attack test reports. An attack test runs an escape for real
// and ends with exactly one report per attack it tried:
//
//   attack CVE-2024-21626/cwd-leaked-fd: blocked: chdir refused (ENOENT)
//   attack CVE-2024-21626/cwd-leaked-fd: NOT BLOCKED: read host /etc/shadow
//   attack CVE-2024-21626/cwd-leaked-fd: COULD NOT RUN: no fd to leak
//
// Only "blocked" passes. An attack whose preconditions did not hold (the
// racer never swapped, the probe never ran, the container did not start
// for an unrelated reason) is a failure, never a skip: a lane that cannot
// attack proves nothing. The lane runner prints every "attack ...:" line.
//
// Where an attack can be shown to succeed against a deliberately weakened
// setup without risk to the host (a copy of a binary in a temp dir, a plain
// process instead of ward), a test also reports the control:
//
//   control CVE-2019-5736/overwrite-exe: works against an unprotected binary
//
// A control that fails means the attack itself is broken, so it fails the
// test too.
#pragma once

#include "integration/harness.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ward_attack {

using ward_it::Bundle;
using ward_it::Result;

enum class Outcome { blocked, not_blocked, could_not_run };

// One attack's outcome: a log line and a test assertion (fails unless blocked).
void report(std::string_view attack, Outcome outcome, std::string_view detail);

// An attempt a policy lets through on purpose, as that policy documents
// (baseline grants CAP_NET_RAW, which containerd and Docker give every
// container): a line "attack NAME: allowed by the policy: WHY", never
// counted as blocked. Only for attempts confined to the container.
void report_allowed_by_policy(std::string_view attack, std::string_view why);

// The same attack against a weakened setup: `worked` must be true.
void report_control(std::string_view attack, bool worked, std::string_view detail);

// `ward --policy HARDENED VERB ARGS... --bundle BUNDLE ID` after writing
// config.json. HARDENED is the shipped hardened policy with unverified
// bundles allowed (ward_it::shipped_policy): test bundles are not signed,
// and every other rule is the real one.
Result hardened(Bundle& b, const std::string& verb, const std::string& id,
                const std::vector<std::string>& extra = {});

// The same under another shipped policy ("baseline", "compat"): for the
// weakened setups of controls, and attacks on what those policies allow.
Result with_policy(Bundle& b, const std::string& policy, const std::string& verb,
                   const std::string& id, const std::vector<std::string>& extra = {});

} // namespace ward_attack
