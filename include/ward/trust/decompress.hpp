// Layer decompression: the uncompressed tar stream of a layer blob, by the
// media type its descriptor declares, checked against the blob's own magic
// bytes (a descriptor that lies about the compression is refused, never
// guessed around), with a cap on the bytes it may produce so a small blob
// cannot expand without bound (a decompression bomb).
//
// gzip is zlib's inflate and zstd is libzstd's streaming decoder: Debian's
// well-kept libraries, not inflate written here.
#pragma once

#include "ward/trust/stream.hpp"

#include <cstdint>
#include <memory>
#include <string_view>

namespace ward::trust {

enum class Compression { none, gzip, zstd };

// "none", "gzip", "zstd"
const char* compression_name(Compression c);

// Which compression a layer media type declares: layer_compression() in
// oci.hpp, next to the media types.

// The uncompressed stream of `blob` (not owned; it must outlive the
// result). The first bytes must match `declared`: the gzip magic 1f 8b, the
// zstd frame magic 28 b5 2f fd, and for `none` neither of them. Errors:
//   "layer media type says gzip but the blob is not gzip data"
//   "layer is larger than N bytes uncompressed (decompression bomb?)"
//   "gzip: corrupt data: <zlib message>", "zstd: <zstd message>",
//   "gzip: truncated stream", "gzip: trailing data after the compressed stream"
// The whole compressed input is read before the end is reported, so a
// digest taken on `blob` covers every byte.
std::unique_ptr<ByteSource> decompress(ByteSource& blob, Compression declared,
                                       uint64_t max_uncompressed);

} // namespace ward::trust
