// Admission: does an image (the digests of its chain and the signatures
// found for it) or a signed bundle meet the policy's trust requirements?
// `image import` asks at import, `create` asks again before every start (a
// key removed from the policy revokes what it admitted), and `policy check
// --trust` asks to show an operator which requirement and key admit it.
//
// Refusals are ward::Error with the phrase create prints after "refusing to
// start: ":
//   no signature by a trusted key for docker.io/library/x (manifest sha256:…): <why, per signature>
//   docker.io/library/x is rejected by the policy (scope "docker.io")
#pragma once

#include "ward/policy/trust.hpp"
#include "ward/trust/identity.hpp"
#include "ward/trust/keys.hpp"
#include "ward/trust/signature.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ward::trust {

// One requirement of the scope, and what met it.
struct MetRequirement {
    std::string where;                          // "trust.scopes[\"localhost/demo\"][0]"
    std::string type;                           // "insecureAcceptAnything" or "sigstoreSigned"
    std::optional<VerifiedSignature> signature; // sigstoreSigned: the one that verified, its key
};

struct Admission {
    std::string scope;       // the policy scope that decided ("default", "bundles", a repository)
    std::string requirement; // "insecureAcceptAnything" or "sigstoreSigned" (the strictest met)
    std::optional<VerifiedSignature> signature; // sigstoreSigned: the one that verified
    std::vector<MetRequirement> met;            // every requirement of the scope, in order
    // Key files the policy names that no longer exist, skipped because
    // other keys of their requirement remain (rotation); callers log them.
    std::vector<std::string> warnings;
};

// `name` is the image's full name ("docker.io/library/busybox:1.36" or
// "localhost/demo:latest"); `chain` and `signatures` as verify_image and
// find_layout_signatures (or the store) give them. Every requirement of the
// scope must hold; sigstoreSigned ones need a signature by one of their
// keys whose identity satisfies their signedIdentity (identity.hpp).
// `memo` (create passes the store's; verify_memo.hpp) answers key parsing
// and signature checks asked before; everything else is decided afresh.
Admission admit_image(const policy::TrustSection& trust, const std::string& name,
                      const std::vector<Digest>& chain, const std::vector<Signature>& signatures,
                      const VerifyMemo* memo = nullptr);

// The public keys of a sigstoreSigned requirement (keyPath, keyPaths,
// keyData), loaded now. Key rotation: a key file that does not exist is
// skipped, with a warning in `skipped`, as long as another key of the
// requirement loads; when none is left the error names every missing file.
// A key file that exists but is not a P-256 public key is an error naming
// it, never skipped (a policy must not silently trust fewer keys).
struct RequirementKeys {
    std::vector<PublicKey> keys;
    std::vector<std::string> skipped; // "trust.default[0]: key /k/old.pub: no such file; skipped"
};
RequirementKeys requirement_keys(const policy::Requirement& requirement,
                                 const VerifyMemo* memo = nullptr);
// Its transparency-log keys (rekorPublicKeyPath…), each loaded now; a
// missing or unreadable one is an error naming it (a log key is never
// rotated by removal: the policy names the log it trusts). Empty when it
// names none.
std::vector<PublicKey> requirement_log_keys(const policy::Requirement& requirement,
                                            const VerifyMemo* memo = nullptr);

} // namespace ward::trust
