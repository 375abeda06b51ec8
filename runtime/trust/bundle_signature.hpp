// Sigstore bundles as signatures of an image: found as OCI 1.1 referrers
// in a layout, verified for signature.cpp's verify_signatures. Private to
// trust/.
#pragma once

#include "ward/trust/signature.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ward::trust::detail {

// When index.json entry `entry` is a bundle referrer of one of `digests`
// (artifactType or the dev.sigstore.bundle.content annotation, subject in
// `digests`) or the referrers fallback tag sha256-<hex> of one of them,
// appends its bundle layers to `out` and returns true.
bool collect_bundles(const Layout& layout, const Descriptor& entry,
                     const std::vector<Digest>& digests, std::vector<Signature>& out);

// One bundle against `keys`, `chain`, `identity` and `log_keys`; nullopt
// with the reason appended to `why` when it does not admit the image.
std::optional<VerifiedSignature>
verify_bundle(const Signature& sig, const std::vector<PublicKey>& keys,
              const std::vector<Digest>& chain, const IdentityCheck& identity,
              const std::vector<PublicKey>& log_keys, std::vector<std::string>& why);

// "key a.pub" / "keys a.pub, b.pub", for "does not verify with …".
std::string key_list(const std::vector<PublicKey>& keys);

} // namespace ward::trust::detail
