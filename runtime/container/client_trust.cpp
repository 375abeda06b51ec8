// A client's bundle proven to be a store image: the rootfs create opened
// is matched against every store entry's per-file record
// (trust::match_store_rootfs), and the matched image's saved signatures
// are admitted again under the policy as it is now, as for a store image
// (a key removed since import revokes it). No annotation of the caller
// takes part: the client's config names neither the image nor its digest
// in any way ward believes.
#include "client_trust.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/admission.hpp"
#include "ward/trust/rootfs_match.hpp"
#include "ward/trust/store.hpp"

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

// The first of the entry's names the policy admits now; the error of the
// first name when none is.
std::variant<std::pair<std::string, trust::Admission>, std::string>
admit_entry(const policy::TrustSection& trust, const trust::Store& store,
            const trust::StoreEntry& entry) {
    if (entry.names.empty())
        return "rootfs is image " + image_label(entry) + ", which has no name to admit it under";
    std::string first_error;
    for (const auto& name : entry.names) {
        try {
            return std::pair{name, trust::admit_image(trust, name, entry.chain,
                                                      store.signatures(entry))};
        } catch (const Error& e) {
            if (first_error.empty())
                first_error = e.what();
        }
    }
    return "rootfs is image " + image_label(entry) + ", but " + first_error;
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
    trust::RootfsMatch match;
    try {
        match = trust::match_store_rootfs(*store, client.rootfs_fd, mount_points(client.spec));
    } catch (const Error& e) {
        return std::string(e.what());
    }
    if (!match.entry)
        return match.why;
    auto admitted = admit_entry(trust, *store, *match.entry);
    if (auto* why = std::get_if<std::string>(&admitted))
        return *why;
    const auto& [name, admission] = std::get<0>(admitted);
    TrustOutcome out;
    out.kind = "client image";
    out.detail = name + " " + match.entry->manifest.str() + " (" + admission.requirement +
                 ", scope " + quote(admission.scope) +
                 (admission.signature ? ", key " + admission.signature->key : "") + "; " +
                 std::to_string(match.files) + " paths, " + std::to_string(match.bytes) +
                 " bytes hashed)";
    return out;
}

} // namespace ward::container
