// Fuzz target: the tar reader, and the decompressors in front of it when
// the input starts with a gzip or zstd magic. Any input must end in entries
// or a ward::Error, never a crash, a hang or unbounded memory.
#include "ward/base/error.hpp"
#include "ward/trust/decompress.hpp"
#include "ward/trust/digest.hpp"
#include "ward/trust/tar_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

using namespace ward::trust;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    Compression c = Compression::none;
    if (input.size() >= 2 && input.substr(0, 2) == "\x1f\x8b")
        c = Compression::gzip;
    else if (input.size() >= 4 && input.substr(0, 4) == "\x28\xb5\x2f\xfd")
        c = Compression::zstd;
    try {
        MemorySource blob(input);
        auto plain = decompress(blob, c, 16 << 20);
        Sha256 sink;
        TarLimits limits;
        limits.max_entry_size = 4 << 20;
        limits.max_extended_header = 64 << 10;
        TarReader reader(*plain, &sink, limits);
        TarEntry entry;
        char buf[4096];
        while (reader.next(entry))
            while (reader.read(buf, sizeof buf) > 0) {
            }
        sink.finish().str();
    } catch (const ward::Error&) {
    }
    return 0;
}
