// Shared by the trust unit tests: the message of the Error a call throws,
// and a small OCI layout written byte by byte (no ward code writes it).
#pragma once

#include "error_text.hpp"
#include "ward/base/error.hpp"
#include "ward/trust/digest.hpp"
#include "ward/trust/layout.hpp"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>

// Printers for Boost.Test messages (found by argument-dependent lookup).
namespace ward::trust {
inline std::ostream& operator<<(std::ostream& os, const Digest& d) {
    return os << d.str();
}
inline std::ostream& operator<<(std::ostream& os, Compression c) {
    return os << compression_name(c);
}
} // namespace ward::trust

namespace trust_test {

// Default platform (linux/amd64), chosen by tag.
inline ward::trust::SelectOptions by_tag(std::string tag) {
    ward::trust::SelectOptions s;
    s.tag = std::move(tag);
    return s;
}

using ward::test::error_of;

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

struct TempLayout {
    std::filesystem::path path;

    TempLayout() {
        char tmpl[] = "/tmp/ward-trust-test-XXXXXX";
        path = ::mkdtemp(tmpl);
        std::filesystem::create_directories(path / "blobs" / "sha256");
        write(path / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    }
    ~TempLayout() { std::filesystem::remove_all(path); }

    static void write(const std::filesystem::path& p, const std::string& data) {
        std::ofstream(p, std::ios::binary) << data;
    }
    // Stores a blob; returns its descriptor fields as JSON text.
    std::string blob(const std::string& data, const std::string& media_type) {
        ward::trust::Digest d = ward::trust::sha256(data);
        write(path / "blobs" / "sha256" / d.hex, data);
        return R"({"mediaType":")" + media_type + R"(","digest":")" + d.str() + R"(","size":)" +
               std::to_string(data.size());
    }
    void index(const std::string& manifests_json) {
        write(path / "index.json", R"({"schemaVersion":2,"manifests":[)" + manifests_json + "]}");
    }
    std::string str() const { return path.string(); }
};

// One image: config + one uncompressed layer; returns the manifest
// descriptor (without the closing brace, so callers can add fields).
inline std::string simple_image(TempLayout& l, std::string layer = "layer bytes") {
    std::string layer_desc = l.blob(layer, "application/vnd.oci.image.layer.v1.tar") + "}";
    std::string diff = ward::trust::sha256(layer).str();
    std::string config = l.blob(R"({"architecture":"amd64","os":"linux","config":{"Cmd":["sh"],)"
                                R"("Env":["A=1"],"WorkingDir":"/w","User":"1:1"},)"
                                R"("rootfs":{"type":"layers","diff_ids":[")" +
                                    diff + R"("]}})",
                                "application/vnd.oci.image.config.v1+json") +
                         "}";
    return l.blob(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                  R"("config":)" +
                      config + R"(,"layers":[)" + layer_desc + "]}",
                  "application/vnd.oci.image.manifest.v1+json");
}

} // namespace trust_test
