// Whole-file helpers for small files (configs, state, procfs entries).
#pragma once

#include <string>
#include <string_view>

namespace ward {

// Reads a whole file; throws Error "read PATH: strerror".
std::string read_file(const std::string& path);

// Reads a whole file from an open fd (from its current offset).
std::string read_fd(int fd);

// Writes all bytes to fd, retrying on EINTR and short writes.
void write_all(int fd, std::string_view data, std::string_view what);

// Writes a file atomically: PATH.tmp, fsync-free rename (state files live on tmpfs).
void write_file_atomic(const std::string& path, std::string_view data, unsigned mode = 0600);

} // namespace ward
