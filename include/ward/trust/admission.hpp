// Admission: does an image (the digests of its chain and the signatures
// found for it) or a signed bundle meet the policy's trust requirements?
// `image import` asks at import, `create` asks again before every start (a
// key removed from the policy revokes what it admitted).
//
// Refusals are ward::Error with the phrase create prints after "refusing to
// start: ":
//   no signature by a trusted key for docker.io/library/x (manifest sha256:…): <why, per signature>
//   docker.io/library/x is rejected by the policy (scope "docker.io")
#pragma once

#include "ward/policy/trust.hpp"
#include "ward/trust/keys.hpp"
#include "ward/trust/signature.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ward::trust {

struct Admission {
    std::string scope;       // the policy scope that decided ("default", "bundles", a repository)
    std::string requirement; // "insecureAcceptAnything" or "sigstoreSigned" (the strictest met)
    std::optional<VerifiedSignature> signature; // sigstoreSigned: the one that verified
};

// `name` is the image's full name ("docker.io/library/busybox:1.36" or
// "localhost/demo:latest"); `chain` and `signatures` as verify_image and
// find_layout_signatures (or the store) give them. Every requirement of the
// scope must hold; sigstoreSigned ones need a signature by one of their
// keys whose identity satisfies their signedIdentity.
Admission admit_image(const policy::TrustSection& trust, const std::string& name,
                      const std::vector<Digest>& chain, const std::vector<Signature>& signatures);

// The public keys of a sigstoreSigned requirement (keyPath, keyPaths,
// keyData), loaded now; a missing or unreadable key file is an error naming
// it (a policy that names a key must not silently trust fewer).
std::vector<PublicKey> requirement_keys(const policy::Requirement& requirement);
// Its transparency-log keys (rekorPublicKeyPath…), loaded the same way;
// empty when it names none.
std::vector<PublicKey> requirement_log_keys(const policy::Requirement& requirement);

// True when `identity` (a signature's docker-reference) satisfies
// `rule` for an image run under `name`.
bool identity_matches(const policy::SignedIdentity& rule, const std::string& name,
                      const std::string& identity);

// Splits "host/path:tag" / "host/path@sha256:…" into repository and the
// rest; "busybox" is not normalised (ward names are always full).
struct ImageName {
    std::string repository; // "docker.io/library/busybox"
    std::string tag;        // "1.36", or ""
    std::string digest;     // "sha256:…", or ""
};
ImageName parse_image_name(const std::string& name);

} // namespace ward::trust
