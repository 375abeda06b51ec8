// Logging: text lines to stderr, or runc-style JSON lines
// {"level":"error","msg":"...","time":"2026-01-02T03:04:05Z"} to --log FILE.
//
// Like runc, a fatal error is written to the log (level "error", the last
// line of a failure) and to stderr. Unlike runc, a warning is written to
// stderr too when there is a --log file: engines read that file only when
// a verb fails, and a warning means what runs differs from what was asked.
#pragma once

#include <string>
#include <string_view>

namespace ward::log {

enum class Level { debug, info, warn, error };

enum class Format { text, json };

struct Options {
    std::string file; // empty: stderr
    Format format = Format::text;
    bool debug = false; // emit debug lines
};

// Opens the log file (append, O_CLOEXEC). Throws Error when it cannot.
void configure(const Options& options);

void write(Level level, std::string_view msg);

inline void debug(std::string_view msg) {
    write(Level::debug, msg);
}
inline void info(std::string_view msg) {
    write(Level::info, msg);
}
inline void warn(std::string_view msg) {
    write(Level::warn, msg);
}
inline void error(std::string_view msg) {
    write(Level::error, msg);
}

bool debug_enabled();

// Reports a fatal error: an "error" line in the log, and the message on
// stderr when the log is not stderr already.
void fatal(std::string_view msg);

// The log fd (for hooks and children that must log before exec); -1 = stderr.
int fd();

} // namespace ward::log
