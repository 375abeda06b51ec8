// A client's bundle proven to be a store image: the rootfs create opened
// is matched against every store entry's per-file record
// (trust::match_store_rootfs), and the matched image's saved signatures
// are admitted again under the policy as it is now, as for a store image
// (a key removed since import revokes it). No annotation of the caller
// takes part: the client's config names neither the image nor its digest
// in any way ward believes.
#include "client_trust.hpp"

#include "overlay_layers.hpp"
#include "trust_cache.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/admission.hpp"
#include "ward/trust/rootfs_match.hpp"
#include "ward/trust/store.hpp"
#include "ward/trust/tree_diff.hpp"
#include "ward/trust/tree_walk.hpp"
#include "ward/trust/verify_memo.hpp"

#include <fcntl.h>
#include <sys/stat.h>

namespace ward::container {

namespace {

std::set<std::string> mount_points(const spec::Spec& spec) {
    std::vector<std::string> destinations;
    for (const auto& m : spec.mounts)
        destinations.push_back(m.destination);
    return trust::mount_points_as_record_paths(destinations);
}

std::string image_label(const trust::StoreEntry& entry) {
    return (entry.names.empty() ? std::string("(no name)") : entry.names.front()) + " (" +
           entry.manifest.str() + ")";
}

// The merged "/" takes the upper layer's mode, owner and xattrs, which the
// lower layers' identity does not cover.
std::optional<std::string> merged_root_change(int rootfs_fd, const trust::FileRecord& image_root) {
    struct stat st {};
    UniqueFd dir(::openat(rootfs_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir || ::fstat(dir.get(), &st) < 0)
        return "rootfs: cannot look at its root";
    trust::FileRecord got;
    got.type = trust::EntryType::directory;
    got.mode = st.st_mode & 07777;
    got.uid = st.st_uid;
    got.gid = st.st_gid;
    try {
        got.xattrs = trust::record_xattrs(dir.get(), "");
    } catch (const Error& e) {
        return std::string(e.what());
    }
    return trust::client_root_difference(image_root, got, true);
}

// The first of the entry's names the policy admits now; the error of the
// first name when none is.
std::variant<std::pair<std::string, trust::Admission>, std::string>
admit_entry(const policy::TrustSection& trust, const trust::Store& store,
            const trust::StoreEntry& entry) {
    if (entry.names.empty())
        return "rootfs is image " + image_label(entry) + ", which has no name to admit it under";
    std::string first_error;
    trust::VerifyMemo memo(store.root());
    for (const auto& name : entry.names) {
        try {
            return std::pair{
                name, trust::admit_image(trust, name, entry.chain, store.signatures(entry), &memo)};
        } catch (const Error& e) {
            if (first_error.empty())
                first_error = e.what();
        }
    }
    return "rootfs is image " + image_label(entry) + ", but " + first_error;
}

// The image the cache says the lower layers are, when the merged root and
// the upper layer still add nothing to it; nullopt (and a debug line
// saying why) sends create to the full walk.
std::optional<trust::StoreEntry> cached_entry(const trust::Store& store,
                                              const ClientTrustCache& cache,
                                              const OpenedLayers& layers, int rootfs_fd,
                                              const std::set<std::string>& targets) {
    std::optional<CachedMatch> cached = cache.lookup(layers.identity);
    if (!cached)
        return std::nullopt;
    std::optional<trust::StoreEntry> entry = store.find(cached->manifest);
    if (!entry) {
        log::debug("client trust cache: image " + cached->manifest.str() + " left the store");
        return std::nullopt;
    }
    if (auto change = merged_root_change(rootfs_fd, cached->root)) {
        log::debug("client trust cache: " + *change);
        return std::nullopt;
    }
    if (auto change = upper_layer_change(layers, targets)) {
        log::debug("client trust cache: " + *change);
        return std::nullopt;
    }
    return entry;
}

} // namespace

std::variant<TrustOutcome, std::string> check_client_rootfs(const policy::TrustSection& trust,
                                                            const ClientRootfs& client) {
    std::string root = trust::store_root(client.store_flag);
    std::optional<trust::Store> store;
    try {
        // A store someone other than root could change vouches for nothing.
        store = trust::Store::open(root, false);
    } catch (const Error& e) {
        return std::string(e.what());
    }
    std::set<std::string> targets = mount_points(client.spec);
    // verifyRootfs "always": every start walks and hashes the whole tree.
    std::optional<OpenedLayers> layers;
    if (trust.verify_rootfs != policy::TrustSection::VerifyRootfs::always)
        if (auto overlay = rootfs_overlay(client.rootfs_fd))
            layers = open_layers(*overlay);
    ClientTrustCache cache(store->root());
    std::optional<trust::StoreEntry> entry;
    std::string how;
    if (layers && (entry = cached_entry(*store, cache, *layers, client.rootfs_fd, targets)))
        how = "cached: lower layers proven before, upper layer holds only mount targets";
    if (!entry && !layers && !client.must_prove)
        return std::string("not proven: its rootfs is no overlay snapshot whose proof ward could "
                           "cache, and a policy that only warns does not walk every file of it at "
                           "every start");
    if (!entry) {
        trust::RootfsMatch match;
        try {
            match = trust::match_store_rootfs(*store, client.rootfs_fd, targets);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        if (!match.entry)
            return match.why;
        entry = std::move(match.entry);
        how = std::to_string(match.files) + " paths, " + std::to_string(match.bytes) +
              " bytes hashed";
        if (layers)
            cache.remember(layers->identity, {entry->manifest, match.image_root});
    }
    auto admitted = admit_entry(trust, *store, *entry);
    if (auto* why = std::get_if<std::string>(&admitted))
        return *why;
    const auto& [name, admission] = std::get<0>(admitted);
    TrustOutcome out;
    out.kind = "client image";
    out.detail = name + " " + entry->manifest.str() + " (" + admission.requirement + ", scope " +
                 quote(admission.scope) +
                 (admission.signature ? ", key " + admission.signature->key : "") + "; " + how +
                 ")";
    return out;
}

} // namespace ward::container
