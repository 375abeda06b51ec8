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
//                 against the per-file record made at import.
//   signed bundle BUNDLE/ward-signature.json (`ward sign`): the signature is
//                 checked with the keys of the policy's bundle requirements,
//                 then config.json and the rootfs are re-hashed.
//   unverified    anything else: the policy's `unverified` says refuse, warn
//                 or allow.
//
// Every refusal reads "refusing to start: ..." and names what failed.
#include "trust_check.hpp"

#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/base/in_root.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/bundle_sign.hpp"
#include "ward/trust/store.hpp"
#include "ward/trust/tree_diff.hpp"
#include "ward/trust/tree_walk.hpp"

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

bool same_inode(const std::string& a, const std::string& b) {
    struct stat sa {
    }, sb{};
    return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

// verifyRootfs "always": the store rootfs walked again and compared with
// the record its import made.
void verify_store_rootfs(const trust::StoreEntry& entry) {
    trust::TreeRecord want;
    try {
        want = trust::parse_records(read_file(entry.record_path()));
    } catch (const Error& e) {
        refuse("image " + entry.manifest.str() + ": " + e.what());
    }
    UniqueFd dir(::open(entry.rootfs().c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir)
        refuse("image " + entry.manifest.str() + ": open rootfs " + entry.rootfs() + ": " +
               errno_text(errno));
    trust::TreeRecord got;
    try {
        got = trust::record_tree(dir.get());
    } catch (const Error& e) {
        refuse(e.what());
    }
    if (auto diff = trust::first_difference(want, got, "since import"))
        refuse(*diff + " (image " + entry.manifest.str() + ")");
}

TrustOutcome check_signed_bundle(const TrustSection& trust, const std::string& bundle,
                                 const spec::Spec& spec, const std::string& config_text) {
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
                for (auto& key : trust::requirement_keys(req)) {
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
    // What create mounts must be the directory that was walked.
    struct stat st {};
    if (::stat(spec.root->path.c_str(), &st) < 0 || st.st_dev != verified.rootfs_dev ||
        st.st_ino != verified.rootfs_ino)
        refuse("root.path " + spec.root->path + " is not the rootfs that was verified");
    return {"signed bundle", bundle + " (key " + verified.key + ", " +
                                 std::to_string(verified.files) + " files, " +
                                 std::to_string(verified.bytes) + " bytes hashed)"};
}

// A store rootfs is shared and never written: a mount target it lacks
// would be created in it by the mount setup. Targets below another mount
// of the config (/dev/pts on /dev's tmpfs) are made on that mount, not in
// the rootfs.
void check_mount_targets(const spec::Spec& spec, const trust::StoreEntry& entry) {
    UniqueFd root(::open(entry.rootfs().c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!root)
        refuse("image " + entry.manifest.str() + ": open rootfs " + entry.rootfs() + ": " +
               errno_text(errno));
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        const std::string& dest = spec.mounts[i].destination;
        bool on_earlier_mount = false;
        for (size_t j = 0; j < i && !on_earlier_mount; ++j) {
            const std::string& parent = spec.mounts[j].destination;
            on_earlier_mount = parent == "/" || (dest.size() > parent.size() &&
                                                 dest.compare(0, parent.size(), parent) == 0 &&
                                                 dest[parent.size()] == '/');
        }
        if (on_earlier_mount)
            continue;
        // Resolved as the mount setup will resolve it: inside the rootfs,
        // symlinks kept within it (a plain fstatat could follow a link
        // out of the store and find a target the image does not have).
        bool exists = true;
        try {
            open_in_root(root.get(), dest, O_PATH);
        } catch (const PathError& e) {
            if (e.err != ENOENT)
                throw;
            exists = false;
        }
        if (!exists)
            refuse("mounts[" + std::to_string(i) + "].destination " + dest +
                   " does not exist in the rootfs of image " + entry.manifest.str() +
                   ", and a store rootfs is never written to create it");
    }
}

TrustOutcome check_store_image(const TrustSection& trust, const spec::Spec& spec,
                               const std::string& digest_text, const std::string& store_flag) {
    std::optional<trust::Digest> digest;
    try {
        digest = trust::parse_digest(digest_text);
    } catch (const Error& e) {
        refuse("annotation " + std::string(trust::kImageDigestAnnotation) + ": " + e.what());
    }
    std::string root = trust::store_root(store_flag);
    trust::Store store =
        with_context("image store", [&] { return trust::Store::open(root, false); });
    std::optional<trust::StoreEntry> entry = store.find(*digest);
    if (!entry)
        refuse("image " + digest->str() + " is not in the store " + root);
    if (!same_inode(spec.root->path, entry->rootfs()))
        refuse("root.path " + spec.root->path + " is not the rootfs of image " + digest->str() +
               " (" + entry->rootfs() + ")");
    if (!spec.root->readonly)
        refuse("root.readonly: a store image's rootfs is shared by every container of " +
               digest->str() + " and must be read-only");
    std::string name = annotation(spec, trust::kImageNameAnnotation)
                           .value_or(entry->names.empty() ? "" : entry->names.front());
    bool known = false;
    for (const auto& n : entry->names)
        known = known || n == name;
    if (!known)
        refuse("image " + digest->str() + " was not imported as " + quote(name));
    trust::Admission admission;
    try {
        admission = trust::admit_image(trust, name, entry->chain, store.signatures(*entry));
    } catch (const Error& e) {
        refuse(e.what());
    }
    check_mount_targets(spec, *entry);
    if (trust.verify_rootfs == TrustSection::VerifyRootfs::always)
        verify_store_rootfs(*entry);
    TrustOutcome out;
    out.kind = "image";
    out.detail = name + " " + digest->str() + " (" + admission.requirement + ", scope " +
                 quote(admission.scope) +
                 (admission.signature ? ", key " + admission.signature->key : "") + ")";
    return out;
}

} // namespace

TrustOutcome check_trust(const policy::Policy& policy, const std::string& bundle,
                         const spec::Spec& spec, const std::string& config_text,
                         const std::string& store_flag) {
    if (!policy.trust)
        return {"unchecked", "policy " + quote(policy.name) + " has no trust section"};
    const TrustSection& trust = *policy.trust;
    if (auto digest = annotation(spec, trust::kImageDigestAnnotation))
        return check_store_image(trust, spec, *digest, store_flag);
    if (trust::bundle_is_signed(bundle))
        return check_signed_bundle(trust, bundle, spec, config_text);
    std::string why = "bundle " + bundle +
                      " is unverified: not made from a store image (ward bundle create --image) "
                      "and not signed (ward sign)";
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
