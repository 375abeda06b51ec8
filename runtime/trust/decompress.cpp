#include "ward/trust/decompress.hpp"

#include "ward/base/error.hpp"

#include <array>
#include <cstring>
#include <string>
#include <vector>
#include <zlib.h>
#include <zstd.h>

namespace ward::trust {

namespace {

constexpr size_t kInputChunk = 128 * 1024;
constexpr unsigned char kGzipMagic[] = {0x1f, 0x8b};
constexpr unsigned char kZstdMagic[] = {0x28, 0xb5, 0x2f, 0xfd};

bool has_prefix(const std::string& head, const unsigned char* magic, size_t n) {
    return head.size() >= n && std::memcmp(head.data(), magic, n) == 0;
}

// Hands out the bytes read ahead for the magic check, then the rest of the
// blob.
class Rewound : public ByteSource {
  public:
    Rewound(std::string head, ByteSource& rest) : head_(std::move(head)), rest_(rest) {}
    size_t read(void* buf, size_t n) override {
        if (pos_ < head_.size()) {
            size_t take = std::min(n, head_.size() - pos_);
            std::memcpy(buf, head_.data() + pos_, take);
            pos_ += take;
            return take;
        }
        return rest_.read(buf, n);
    }

  private:
    std::string head_;
    size_t pos_ = 0;
    ByteSource& rest_;
};

// Counts what the decompressor produces and stops at the cap: the bomb
// check sits after the decoder, on the bytes that would reach the disk.
class Capped : public ByteSource {
  public:
    Capped(std::unique_ptr<ByteSource> inner, uint64_t cap) : inner_(std::move(inner)), cap_(cap) {}
    size_t read(void* buf, size_t n) override {
        size_t got = inner_->read(buf, n);
        total_ += got;
        if (total_ > cap_)
            fail("layer is larger than " + std::to_string(cap_) +
                 " bytes uncompressed (decompression bomb?)");
        return got;
    }

  private:
    std::unique_ptr<ByteSource> inner_;
    uint64_t cap_;
    uint64_t total_ = 0;
};

class GzipSource : public ByteSource {
  public:
    explicit GzipSource(std::unique_ptr<ByteSource> in) : in_(std::move(in)), buf_(kInputChunk) {
        // 16 + MAX_WBITS: gzip wrapper only (no raw deflate, no zlib header).
        if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK)
            fail("gzip: cannot initialise zlib");
    }
    ~GzipSource() override { inflateEnd(&zs_); }

    size_t read(void* out, size_t n) override {
        if (done_ || n == 0)
            return 0;
        const auto want = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
        zs_.next_out = static_cast<Bytef*>(out);
        zs_.avail_out = want;
        while (zs_.avail_out == want) {
            if (zs_.avail_in == 0 && !refill()) {
                if (member_ended_) {
                    done_ = true;
                    return 0;
                }
                fail("gzip: truncated stream");
            }
            if (member_ended_) {
                // Another member follows (concatenated gzip is one stream,
                // RFC 1952); anything else after the end is refused.
                if (zs_.next_in[0] != kGzipMagic[0])
                    fail("gzip: trailing data after the compressed stream");
                inflateReset(&zs_);
                member_ended_ = false;
            }
            int rc = inflate(&zs_, Z_NO_FLUSH);
            if (rc == Z_STREAM_END)
                member_ended_ = true;
            else if (rc == Z_BUF_ERROR)
                continue; // no progress without more input
            else if (rc != Z_OK)
                fail(std::string("gzip: corrupt data: ") + (zs_.msg ? zs_.msg : zError(rc)));
        }
        return want - zs_.avail_out;
    }

  private:
    bool refill() {
        size_t got = in_->read(buf_.data(), buf_.size());
        zs_.next_in = buf_.data();
        zs_.avail_in = static_cast<uInt>(got);
        return got > 0;
    }

    std::unique_ptr<ByteSource> in_;
    std::vector<unsigned char> buf_;
    z_stream zs_{};
    bool member_ended_ = false;
    bool done_ = false;
};

class ZstdSource : public ByteSource {
  public:
    explicit ZstdSource(std::unique_ptr<ByteSource> in)
        : in_(std::move(in)), buf_(kInputChunk), ds_(ZSTD_createDStream()) {
        if (!ds_)
            fail("zstd: cannot create a decoder");
        // The default window limit (2^27, 128 MiB) bounds the decoder's
        // memory; a frame asking for more is refused by libzstd.
        ZSTD_initDStream(ds_);
    }
    ~ZstdSource() override { ZSTD_freeDStream(ds_); }

    size_t read(void* out, size_t n) override {
        if (done_ || n == 0)
            return 0;
        ZSTD_outBuffer ob{out, n, 0};
        while (ob.pos == 0) {
            if (in_pos_ == in_len_ && !frame_open_flush_pending_) {
                in_len_ = in_->read(buf_.data(), buf_.size());
                in_pos_ = 0;
                if (in_len_ == 0) {
                    if (last_ != 0 || !seen_input_)
                        fail("zstd: truncated stream");
                    done_ = true;
                    return 0;
                }
                seen_input_ = true;
            }
            ZSTD_inBuffer ib{buf_.data(), in_len_, in_pos_};
            size_t rc = ZSTD_decompressStream(ds_, &ob, &ib);
            in_pos_ = ib.pos;
            if (ZSTD_isError(rc))
                fail(std::string("zstd: ") + ZSTD_getErrorName(rc));
            last_ = rc;
            // A full output buffer may leave decoded bytes inside the
            // decoder: call again before reading more input. Not after 0
            // (frame decoded and flushed): another call without input
            // would start waiting for a next frame's header, and the end
            // of the input would then read as a truncated stream.
            frame_open_flush_pending_ = ob.pos == ob.size && rc != 0;
        }
        return ob.pos;
    }

  private:
    std::unique_ptr<ByteSource> in_;
    std::vector<unsigned char> buf_;
    size_t in_len_ = 0;
    size_t in_pos_ = 0;
    ZSTD_DStream* ds_;
    size_t last_ = 0;
    bool seen_input_ = false;
    bool frame_open_flush_pending_ = false;
    bool done_ = false;
};

} // namespace

const char* compression_name(Compression c) {
    switch (c) {
    case Compression::none:
        return "none";
    case Compression::gzip:
        return "gzip";
    case Compression::zstd:
        return "zstd";
    }
    return "unknown";
}

std::unique_ptr<ByteSource> decompress(ByteSource& blob, Compression declared,
                                       uint64_t max_uncompressed) {
    std::string head(4, '\0');
    size_t got = 0;
    read_exact(blob, head.data(), head.size(), &got);
    head.resize(got);
    Compression actual = has_prefix(head, kGzipMagic, sizeof kGzipMagic)   ? Compression::gzip
                         : has_prefix(head, kZstdMagic, sizeof kZstdMagic) ? Compression::zstd
                                                                           : Compression::none;
    if (actual != declared) {
        std::string what = actual == Compression::none
                               ? std::string("not ") + compression_name(declared) + " data"
                               : std::string(compression_name(actual)) + " data";
        if (declared == Compression::none)
            what = std::string(compression_name(actual)) + " data";
        fail(std::string("layer media type says ") +
             (declared == Compression::none ? "uncompressed tar" : compression_name(declared)) +
             " but the blob is " + what);
    }
    std::unique_ptr<ByteSource> raw = std::make_unique<Rewound>(std::move(head), blob);
    std::unique_ptr<ByteSource> plain;
    switch (declared) {
    case Compression::none:
        plain = std::move(raw);
        break;
    case Compression::gzip:
        plain = std::make_unique<GzipSource>(std::move(raw));
        break;
    case Compression::zstd:
        plain = std::make_unique<ZstdSource>(std::move(raw));
        break;
    }
    return std::make_unique<Capped>(std::move(plain), max_uncompressed);
}

} // namespace ward::trust
