// Signing an image in a layout the way `cosign sign --key` stores a
// signature: a simple-signing payload blob, a signature manifest whose
// payload layer carries the base64 signature annotation, and an index.json
// entry tagged `sha256-<hex>.sig`. A second signature of the same digest is
// appended to the existing signature manifest as another layer, as cosign
// does.
#pragma once

#include "ward/trust/keys.hpp"
#include "ward/trust/layout.hpp"

#include <string>

namespace ward::trust {

struct SignResult {
    Digest signed_digest; // what the selection names (an index digest for a multi-platform tag)
    Digest manifest_digest;
    Digest signature_manifest;
    std::string tag; // sha256-<hex>.sig
    std::string identity;
};

// Verifies the whole chain first (ward never signs a broken image), then
// signs what the selection names. `identity` is the docker-reference the
// payload carries.
SignResult sign_image(const std::string& layout_path, const SelectOptions& select,
                      const PrivateKey& key, const std::string& identity);

// The identity `image sign` uses without --identity. `reference` (the
// default, as skopeo signs): the full name `ward image import` gives the
// image by default, repository and tag ("docker.io/library/busybox:1.36", or
// "localhost/<layout directory>:<tag>"), which the default signedIdentity
// matchRepoDigestOrExact accepts. `repository` (cosign's form): the
// repository alone ("docker.io/library/busybox"), accepted by
// matchRepository but not by matchExact or matchRepoDigestOrExact. A
// ref.name pinning a digest has no tag to sign: --identity is needed then.
enum class IdentityForm { reference, repository };
std::string default_identity(const std::string& layout_path, const std::string& ref_name,
                             IdentityForm form);

} // namespace ward::trust
