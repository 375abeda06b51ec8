// The image store: verified images unpacked into root-owned directories,
// keyed by manifest digest.
//
//   STORE/                       0700 root; --store DIR, WARD_STORE, else /var/lib/ward
//     images/sha256/<hex>/       one entry per manifest
//       rootfs/                  the unpacked layers
//       files.jsonl              the per-file record (file_record.hpp)
//       manifest.json            exactly the verified manifest bytes
//       config.json              exactly the verified image config bytes
//       signatures.json          every signature found at import (payload + DER, or a
//                                Sigstore bundle, base64)
//       image.json               names, chain, layers, what was admitted, when, the
//                                mount points import added (mount_points.hpp)
//     tmp/                       imports in progress (renamed into images/ when complete)
//     lock                       flock'd around every change of images/
//
// Names live in each entry's image.json (rewritten by temp file + rename);
// a name is on at most one entry: importing it for another image moves it.
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
#include "ward/trust/unpack.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ward::trust {

// The annotations `bundle create --image` writes into config.json; create
// finds the store entry by the digest and checks root.path is its rootfs.
inline constexpr std::string_view kImageDigestAnnotation = "dev.ward.image.digest";
inline constexpr std::string_view kImageNameAnnotation = "dev.ward.image.name";

// --store DIR (non-empty flag), else WARD_STORE, else /var/lib/ward; made
// absolute (against the current directory).
std::string store_root(const std::string& flag);

struct StoreLayer {
    Digest digest;
    std::string media_type;
    uint64_t size = 0; // blob bytes
    Digest diff_id;
};

// What the unpack left out under the policy's `drop` treatments.
struct DroppedCounts {
    uint64_t devices = 0;
    uint64_t setid = 0;
    uint64_t capabilities = 0;
    uint64_t xattrs = 0;
    bool operator==(const DroppedCounts&) const = default;
};

struct StoreEntry {
    Digest manifest;
    std::string dir;                // STORE/images/sha256/<hex>
    std::vector<std::string> names; // full names it was imported under ("localhost/demo:latest")
    std::vector<Digest> chain;      // as verify_image gave it (signatures may name an index)
    std::string imported;           // RFC 3339 UTC
    uint64_t size = 0;              // bytes of file content in rootfs
    std::string media_type;         // the manifest's
    Digest config;
    std::string platform; // "linux/amd64", from the config
    std::vector<StoreLayer> layers;
    std::string source; // what was imported ("/srv/img:v1", "/tmp/img.tar")
    // What admitted it at import; nullopt: the policy had no trust section.
    std::optional<Admission> admission;
    DroppedCounts dropped;
    // Directories import made because no layer had them ("/proc"), not in
    // files.jsonl (mount_points.hpp). Empty for an entry imported by a
    // ward older than this field, which made none.
    std::vector<std::string> mount_points;

    std::string rootfs() const { return dir + "/rootfs"; }
    std::string record_path() const { return dir + "/files.jsonl"; }
    // The name a container made from `ref` (what Store::find found this
    // entry by) runs under, and the policy judges: `ref` itself when it is
    // one of the names, or with ":latest", else the first name. Error when
    // the entry has no name.
    std::string name_for(const std::string& ref) const;
};

// image.json: the entry without `dir` (the directory it is read from).
// Pure, so the round trip is unit-tested; the parse is strict about types
// and the digests (a damaged entry is an error, never a half-read one).
std::string serialize_image_json(const StoreEntry& entry);
StoreEntry parse_image_json(std::string_view text, const std::string& what);

// Image names. An image is imported under a full name: "HOST/PATH:TAG"
// with a registry host ("docker.io", "registry:5000", "localhost") first.
// normalize_image_name adds ":latest" to a name without tag and refuses
// what is not a valid full reference (a digest reference "@sha256:..." is
// not a name), with an error naming the value.
std::string normalize_image_name(const std::string& name);
// The default: the layout's ref.name annotation when it is a full
// reference, else "localhost/<basename of the layout or archive, without
// .tar>:<ref.name, or latest>".
std::string default_image_name(const std::string& source_path, const std::string& ref_name);

class Store {
  public:
    // Opens (creating it 0700 when `create`) the store at `root`. Without
    // `create` a missing store is an empty one.
    static Store open(const std::string& root, bool create);
    const std::string& root() const { return root_; }

    // By full name (":latest" assumed when the name has no tag), by
    // "sha256:<hex>", or by a unique hex prefix of at least 12 digits
    // (with or without "sha256:"); nullopt when nothing matches
    // (ambiguous prefix: Error).
    std::optional<StoreEntry> find(const std::string& ref) const;
    std::optional<StoreEntry> find(const Digest& manifest) const;
    // Every entry, by import time (oldest first). An entry whose image.json
    // cannot be read is left out with a warning on the log.
    std::vector<StoreEntry> list() const;

    // The signatures saved at import (for admission at create).
    std::vector<Signature> signatures(const StoreEntry& entry) const;

    // `image rm REF`: a name loses that name, and the entry goes when no
    // name is left; a digest removes the entry with all its names. The
    // entry is renamed into tmp/ before it is deleted, so a half-deleted
    // entry is never seen as an image. Throws when nothing matches.
    struct Removal {
        std::vector<std::string> untagged;
        std::optional<Digest> deleted;
    };
    Removal remove(const std::string& ref) const;

    // STORE/lock, held exclusively (flock) until the fd is closed: around
    // every change of images/ (an import's rename, a name moved, rm).
    UniqueFd lock() const;

  private:
    std::string root_;
};

struct ImportRequest {
    ImageRef ref; // a layout directory or an oci-archive file, with its tag or digest
    Platform platform{"linux", "amd64", ""};
    std::string name; // empty: default_image_name
    // The policy's trust section; null: none (as runc: no signature check,
    // the digest chain is still verified end to end).
    const policy::TrustSection* trust = nullptr;
    UnpackLimits limits;
    // Called with one line per long step ("unpacking layer 2/5 sha256:...
    // (12.3 MB)"); empty: quiet.
    std::function<void(const std::string&)> progress;
};

struct ImportResult {
    StoreEntry entry;
    bool unpacked = false; // false: already in the store; only the name and new signatures added
    // Names this import took from another entry (now listed without them).
    std::vector<std::pair<std::string, Digest>> moved;
};

// Verifies the chain (layers are checked as they are unpacked), checks the
// signatures under `trust` (admission.hpp) before anything is unpacked,
// unpacks every layer into tmp/ checking each diff_id, writes files.jsonl,
// manifest.json, config.json, signatures.json and image.json, syncs, and
// renames the entry into images/. Any failure removes the temporary entry:
// the store is as it was. A name another image had is moved to this one.
// An image already in the store is admitted the same way, gets the name,
// and keeps any signature of the layout not saved yet (a key rotation's
// new signature).
ImportResult import_image(const Store& store, const ImportRequest& request);

// "12.3 MB" (SI units, three significant digits, as podman prints sizes).
std::string human_size(uint64_t bytes);

} // namespace ward::trust
