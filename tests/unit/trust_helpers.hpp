// Helpers for the trust/ tests: temporary directories, running the real
// tools (tar, gzip, zstd, python3's tarfile, sha256sum) that make fixtures
// and cross-check ward, and reading an error message.
#pragma once

#include "error_text.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/trust/file_record.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <unistd.h>

namespace ward::test {

// Precondition of the cases that make trees with owners, devices or mounts
// on disk: skipped, saying so, unless run as root.
inline boost::test_tools::assertion_result running_as_root(boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result r(::geteuid() == 0);
    r.message() << "makes trees with owners, devices and mounts on disk: run as root";
    return r;
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        char tmpl[] = "/tmp/ward-trust-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string str(const std::string& rel = "") const { return (path / rel).string(); }
};

// Runs a shell command; its stdout. A failing command fails the test.
inline std::string sh(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    BOOST_REQUIRE_MESSAGE(p, "popen " << cmd);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    int rc = ::pclose(p);
    BOOST_REQUIRE_MESSAGE(rc == 0, "command failed (" << rc << "): " << cmd);
    return out;
}

inline void write_bytes(const std::string& path, const std::string& data) {
    FILE* f = std::fopen(path.c_str(), "wb");
    BOOST_REQUIRE(f);
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
}

// "sha256:<hex>" as sha256sum(1) computes it.
inline std::string sha256sum(const std::string& path) {
    return "sha256:" + sh("sha256sum '" + path + "'").substr(0, 64);
}

// A directory's record (root's, mode 0755 unless said), as a walk or an
// unpack writes it.
inline trust::FileRecord dir(uint32_t mode = 0755) {
    trust::FileRecord r;
    r.type = trust::EntryType::directory;
    r.mode = mode;
    return r;
}

inline bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

} // namespace ward::test
