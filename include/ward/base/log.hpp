// Logging: text lines to stderr, or runc-style JSON lines
// {"level":"error","msg":"...","time":"2026-01-02T03:04:05Z"} to --log FILE.
//
// Like runc, a fatal error is written to the log (level "error", the last
// line of a failure) and to stderr.
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
// A warning that what runs differs from what was asked (a limit not
// applied, a capability not raised, device rules not enforced): written to
// the log and, when the log is a --log file, to stderr too. Engines read
// that file only when a verb fails, so a plain warning would never reach
// the user; stderr is the caller's (for a detached container, the
// container's own stderr, where its log shows it). Warnings that change
// nothing (a policy rule that only warns) stay log-only, as with runc.
void degraded(std::string_view msg);

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
