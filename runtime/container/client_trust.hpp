// The trust step for a bundle a client (containerd, podman) unpacked
// itself: no store annotation, no ward signature, only a rootfs. It runs
// when it is proven to be the content of a store image the policy admits
// now (see trust/rootfs_match.hpp for the proof, docs/trust.md for the
// threat model).
#pragma once

#include "trust_check.hpp"
#include "ward/policy/trust.hpp"

#include <string>
#include <variant>

namespace ward::container {

// Inputs of the client check, all as create has them.
struct ClientRootfs {
    const std::string& bundle;
    const spec::Spec& spec;
    const std::string& store_flag;
    int rootfs_fd;
    // The policy refuses what is not proven. When it only warns, a rootfs
    // whose proof cannot be cached (not an overlay snapshot: podman's vfs,
    // a plain directory) is not walked at every start to spare a warning.
    bool must_prove;
};

// The outcome when the rootfs is a store image admitted by `trust` now
// (kind "client image"); else the phrase saying why not, for the
// unverified treatment: "rootfs does not match image NAME (sha256:…):
// rootfs file /bin/sh changed since import", "rootfs is image NAME
// (sha256:…), but no signature by a trusted key for ...".
std::variant<TrustOutcome, std::string> check_client_rootfs(const policy::TrustSection& trust,
                                                            const ClientRootfs& client);

} // namespace ward::container
