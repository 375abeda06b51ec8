// Documents a user or another program hands ward (config.json, a policy,
// a seccomp profile, process.json, state and records), read with limits:
// a document is a regular file (a FIFO would block ward, /dev/zero never
// ends) no larger than a cap, and each refusal names the path and says
// why, with the numbers. What the kernel writes (procfs, cgroupfs) is read
// with base/file.hpp's read_file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ward {

// The most any JSON document ward is handed may hold: far above
// Kubernetes' 256 KiB of annotations or 20,000 mounts, far below what
// would exhaust memory.
constexpr uint64_t kMaxDocumentBytes = 32u << 20;

std::string read_document(const std::string& path, uint64_t cap = kMaxDocumentBytes);
// The same, nullopt when the file does not exist.
std::optional<std::string> read_optional_document(const std::string& path,
                                                  uint64_t cap = kMaxDocumentBytes);

// Reads from fd until EOF, failing with "WHAT: larger than CAP bytes" once
// more than `cap` bytes have come (it never reads past cap + 1; UINT64_MAX:
// no cap). An empty WHAT makes read errors plain "read: ...". `size_hint`:
// the size the caller's fstat gave (0: unknown), to read it in one call.
std::string read_capped(int fd, uint64_t cap, const std::string& what, uint64_t size_hint = 0);

} // namespace ward
