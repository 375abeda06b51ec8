// Does a signature's docker-reference satisfy a sigstoreSigned
// requirement's signedIdentity for an image run under a given name? The
// semantics are containers/image's (signature/policy_reference_match.go),
// so a policy means in ward what it means to podman and skopeo:
//
//   matchExact              both have a tag or digest and are equal
//   matchRepoDigestOrExact  the signature has a tag or digest; a name with a
//                           tag must equal it, a name by digest only needs
//                           the same repository (the digest is what was signed)
//   matchRepository         the same repository, whatever the tag
//   exactReference          the signature equals dockerReference (both with
//                           a tag or digest), whatever the image's name
//   exactRepository         the signature's repository is dockerRepository
//   remapIdentity           the name with `prefix` replaced by `signedPrefix`
//                           (when the repository is prefix or under it), then
//                           as matchRepoDigestOrExact
//
// Both sides are normalised (reference.hpp) before they are compared. A
// repository alone ("r.io/app", cosign's form) satisfies neither
// matchExact nor matchRepoDigestOrExact: sign the full reference (`ward
// image sign`'s default, as skopeo) or use matchRepository.
#pragma once

#include "ward/policy/trust.hpp"

#include <optional>
#include <string>

namespace ward::trust {

// nullopt when `identity` satisfies `rule` for an image named `name`;
// otherwise why not, as one phrase for a refusal:
// `identity "r.io/app" is a repository without a tag (cosign's form); matchExact wants
// "r.io/app:v1"`.
std::optional<std::string> identity_refusal(const policy::SignedIdentity& rule,
                                            const std::string& name, const std::string& identity);

inline bool identity_matches(const policy::SignedIdentity& rule, const std::string& name,
                             const std::string& identity) {
    return !identity_refusal(rule, name, identity);
}

} // namespace ward::trust
