// Signed plain bundles: `ward sign --key K BUNDLE` and `ward verify BUNDLE`,
// for bundles not made from a store image. create checks them the same way
// before it starts one (the policy's `trust.bundles` names the keys).
//
// Signing records the rootfs (root.path of BUNDLE/config.json, relative to
// the bundle unless absolute) with record_tree and writes two files next to
// config.json:
//   ward-rootfs.jsonl    the per-file record (file_record.hpp), so a failed
//                        check can name the path that changed;
//   ward-signature.json  {"payload":"<base64>","signature":"<base64 DER>"}
// The payload is compact JSON with exactly these members, in this order:
//   {"type":"ward bundle signature",
//    "configDigest":"sha256:<hex of config.json's exact bytes>",
//    "rootPath":"<root.path as config.json has it>",
//    "rootfsRecordDigest":"sha256:<hex of ward-rootfs.jsonl's bytes>"}
// The record's digest is the canonical digest over the tree: every path,
// type, mode, owner, content digest, link target, device number and file
// capability. The signature is ECDSA P-256 / SHA-256 over the payload's
// exact bytes (keys.hpp), so `openssl dgst -sha256 -verify` checks it too.
//
// Verification fails closed, in this order, each step with its own message:
// the signature over the payload bytes (with the given keys), then the
// payload's strict parse, then config.json's digest, then the record file's
// digest, then a fresh walk of the rootfs compared with the record.
//
// Time of check and time of use: the check proves what the bundle held
// while it ran. create reads config.json once and passes those bytes
// (VerifyBundleOptions::config), so the config it runs is byte for byte the
// one checked, with no second read to race. The rootfs is walked by fd and
// never through a symlink inside it, but create mounts it by path
// afterwards: someone who can write the bundle's rootfs can change it after
// the check (as they could after the start). VerifiedBundle carries the
// rootfs directory's device and inode, so create can make sure the
// directory it mounts is the one walked. Bundles meant to be signed belong
// in directories only root can write.
#pragma once

#include "ward/trust/digest.hpp"
#include "ward/trust/keys.hpp"
#include "ward/trust/tree_walk.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ward::trust {

inline constexpr const char* kBundleSignatureFile = "ward-signature.json";
inline constexpr const char* kBundleRecordFile = "ward-rootfs.jsonl";
inline constexpr const char* kBundlePayloadType = "ward bundle signature";

struct BundlePayload {
    Digest config;
    std::string root_path;
    Digest record;
};

// The payload's exact bytes for these values, and its strict parse (exactly
// the four members, strings, the type above, valid digests, a non-empty
// root path). Errors: "bundle signature payload: .configDigest: ...".
std::string make_bundle_payload(const BundlePayload& payload);
BundlePayload parse_bundle_payload(std::string_view bytes);

struct SignBundleOptions {
    WalkOptions walk;
};

struct SignedBundle {
    BundlePayload payload;
    std::string rootfs;     // the directory recorded (bundle-relative root.path resolved)
    uint64_t files = 0;     // paths recorded
    uint64_t bytes = 0;     // file content hashed (hardlinked inodes once)
    std::string key_public; // PEM of the signing key's public half
};

// Records the rootfs, writes ward-rootfs.jsonl and ward-signature.json
// (each atomically, mode 0644 less the umask; an existing signature is
// replaced). Refuses a root.path that is the bundle directory or one of its
// ancestors (the signature files would be part of what they sign).
SignedBundle sign_bundle(const std::string& bundle_dir, const PrivateKey& key,
                         const SignBundleOptions& options = {});

struct VerifyBundleOptions {
    WalkOptions walk;
    // config.json's bytes as the caller already read them (create: the
    // config it will run); nullopt: read BUNDLE/config.json here.
    std::optional<std::string> config;
    // The rootfs as the caller opened it (create: the directory it will
    // mount); -1: open config.json's root.path here.
    int rootfs_fd = -1;
};

struct VerifiedBundle {
    std::string key; // name (path) of the key the signature verified with
    BundlePayload payload;
    std::string rootfs; // the directory walked
    uint64_t rootfs_dev = 0, rootfs_ino = 0;
    uint64_t files = 0; // paths walked
    uint64_t bytes = 0; // file content hashed
};

// Throws ward::Error naming the first check that failed:
//   bundle BUNDLE is not signed (no ward-signature.json)
//   bundle signature does not verify with key K
//   bundle signature does not verify with any of the keys K1, K2
//   config.json changed since signing (want sha256:…, got sha256:…)
//   ward-rootfs.jsonl changed since signing (want sha256:…, got sha256:…)
//   rootfs file /bin/sh changed since signing   (and the rest of tree_diff.hpp)
VerifiedBundle verify_bundle(const std::string& bundle_dir, const std::vector<PublicKey>& keys,
                             const VerifyBundleOptions& options = {});

// True when BUNDLE/ward-signature.json exists (whatever it holds: a bundle
// that claims a signature is checked, and fails if it is not a good one).
bool bundle_is_signed(const std::string& bundle_dir);

} // namespace ward::trust
