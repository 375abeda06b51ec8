// The client trust cache: which store image the lower layers of an overlay
// rootfs were proven to be, so the next start of the same snapshot costs a
// look at its upper layer instead of hashing every file. Kept in the store
// (STORE/client-cache/, 0700 root, as root-controlled as the store itself);
// one file per set of lower layers (base/keyed_files.hpp), keyed by their
// identity (overlay_layers.hpp: device, inode, birth time and path of
// each). The threat model is in docs/trust.md.
#pragma once

#include "ward/base/keyed_files.hpp"
#include "ward/trust/digest.hpp"
#include "ward/trust/file_record.hpp"

#include <optional>
#include <string>

namespace ward::container {

struct CachedMatch {
    trust::Digest manifest; // the store image the layers are
    trust::FileRecord root; // the image's "/" (the merged root takes the upper's attributes)
};

class ClientTrustCache {
  public:
    explicit ClientTrustCache(const std::string& store_root);
    // nullopt when nothing (or something unreadable) is cached for it.
    std::optional<CachedMatch> lookup(const std::string& identity) const;
    // Best effort: a cache that cannot be written only costs the next
    // start a full walk (said on the debug log).
    void remember(const std::string& identity, const CachedMatch& match) const;

  private:
    KeyedFiles files_;
};

} // namespace ward::container
