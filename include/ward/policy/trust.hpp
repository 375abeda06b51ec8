// The `trust` section of a policy (ward-policy(5)): which images and
// bundles may run. Its requirements are shaped like containers-policy.json(5)
// (the file podman, skopeo and CRI-O read), so an operator who knows one
// reads the other:
//
//   "trust": {
//     "default": [{"type": "reject"}],
//     "scopes": {
//       "docker.io/library/busybox": [
//         {"type": "sigstoreSigned", "keyPath": "/etc/ward/keys/demo.pub",
//          "signedIdentity": {"type": "matchRepository"}}
//       ]
//     },
//     "bundles": [{"type": "sigstoreSigned", "keyPaths": ["/etc/ward/keys/ops.pub"]}],
//     "unverified": "refuse",
//     "verifyRootfs": "always",
//     "unpack": {"devices": "refuse", "setid": "drop", "fileCapabilities": "drop"}
//   }
//
// Scopes are repositories (`host[:port]/path`), a repository with a tag
// (`…:tag`), a namespace prefix (`host/ns`), a host, or `*.domain`; the most
// specific scope that matches the image's name wins, else `default`. Every
// requirement of the chosen list must be met (as in containers-policy.json).
// `bundles` is the list for bundles signed with `ward sign` (they have no
// repository name); left out, `default` applies to them too.
//
// A policy without a trust section does not check images at all (as runc);
// the shipped policies all have one.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ward::policy {

// signedIdentity of a sigstoreSigned requirement: how the docker-reference
// in a signature must relate to the name the image is run under, with
// containers/image's semantics (trust/identity.hpp applies them).
struct SignedIdentity {
    enum class Kind {
        match_repo_digest_or_exact, // the default: name with a tag → exactly equal; else same
                                    // repository
        match_repository,           // same repository, any tag
        match_exact,                // exactly the image's name, tag included
        exact_reference,  // the signature names `reference` exactly, whatever the image's name
        exact_repository, // the signature names `repository` (any tag), whatever the image's name
        remap_identity,   // the image's name with `prefix` replaced by `signed_prefix`, then as
                          // match_repo_digest_or_exact
    };
    Kind kind = Kind::match_repo_digest_or_exact;
    std::string reference;     // exact_reference: dockerReference
    std::string repository;    // exact_repository: dockerRepository
    std::string prefix;        // remap_identity: prefix
    std::string signed_prefix; // remap_identity: signedPrefix
    // The policy wrote signedIdentity (rather than taking the default): a
    // Sigstore bundle, which names no docker-reference, cannot satisfy it.
    bool stated = false;
};
const char* signed_identity_name(SignedIdentity::Kind kind); // "matchRepoDigestOrExact"

struct Requirement {
    enum class Type { reject, insecure_accept_anything, sigstore_signed };
    Type type = Type::reject;
    // sigstore_signed: the keys, any one of which may sign. keyPath and
    // keyPaths are files (PEM public keys) read when the check runs, so a
    // key removed from the policy or its file stops verifying at once;
    // keyData is the PEM text itself, base64-encoded as
    // containers-policy.json has it (decoded by trust/admission, which owns
    // base64).
    std::vector<std::string> key_paths;
    std::vector<std::string> key_data; // base64 of PEM text
    // rekorPublicKeyPath(s)/rekorPublicKeyData(s): transparency-log keys.
    // Given, a Sigstore bundle must carry a log entry one of them promised
    // (checked offline, never fetched); absent, log entries are not checked.
    // Simple-signing signatures carry no log entry ward reads.
    std::vector<std::string> rekor_key_paths;
    std::vector<std::string> rekor_key_data;
    std::string where; // "trust.scopes["x"][0]", for messages
    SignedIdentity signed_identity;
};
using Requirements = std::vector<Requirement>;

// What the store's unpacker does with a layer's device nodes, setuid/setgid
// bits and security.capability xattrs (trust::UnpackOptions is this type).
enum class Treatment { refuse, drop, keep };

struct UnpackRules {
    Treatment devices = Treatment::refuse;
    Treatment setid = Treatment::drop;
    Treatment file_capabilities = Treatment::drop;
};

struct TrustSection {
    Requirements default_requirements;
    std::map<std::string, Requirements> scopes; // scope → requirements
    std::optional<Requirements> bundles;        // nullopt: default_requirements
    // A bundle neither made from a store image nor signed with `ward sign`:
    // refuse (create fails), warn (runs, logged), allow (runs silently).
    enum class Unverified { refuse, warn, allow };
    Unverified unverified = Unverified::refuse;
    // always: create re-hashes a store image's rootfs against its per-file
    // record before every start; never: only the store entry's identity and
    // its signature are checked (the rootfs is root-owned and 0700).
    enum class VerifyRootfs { never, always };
    VerifyRootfs verify_rootfs = VerifyRootfs::never;
    UnpackRules unpack;

    const Requirements& bundle_requirements() const {
        return bundles ? *bundles : default_requirements;
    }
};

const char* requirement_type_name(Requirement::Type type); // "sigstoreSigned"
const char* treatment_name(Treatment treatment);           // "drop"
const char* unverified_name(TrustSection::Unverified u);   // "refuse"

// The requirements the most specific matching scope gives `name` (a full
// image name, "docker.io/library/busybox:1.36"), and that scope's key
// ("default" when none matched).
struct ScopeMatch {
    const Requirements* requirements;
    std::string scope;
};
ScopeMatch requirements_for(const TrustSection& trust, const std::string& name);

} // namespace ward::policy
