// Sigstore bundles v0.3 as `cosign sign --key` (cosign v3's default) makes
// them: a DSSE envelope whose payload is an in-toto statement with
// predicateType https://sigstore.dev/cosign/sign/v1 and, as subject, the
// image's manifest digest; optionally transparency-log (Rekor v1) entries.
//
// Verified offline, in this order, so JSON a trusted key did not sign is
// only read as far as finding the signature:
//   1. the bundle's outer JSON (strict: mediaType, one DSSE signature,
//      payloadType application/vnd.in-toto+json) — parse_sigstore_bundle;
//   2. the signature, ECDSA P-256 / SHA-256 over the DSSE pre-auth encoding
//      of (payloadType, payload), with the policy's keys — the caller;
//   3. the statement — parse_cosign_statement;
//   4. the log entry, only when the policy names a log key —
//      check_log_entry: its signed entry timestamp (inclusion promise) with
//      that key, and its body bound to this envelope (payload hash and
//      signature). Inclusion proofs, checkpoints, integratedTime against a
//      validity window and RFC 3161 timestamps are not checked.
//
// A bundle carries no docker-reference: it binds a digest, not a name.
#pragma once

#include "ward/trust/digest.hpp"
#include "ward/trust/keys.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ward::trust {

inline constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";
inline constexpr std::string_view kInTotoStatementV1 = "https://in-toto.io/Statement/v1";
inline constexpr std::string_view kCosignSignPredicate = "https://sigstore.dev/cosign/sign/v1";

// One verificationMaterial.tlogEntries[] item, decoded.
struct LogEntry {
    std::string log_id; // logId.keyId: the SHA-256 of the log's public key (DER)
    int64_t log_index = 0;
    int64_t integrated_time = 0;
    std::string kind; // kindVersion.kind ("dsse")
    std::string version;
    std::string body;            // canonicalizedBody, decoded
    std::string body_base64;     // as the log signed it
    std::string signed_entry_ts; // inclusionPromise.signedEntryTimestamp (DER), or ""
};

struct SigstoreBundle {
    std::string payload_type;
    std::string payload;   // the statement's exact bytes (decoded)
    std::string signature; // DER
    std::vector<LogEntry> log_entries;
};

// Strict parse of the bundle JSON; throws Error prefixed with `what`,
// naming the field: `WHAT: dsseEnvelope.signatures: want exactly one, got 2`.
// A message-signature bundle (the blob-signing form) is refused by name.
SigstoreBundle parse_sigstore_bundle(std::string_view bytes, const std::string& what);

// DSSE's pre-authentication encoding: what the signature covers.
std::string dsse_pae(std::string_view payload_type, std::string_view payload);

// The sha256 subject digests of a cosign signing statement; throws unless
// _type is Statement v1 and predicateType is cosign's signing predicate.
std::vector<Digest> parse_cosign_statement(std::string_view bytes, const std::string& what);

// Checks `bundle`'s log entries against `log_keys` (the policy's Rekor
// keys); passes when one entry verifies and binds this envelope, else
// throws with why each failed. Returns a line for the verification output:
// "log entry 42 (dsse) promised by rekor.pub".
std::string check_log_entry(const SigstoreBundle& bundle, const std::vector<PublicKey>& log_keys,
                            const PublicKey& signer, const std::string& what);

} // namespace ward::trust
