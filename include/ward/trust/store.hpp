// The image store: verified images unpacked into root-owned directories,
// keyed by manifest digest.
//
//   STORE/                       0700 root; --store DIR, WARD_STORE, else /var/lib/ward
//     images/sha256/<hex>/       one entry per manifest
//       rootfs/                  the unpacked layers
//       files.jsonl              the per-file record (file_record.hpp)
//       manifest.json            exactly the verified manifest bytes
//       config.json              exactly the verified image config bytes
//       signatures.json          every signature found at import (payload + DER, base64)
//       image.json               names, chain, layers, what was admitted, when
//     tmp/                       imports in progress (renamed into images/ when complete)
//     names.json?                (implementation's choice; `ls` and name lookup)
//
// An import verifies the whole chain and the signature under the policy
// (admission.hpp) before it unpacks anything; it unpacks into tmp/, and
// renames into images/ only when every layer and its diff_id checked out, so
// a failed import leaves the store as it was.
#pragma once

#include "ward/policy/trust.hpp"
#include "ward/trust/admission.hpp"
#include "ward/trust/file_record.hpp"
#include "ward/trust/layout.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ward::trust {

// The annotations `bundle create --image` writes into config.json; create
// finds the store entry by the digest and checks root.path is its rootfs.
inline constexpr std::string_view kImageDigestAnnotation = "dev.ward.image.digest";
inline constexpr std::string_view kImageNameAnnotation = "dev.ward.image.name";

// --store DIR (non-empty flag), else WARD_STORE, else /var/lib/ward.
std::string store_root(const std::string& flag);

struct StoreEntry {
    Digest manifest;
    std::string dir;                // STORE/images/sha256/<hex>
    std::vector<std::string> names; // full names it was imported under ("localhost/demo:latest")
    std::vector<Digest> chain;      // as verify_image gave it (signatures may name an index)
    std::string imported;           // RFC 3339 UTC
    uint64_t size = 0;              // bytes of file content in rootfs
    std::string rootfs() const { return dir + "/rootfs"; }
    std::string record_path() const { return dir + "/files.jsonl"; }
};

class Store {
  public:
    // Opens (creating it 0700 when `create`) the store at `root`.
    static Store open(const std::string& root, bool create);
    const std::string& root() const { return root_; }

    // By full name, by "sha256:<hex>", or by a unique hex prefix of at least
    // 12 digits; nullopt when nothing matches (ambiguous prefix: Error).
    std::optional<StoreEntry> find(const std::string& ref) const;
    std::optional<StoreEntry> find(const Digest& manifest) const;
    std::vector<StoreEntry> list() const;

    // The signatures saved at import (for admission at create).
    std::vector<Signature> signatures(const StoreEntry& entry) const;

  private:
    std::string root_;
};

} // namespace ward::trust
