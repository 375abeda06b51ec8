#include "trust_cache.hpp"

#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
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

// The file's name: FNV-1a of the identity. Not a digest: the file holds the
// whole identity and a lookup compares it, so two identities with one name
// only evict each other. (SHA-256 here would initialise OpenSSL, several
// milliseconds, before the admission that needs it anyway.)
std::string ClientTrustCache::file_for(const std::string& identity) const {
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : identity) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    char name[17];
    std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(hash));
    return dir_ + "/" + name;
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
