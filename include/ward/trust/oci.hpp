// The OCI image documents ward reads: descriptors, image indexes, image
// manifests and image configs, parsed strictly from bytes. These parsers see
// untrusted input first (before any signature is checked the manifest and
// the index are only digest-bound to each other), so they take bytes and
// return plain structs, and are fuzzed (tests/fuzz/).
//
// Strict means: each document is size-capped by the caller, duplicate keys
// refused (json/), every field ward uses is type-checked and required when
// the spec requires it, digests must be sha256 and sizes non-negative
// integers. Unknown fields are ignored, as the image spec requires.
#pragma once

#include "ward/trust/decompress.hpp"
#include "ward/trust/digest.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ward::trust {

namespace media {
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayerTar = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
// Docker schema 2 (what `skopeo copy --format v2s2` and `docker save` via
// skopeo write): the same shapes under other names.
inline constexpr std::string_view kDockerList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayerGzip =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view kDockerLayerTar = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr std::string_view kDockerLayerZstd =
    "application/vnd.docker.image.rootfs.diff.tar.zstd";
inline constexpr std::string_view kCosignPayload =
    "application/vnd.dev.cosign.simplesigning.v1+json";
// cosign v3's default: a Sigstore bundle, attached as an OCI 1.1 referrer.
inline constexpr std::string_view kSigstoreBundle = "application/vnd.dev.sigstore.bundle.v0.3+json";
} // namespace media

inline constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";

bool is_index_type(std::string_view media_type);
bool is_manifest_type(std::string_view media_type);

// Compression (and compression_name) come from decompress.hpp.
// nullopt: not a layer type ward unpacks (non-distributable/foreign layers
// included: they name URLs ward will not fetch).
std::optional<Compression> layer_compression(std::string_view media_type);

struct Platform {
    std::string os;
    std::string architecture;
    std::string variant; // empty: any

    std::string str() const; // "linux/arm64/v8"
};
// "linux/amd64", "linux/arm64/v8"; throws on anything else.
Platform parse_platform(std::string_view text);

struct Descriptor {
    std::string media_type;
    Digest digest;
    uint64_t size = 0;
    std::map<std::string, std::string> annotations;
    std::optional<Platform> platform;
    std::string artifact_type; // OCI 1.1 artifactType (referrers carry it), or ""

    BlobSpec blob() const { return {digest, size}; }
    // The ref.name annotation, or "".
    std::string ref_name() const;
};

struct Index {
    std::vector<Descriptor> manifests;
};

struct Manifest {
    std::string media_type; // the document's own, or the descriptor's when the document omits it
    Descriptor config;
    std::vector<Descriptor> layers;
    // OCI 1.1 artifacts: what it is, and the manifest it refers to (a
    // signature's subject is the image it signs).
    std::string artifact_type;
    std::optional<Descriptor> subject;
};

struct ImageConfig {
    std::string os;
    std::string architecture;
    std::vector<std::string> env;
    std::optional<std::vector<std::string>> entrypoint; // absent or null: nullopt
    std::optional<std::vector<std::string>> cmd;
    std::string working_dir;
    std::string user;
    std::vector<Digest> diff_ids;
    // Descriptive fields a bundle made from the image carries as
    // org.opencontainers.image.* annotations (image-spec conversion.md).
    std::string created;                       // "created" (RFC 3339, not checked: informational)
    std::string author;                        // "author"
    std::string stop_signal;                   // config.StopSignal ("SIGTERM"), as written
    std::map<std::string, std::string> labels; // config.Labels
};

// Each throws Error prefixed with `what` ("index.json", "manifest
// sha256:ab..."), naming the field: `manifest sha256:ab...: layers[1].digest:
// invalid digest "md5:..."`.
//
// `descriptor_type` is the media type of the descriptor that led here. An
// index or manifest that carries its own mediaType must agree with it; one
// that omits it (umoci 0.4 omits it from manifests, image-spec 1.0 allowed
// that) is accepted only as the OCI type, and only when it has none of the
// other document's fields (no "manifests" in a manifest, no "config" or
// "layers" in an index), closing the index/manifest confusion of
// CVE-2021-41190.
Index parse_index(std::string_view bytes, std::string_view descriptor_type,
                  const std::string& what);
Manifest parse_manifest(std::string_view bytes, std::string_view descriptor_type,
                        const std::string& what);
ImageConfig parse_image_config(std::string_view bytes, const std::string& what);

} // namespace ward::trust
