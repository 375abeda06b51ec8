// Content digests: the "sha256:<64 lower-case hex>" strings of OCI
// descriptors, SHA-256 over a stream, and blob verification
// that checks digest AND size while never reading more than size + 1 bytes,
// so a blob that is larger than its descriptor says (or endless, like a
// FIFO or /dev/zero behind a symlink) costs at most one byte extra.
#pragma once

#include "ward/base/document.hpp"
#include "ward/base/fd.hpp"
#include "ward/trust/stream.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ward::trust {

// Only sha256 is accepted: it is what every OCI tool writes and what the
// cosign payload names. sha512 descriptors are refused by name.
struct Digest {
    std::string hex; // exactly 64 lower-case hex digits

    std::string str() const { return "sha256:" + hex; }
    // "sha256:0123456789ab", for messages.
    std::string short_str() const { return "sha256:" + hex.substr(0, 12); }
    bool operator==(const Digest& other) const = default;
};

// Parses "sha256:<hex>". Throws Error naming the problem:
// `invalid digest "sha256:AB": hex must be 64 lower-case digits (got 2)`.
Digest parse_digest(std::string_view text);
bool is_digest(std::string_view text);

// Streaming SHA-256, also a ByteSink so a stream can be hashed on its way
// (a layer's diff_id, each unpacked file's content).
class Sha256 : public ByteSink {
  public:
    Sha256();
    ~Sha256() override;
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;

    void update(const void* data, size_t size);
    void update(std::string_view data) { update(data.data(), data.size()); }
    void write(const void* data, size_t n) override { update(data, n); }
    // The digest of everything so far; the hasher then starts over, so one
    // object can hash file after file.
    Digest finish();
    // The same, as the 32 raw bytes (what ECDSA signs).
    std::string finish_bytes();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

Digest sha256(std::string_view data);

// What a descriptor promises about a blob.
struct BlobSpec {
    Digest digest;
    uint64_t size = 0;
};

// Reads one blob from an fd, hashing as it goes. read() returns 0 at the
// end of the blob only after the size and the digest matched; a mismatch
// throws Error "WHAT: size mismatch (descriptor says N bytes, blob has
// more)" / "WHAT: digest mismatch (want sha256:..., got sha256:...)".
// The unpacker reads layers through this, so a blob changed after
// verify_image is still caught before the unpacked tree is kept.
class VerifyingReader {
  public:
    VerifyingReader(UniqueFd fd, BlobSpec want, std::string what);

    size_t read(void* buf, size_t n);
    // Reads the rest and checks; for callers that only verify.
    void drain();
    const std::string& what() const { return what_; }

  private:
    void finish();

    UniqueFd fd_;
    BlobSpec want_;
    std::string what_;
    uint64_t seen_ = 0;
    bool done_ = false;
    Sha256 hash_;
};

// Reads a whole blob that must be at most `cap` bytes into memory, verified
// (JSON documents: manifests, configs, indexes, signature payloads). A
// descriptor size over the cap is refused before anything is read.
std::string read_verified(UniqueFd fd, const BlobSpec& want, uint64_t cap, const std::string& what);

// Files of unknown size (index.json, a key) are read with ward::read_capped
// (base/document.hpp).
using ward::read_capped;

// Limits on documents read into memory.
constexpr uint64_t kMaxJsonBytes = 4u << 20;

} // namespace ward::trust
