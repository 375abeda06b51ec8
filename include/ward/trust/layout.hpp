// An OCI image layout directory (oci-layout, index.json, blobs/sha256/...)
// and the verification chain from index.json down to every layer blob:
//
//   index.json → [nested index, by platform] → manifest → config → layers
//
// Each link is bound by the digest and size in the descriptor that names
// it; a blob is read through VerifyingReader, so a link that does not match
// stops the chain with an Error naming the step and the object:
// `manifest sha256:ab12...: digest mismatch (want ..., got ...)`.
//
// index.json itself is not content-addressed: it is only the table of
// contents. What binds an image is the signature over a digest in the chain
// (signature.hpp), so `verify_image` reports every digest it passed
// through (`chain`).
//
// An `oci-archive` (a tar of a layout) is opened by extracting it safely
// with the tar reader into a private temporary directory and calling
// open_layout on that; nothing here reads tar.
#pragma once

#include "ward/base/fd.hpp"
#include "ward/trust/oci.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ward::trust {

// LAYOUT[:TAG] or LAYOUT@sha256:HEX. The tag is what follows the last ':'
// after the last '/', so "./img:v1" and "/srv/img" both parse.
struct ImageRef {
    std::string layout;
    std::string tag;              // empty: none given
    std::optional<Digest> digest; // @sha256:...
    std::string str() const;
};
ImageRef parse_image_ref(std::string_view text);

class Layout {
  public:
    // Checks oci-layout ({"imageLayoutVersion": "1.0.0"}) and reads index.json.
    static Layout open(const std::string& path);

    const std::string& path() const { return path_; }
    int dir_fd() const { return dir_.get(); }
    const Index& index() const { return index_; }

    // blobs/sha256/<hex>, opened without following symlinks, must be a
    // regular file; "blob sha256:ab...: open: no such file or directory".
    UniqueFd open_blob(const Digest& digest, const std::string& what) const;
    // Verified, capped read of a JSON document blob.
    std::string read_json_blob(const Descriptor& d, const std::string& what) const;
    // A reader for a (layer) blob that checks digest and size as it reads.
    VerifyingReader blob_reader(const Descriptor& d, const std::string& what) const;

  private:
    std::string path_;
    UniqueFd dir_;
    Index index_;
};

struct SelectOptions {
    std::string tag;              // org.opencontainers.image.ref.name
    std::optional<Digest> digest; // a manifest or index digest
    Platform platform{"linux", "amd64", ""};
};

struct VerifiedLayer {
    Descriptor descriptor;
    Compression compression = Compression::none;
    Digest diff_id; // from the config: what the unpacker must see uncompressed
};

struct VerifiedImage {
    std::string ref_name;       // the tag it was chosen by, or ""
    std::vector<Digest> chain;  // top descriptor first (index digests), manifest last
    Descriptor manifest;        // the manifest's descriptor
    std::string manifest_bytes; // exactly as stored (the signed object)
    Manifest manifest_doc;
    Descriptor config_descriptor;
    std::string config_bytes;
    ImageConfig config;
    std::vector<VerifiedLayer> layers;

    const Digest& manifest_digest() const { return manifest.digest; }
};

struct VerifyOptions {
    // false: skip the full read of each layer blob (the unpacker checks
    // them through Layout::blob_reader while it reads them anyway).
    bool read_layers = true;
    // A layer whose descriptor claims more is refused before it is read.
    uint64_t max_layer_bytes = uint64_t(16) << 30;
};

// Runs the chain. Fails closed: any missing, oversized, mistyped or
// mismatching object is an Error naming the step.
VerifiedImage verify_image(const Layout& layout, const SelectOptions& select,
                           const VerifyOptions& options = {});

// The descriptor of index.json a selection names (before any nested index
// is entered); signature lookup and `image sign` use it.
const Descriptor& select_top(const Layout& layout, const SelectOptions& select);

// True for index.json entries that hold signatures, not images: tags
// "sha256-<hex>.sig" / ".att", cosign save's "kind" annotations, the OCI
// 1.1 referrers fallback tag "sha256-<hex>" and Sigstore bundle referrers.
bool is_signature_entry(const Descriptor& d);

} // namespace ward::trust
