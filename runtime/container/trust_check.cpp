// The trust step of create (policy's trust section): before anything
// touches the host, decide where the rootfs came from and whether the
// policy still trusts it.
//
//   store image   config.json names a manifest digest (dev.ward.image.digest):
//                 root.path must be that store entry's rootfs (same inode),
//                 read-only, the name one the image was admitted under, and
//                 its saved signatures must still satisfy the policy now (a
//                 key removed from the policy, or its file deleted, revokes
//                 it); with verifyRootfs "always" the rootfs is re-hashed
//                 against the per-file record made at import (plus the
//                 empty mount points import added, image.json's
//                 mountPoints).
//   signed bundle BUNDLE/ward-signature.json (`ward sign`): the signature is
//                 checked with the keys of the policy's bundle requirements,
//                 then config.json and the rootfs are re-hashed.
//   client image  a rootfs a client (containerd, podman) unpacked itself,
//                 proven file by file to be a store image that the policy
//                 admits now (client_trust.cpp); looked for unless the
//                 policy's `unverified` is allow.
//   unverified    anything else: the policy's `unverified` says refuse, warn
//                 or allow.
//
// Every refusal reads "refusing to start: ..." and names what failed.
#include "trust_check.hpp"

#include "client_trust.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/base/file_id.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/bundle_sign.hpp"
#include "ward/trust/mount_points.hpp"
#include "ward/trust/store.hpp"
#include "ward/trust/tree_diff.hpp"
#include "ward/trust/tree_walk.hpp"
#include "ward/trust/verify_memo.hpp"

#include <algorithm>
#include <fcntl.h>
#include <sys/stat.h>

namespace ward::container {
namespace {

using policy::TrustSection;

[[noreturn]] void refuse(const std::string& why) {
    fail("refusing to start: " + why);
}

std::optional<std::string> annotation(const spec::Spec& spec, std::string_view key) {
    for (const auto& [k, v] : spec.annotations)
        if (k == key)
            return v;
    return std::nullopt;
}

// verifyRootfs "always": the store rootfs walked again and compared with
// the record its import made, plus the empty mount points import added
// (image.json's mountPoints) and nothing else.
void verify_store_rootfs(const trust::StoreEntry& entry, int rootfs_fd) {
    trust::TreeRecord want;
    try {
        want = trust::with_mount_points(trust::parse_records(read_file(entry.record_path())),
                                        entry.mount_points);
    } catch (const Error& e) {
        refuse("image " + entry.manifest.str() + ": " + e.what());
    }
    // The directory that will be mounted, as create opened it.
    trust::TreeRecord got;
    try {
        got = trust::record_tree(rootfs_fd);
    } catch (const Error& e) {
        refuse(e.what());
    }
    if (auto diff = trust::first_difference(want, got, "since import"))
        refuse(*diff + " (image " + entry.manifest.str() + ")");
}

TrustOutcome check_signed_bundle(const TrustSection& trust, const std::string& bundle,
                                 const spec::Spec& spec, const std::string& config_text,
                                 int rootfs_fd) {
    std::vector<trust::PublicKey> keys;
    // Every requirement must hold: the one key that signed must be among
    // the keys of each sigstoreSigned requirement.
    std::vector<std::pair<std::string, std::vector<std::string>>> key_names;
    bool accept_anything = false;
    for (const policy::Requirement& req : trust.bundle_requirements()) {
        switch (req.type) {
        case policy::Requirement::Type::reject:
            refuse("signed bundle " + bundle + " is rejected by the policy (" +
                   (trust.bundles ? "trust.bundles" : "trust.default") + ")");
        case policy::Requirement::Type::insecure_accept_anything:
            accept_anything = true;
            break;
        case policy::Requirement::Type::sigstore_signed:
            try {
                key_names.push_back({req.where, {}});
                trust::RequirementKeys loaded = trust::requirement_keys(req);
                for (const auto& skipped : loaded.skipped)
                    log::warn(skipped);
                for (auto& key : loaded.keys) {
                    key_names.back().second.push_back(key.name());
                    keys.push_back(std::move(key));
                }
            } catch (const Error& e) {
                refuse(e.what());
            }
            break;
        }
    }
    if (keys.empty() && accept_anything)
        return {"signed bundle", bundle + " (not checked: the policy accepts any bundle)"};
    trust::VerifyBundleOptions options;
    options.config = config_text;
    options.rootfs_fd = rootfs_fd;
    trust::VerifiedBundle verified;
    try {
        verified = trust::verify_bundle(bundle, keys, options);
    } catch (const Error& e) {
        refuse(e.what());
    }
    for (const auto& [where, names] : key_names)
        if (std::find(names.begin(), names.end(), verified.key) == names.end())
            refuse("bundle " + bundle + " is signed by " + verified.key + ", which " + where +
                   " does not name");
    // What create mounts must be the directory that was walked: the walk
    // took the very fd create mounts, and root.path must name it too.
    FileId walked{verified.rootfs_dev, verified.rootfs_ino};
    if (file_id(rootfs_fd) != walked)
        refuse("root.path " + spec.root->path + " is not the rootfs that was verified");
    return {"signed bundle", bundle + " (key " + verified.key + ", " +
                                 std::to_string(verified.files) + " files, " +
                                 std::to_string(verified.bytes) + " bytes hashed)"};
}

TrustOutcome check_store_image(const TrustSection& trust, const spec::Spec& spec,
                               const std::string& digest_text, const std::string& store_flag,
                               int rootfs_fd) {
    std::optional<trust::Digest> digest;
    try {
        digest = trust::parse_digest(digest_text);
    } catch (const Error& e) {
        refuse("annotation " + std::string(trust::kImageDigestAnnotation) + ": " + e.what());
    }
    std::string root = trust::store_root(store_flag);
    // A store someone other than root could change vouches for nothing.
    trust::Store store = [&] {
        try {
            return trust::Store::open(root, false);
        } catch (const Error& e) {
            refuse(e.what());
        }
    }();
    std::optional<trust::StoreEntry> entry = store.find(*digest);
    if (!entry)
        refuse("image " + digest->str() + " is not in the store " + root);
    auto opened = file_id(rootfs_fd);
    if (!opened || file_id(entry->rootfs()) != opened)
        refuse("root.path " + spec.root->path + " is not the rootfs of image " + digest->str() +
               " (" + entry->rootfs() + ")");
    std::string name = annotation(spec, trust::kImageNameAnnotation)
                           .value_or(entry->names.empty() ? "" : entry->names.front());
    bool known = false;
    for (const auto& n : entry->names)
        known = known || n == name;
    if (!known)
        refuse("image " + digest->str() + " was not imported as " + quote(name));
    trust::Admission admission;
    trust::VerifyMemo memo(store.root());
    try {
        admission = trust::admit_image(trust, name, entry->chain, store.signatures(*entry), &memo);
    } catch (const Error& e) {
        refuse(e.what());
    }
    for (const auto& warning : admission.warnings)
        log::warn(warning);
    if (trust.verify_rootfs == TrustSection::VerifyRootfs::always)
        verify_store_rootfs(*entry, rootfs_fd);
    TrustOutcome out;
    out.kind = "image";
    out.detail = name + " " + digest->str() + " (" + admission.requirement + ", scope " +
                 quote(admission.scope) +
                 (admission.signature ? ", key " + admission.signature->key : "") + ")";
    if (admission.signature)
        for (const auto& note : admission.signature->notes)
            out.detail += "; " + note;
    return out;
}

} // namespace

TrustOutcome check_trust(const policy::Policy& policy, const std::string& bundle,
                         const spec::Spec& spec, const std::string& config_text,
                         const std::string& store_flag, int rootfs_fd) {
    if (!policy.trust)
        return {"unchecked", "policy " + quote(policy.name) + " has no trust section"};
    const TrustSection& trust = *policy.trust;
    if (auto digest = annotation(spec, trust::kImageDigestAnnotation))
        return check_store_image(trust, spec, *digest, store_flag, rootfs_fd);
    if (trust::bundle_is_signed(bundle))
        return check_signed_bundle(trust, bundle, spec, config_text, rootfs_fd);
    std::string why = "bundle " + bundle +
                      " is unverified: not made from a store image (ward bundle create --image), "
                      "not signed (ward sign)";
    // A client's own unpack (containerd, podman) proven to be a store
    // image: looked for only when the answer changes something.
    if (trust.unverified != TrustSection::Unverified::allow) {
        bool must_prove = trust.unverified == TrustSection::Unverified::refuse;
        auto client = check_client_rootfs(
            trust, ClientRootfs{bundle, spec, store_flag, rootfs_fd, must_prove});
        if (auto* outcome = std::get_if<TrustOutcome>(&client))
            return *outcome;
        why += ", and not a trusted image: " + std::get<std::string>(client);
    }
    switch (trust.unverified) {
    case TrustSection::Unverified::refuse:
        refuse(why + "; policy " + quote(policy.name) + " refuses unverified bundles");
    case TrustSection::Unverified::warn:
        log::warn(why);
        break;
    case TrustSection::Unverified::allow:
        break;
    }
    return {"unverified", why};
}

} // namespace ward::container
