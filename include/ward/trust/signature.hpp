// sigstore "simple signing" signatures, as `cosign sign --key` makes them:
// a JSON payload naming the manifest digest and the image's identity,
// signed with ECDSA P-256 / SHA-256 over its exact bytes; the DER signature
// travels base64-encoded in the `dev.cosignproject.cosign/signature`
// annotation of the payload layer (mediaType
// application/vnd.dev.cosign.simplesigning.v1+json) of a signature manifest
// tagged `sha256-<hex>.sig` (hex of the signed digest). `cosign save`
// instead marks that manifest with the annotation
// kind=dev.cosignproject.cosign/sigs; both are looked at.
//
// Order matters: the signature is verified over the raw payload bytes
// before the payload is parsed, so the JSON parser only ever sees bytes a
// trusted key signed.
//
// cosign v3's default, a Sigstore bundle (sigstore_bundle.hpp) attached as
// an OCI 1.1 referrer, is found and verified through the same calls: a
// Signature of format sigstore_bundle carries the bundle's bytes.
#pragma once

#include "ward/trust/digest.hpp"
#include "ward/trust/keys.hpp"
#include "ward/trust/layout.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ward::trust {

inline constexpr std::string_view kCosignSignatureAnnotation = "dev.cosignproject.cosign/signature";
inline constexpr std::string_view kCosignSignatureType = "cosign container image signature";

struct SignaturePayload {
    Digest manifest_digest;       // critical.image.docker-manifest-digest
    std::string docker_reference; // critical.identity.docker-reference
};

// Strict: critical must hold exactly identity, image and type (unknown
// critical fields are refused, as containers-signature(5) requires);
// "optional" may be absent, null or an object; nothing else at the top.
SignaturePayload parse_payload(std::string_view bytes, const std::string& what);

// The payload cosign writes (compact, its key order, optional: null).
std::string make_payload(const Digest& digest, const std::string& docker_reference);

// The tag cosign gives the signatures of `digest`: "sha256-<hex>.sig".
std::string signature_tag(const Digest& digest);

enum class SignatureFormat { simple_signing, sigstore_bundle };

struct Signature {
    std::string payload; // exact bytes: the simple-signing payload, or the whole bundle JSON
    std::string der;     // simple signing: the decoded signature (a bundle carries its own)
    std::string origin;  // for messages: "signature layer sha256:ab... (tag sha256-....sig)"
    // Non-empty: this signature could not even be read (blob missing or
    // changed, annotation not base64); it counts as refused, with this reason.
    std::string problem;
    SignatureFormat format = SignatureFormat::simple_signing;
};

// Every payload layer of the signature manifests for the digests in
// `digests` (tag sha256-<hex>.sig, or cosign save's kind annotation), and
// every Sigstore bundle layer of their OCI 1.1 referrers (a manifest in
// index.json whose artifactType is the bundle type and whose subject is one
// of `digests`, or one listed by the referrers fallback tag sha256-<hex>). The
// signature manifests and payload blobs are digest- and size-checked like
// any blob. A signature manifest or payload layer that cannot be read is
// returned with `problem` set rather than thrown, so one broken signature
// does not hide a good one; it is reported if nothing else verifies.
std::vector<Signature> find_layout_signatures(const Layout& layout,
                                              const std::vector<Digest>& digests);

// A detached pair: SIGFILE holds base64 (as `cosign sign
// --output-signature` writes it; one trailing newline allowed), PAYLOAD the
// exact payload bytes.
Signature load_detached(const std::string& signature_file, const std::string& payload_file);

struct VerifiedSignature {
    Digest signed_digest; // one of the chain's digests
    std::string identity; // docker-reference; "" for a Sigstore bundle (it carries none)
    std::string key;      // name of the key that verified it
    std::string origin;
    SignatureFormat format = SignatureFormat::simple_signing;
    // What else was (or was not) checked, one line each, for the output:
    // "log entry 42 (dsse) promised by /etc/ward/rekor.pub".
    std::vector<std::string> notes;
};

const char*
signature_format_name(SignatureFormat format); // "simple signing", "sigstore bundle v0.3"

// Accepts the first signature that verifies with one of `keys`, whose
// payload parses, names a digest in `chain` and (when `identity` is set)
// that exact docker-reference. Otherwise an Error listing why each
// signature was refused:
// `no signature by a trusted key for manifest sha256:...: signature layer
// sha256:ab...: does not verify with key demo.pub`.
// `log_keys` as below (`image verify --rekor-key`).
VerifiedSignature verify_signatures(const std::vector<Signature>& signatures,
                                    const std::vector<PublicKey>& keys,
                                    const std::vector<Digest>& chain,
                                    const std::optional<std::string>& identity,
                                    const std::vector<PublicKey>& log_keys = {});

// The same with the identity judged by a function (the policy's
// signedIdentity, identity.hpp) and `subject` naming the image in the
// refusal: `no signature by a trusted key for docker.io/library/x
// (manifest sha256:...): signature layer sha256:...: identity "…", …`.
//
// A Sigstore bundle names no docker-reference: it passes an identity check
// only when the rule is the default one (`stated` false: the policy wrote
// no signedIdentity); a rule the operator stated refuses it, by name.
// `log_keys` (the policy's rekorPublicKeyPath…): when given, a bundle must
// carry a log entry they promise (check_log_entry); when not, a bundle's
// log entry is not checked, and a note says so.
struct IdentityCheck {
    // nullopt: the docker-reference is accepted; else why not. Empty: any.
    std::function<std::optional<std::string>(const std::string&)> refusal;
    std::string want;    // what was asked for, for messages: `signedIdentity matchExact`
    bool stated = false; // the policy or --identity asked for it
};
VerifiedSignature verify_signatures(const std::vector<Signature>& signatures,
                                    const std::vector<PublicKey>& keys,
                                    const std::vector<Digest>& chain, const IdentityCheck& identity,
                                    const std::string& subject,
                                    const std::vector<PublicKey>& log_keys = {});

} // namespace ward::trust
