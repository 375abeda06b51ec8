// The trust step of create: where the rootfs came from and whether the
// policy's trust section lets it run (see trust_check.cpp).
#pragma once

#include "ward/policy/policy.hpp"
#include "ward/spec/config.hpp"

#include <string>

namespace ward::container {

struct TrustOutcome {
    std::string kind;   // "image", "signed bundle", "unverified", "unchecked"
    std::string detail; // what was checked, for policy.json and the debug log
};

// Throws "refusing to start: ..." when the policy does not let this bundle
// run. `config_text` is config.json exactly as create parsed it (a signed
// bundle's signature covers those bytes, not a second read of the file).
// `store_flag` is --store (empty: WARD_STORE, then /var/lib/ward).
// `rootfs_fd` is root.path as create opened it: identities are checked,
// and a rootfs is walked, on that fd, which is also what gets mounted.
TrustOutcome check_trust(const policy::Policy& policy, const std::string& bundle,
                         const spec::Spec& spec, const std::string& config_text,
                         const std::string& store_flag, int rootfs_fd);

} // namespace ward::container
