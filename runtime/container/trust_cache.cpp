#include "trust_cache.hpp"

#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"

#include <cerrno>
#include <sys/stat.h>

namespace ward::container {

namespace {

// Bumped when what a cached match means changes (rootfs_match's rules).
constexpr std::string_view kHeader = "ward client rootfs cache v1\n";

std::string content(const std::string& identity, const CachedMatch& match) {
    trust::TreeRecord root;
    root.files[""] = match.root;
    return std::string(kHeader) + identity + "manifest " + match.manifest.str() + "\n" +
           trust::serialize_records(root);
}

} // namespace

ClientTrustCache::ClientTrustCache(std::string store_root)
    : dir_(std::move(store_root) + "/client-cache") {}

std::string ClientTrustCache::file_for(const std::string& identity) const {
    return dir_ + "/" + trust::sha256(identity).hex;
}

std::optional<CachedMatch> ClientTrustCache::lookup(const std::string& identity) const {
    std::string text;
    try {
        text = read_file(file_for(identity));
    } catch (const Error&) {
        return std::nullopt;
    }
    std::string head = std::string(kHeader) + identity + "manifest ";
    if (!starts_with(text, head))
        return std::nullopt;
    size_t eol = text.find('\n', head.size());
    if (eol == std::string::npos)
        return std::nullopt;
    try {
        CachedMatch out{trust::parse_digest(text.substr(head.size(), eol - head.size())), {}};
        trust::TreeRecord root = trust::parse_records(std::string_view(text).substr(eol + 1));
        if (root.files.size() != 1 || !root.files.count(""))
            return std::nullopt;
        out.root = root.files.at("");
        return out;
    } catch (const Error& e) {
        log::debug("client trust cache " + file_for(identity) + ": " + e.what());
        return std::nullopt;
    }
}

void ClientTrustCache::remember(const std::string& identity, const CachedMatch& match) const {
    try {
        if (::mkdir(dir_.c_str(), 0700) < 0 && errno != EEXIST)
            fail_errno("mkdir " + dir_);
        write_file_atomic(file_for(identity), content(identity, match), 0600);
    } catch (const Error& e) {
        log::debug(std::string("client trust cache not written: ") + e.what());
    }
}

} // namespace ward::container
