#include "trust_cache.hpp"

#include "ward/base/error.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"

namespace ward::container {

namespace {

// Bumped when what a cached match means changes (rootfs_match's rules).
constexpr std::string_view kHeader = "ward client rootfs cache v2\n";

} // namespace

ClientTrustCache::ClientTrustCache(const std::string& store_root)
    : files_(store_root + "/client-cache", std::string(kHeader)) {}

std::optional<CachedMatch> ClientTrustCache::lookup(const std::string& identity) const {
    std::optional<std::string> text = files_.get(identity);
    if (!text || !starts_with(*text, "manifest "))
        return std::nullopt;
    size_t eol = text->find('\n');
    if (eol == std::string::npos)
        return std::nullopt;
    try {
        CachedMatch out{trust::parse_digest(text->substr(9, eol - 9)), {}};
        trust::TreeRecord root = trust::parse_records(std::string_view(*text).substr(eol + 1));
        if (root.files.size() != 1 || !root.files.count(""))
            return std::nullopt;
        out.root = root.files.at("");
        return out;
    } catch (const Error& e) {
        log::debug("client trust cache in " + files_.dir() + ": " + e.what());
        return std::nullopt;
    }
}

void ClientTrustCache::remember(const std::string& identity, const CachedMatch& match) const {
    trust::TreeRecord root;
    root.files[""] = match.root;
    files_.put(identity,
               "manifest " + match.manifest.str() + "\n" + trust::serialize_records(root));
}

} // namespace ward::container
