// Byte streams for image data: a layer blob is read once, front to back,
// through a chain of sources (file → decompressor → tar reader), each
// checking its own part; digests are taken by sinks fed on the way, so no
// layer is ever held in memory or read twice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ward::trust {

// A stream read front to back. read() returns up to n bytes, 0 only at the
// end; a failure throws ward::Error.
class ByteSource {
  public:
    virtual ~ByteSource() = default;
    virtual size_t read(void* buf, size_t n) = 0;
};

// Receives every byte of a stream, in order (a digest, a counter).
class ByteSink {
  public:
    virtual ~ByteSink() = default;
    virtual void write(const void* data, size_t n) = 0;
};

// Reads an fd (not owned) until EOF, retrying EINTR. `what` names it in
// errors: "read WHAT: strerror".
class FdSource : public ByteSource {
  public:
    FdSource(int fd, std::string what) : fd_(fd), what_(std::move(what)) {}
    size_t read(void* buf, size_t n) override;

  private:
    int fd_;
    std::string what_;
};

// Reads a buffer the caller keeps alive (tests, fuzzing).
class MemorySource : public ByteSource {
  public:
    explicit MemorySource(std::string_view data) : data_(data) {}
    size_t read(void* buf, size_t n) override;

  private:
    std::string_view data_;
};

// The SHA-256 sink (the diff_id of a layer, each file's content) is
// trust::Sha256 in digest.hpp: one implementation for blobs and streams.

// Fills `buf` with exactly n bytes; false when the stream ends first (after
// `*got` bytes, when given).
bool read_exact(ByteSource& in, void* buf, size_t n, size_t* got = nullptr);

} // namespace ward::trust
