#include "ward/base/log.hpp"

#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"

#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace ward::log {
namespace {

Options g_options;
int g_fd = -1; // -1: stderr

const char* level_name(Level level) {
    switch (level) {
    case Level::debug:
        return "debug";
    case Level::info:
        return "info";
    case Level::warn:
        return "warning";
    case Level::error:
        return "error";
    }
    return "info";
}

} // namespace

void configure(const Options& options) {
    g_options = options;
    if (g_fd >= 0) {
        ::close(g_fd);
        g_fd = -1;
    }
    if (!options.file.empty()) {
        g_fd = ::open(options.file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (g_fd < 0)
            fail_errno("open log file " + options.file);
    }
}

bool debug_enabled() {
    return g_options.debug;
}

int fd() {
    return g_fd;
}

void write(Level level, std::string_view msg) {
    if (level == Level::debug && !g_options.debug)
        return;
    int out = g_fd >= 0 ? g_fd : STDERR_FILENO;
    std::string line;
    if (g_options.format == Format::json) {
        line = "{\"level\":\"" + std::string(level_name(level)) + "\",\"msg\":";
        append_json_string(line, msg);
        line += ",\"time\":\"" + rfc3339_now(false) + "\"}\n";
    } else if (g_fd >= 0) {
        line = rfc3339_now(false) + " " + level_name(level) + ": " + std::string(msg) + "\n";
    } else {
        line = (level == Level::error ? std::string() : std::string(level_name(level)) + ": ") +
               std::string(msg) + "\n";
    }
    try {
        write_all(out, line, "write log");
    } catch (const Error&) {
        // Logging must never turn into a second failure.
    }
}

void degraded(std::string_view msg) {
    write(Level::warn, msg);
    // Engines read the --log file only when a verb fails: this warning
    // changes what runs, so it reaches the caller's stderr too.
    if (g_fd >= 0) {
        try {
            write_all(STDERR_FILENO, "warning: " + std::string(msg) + "\n", "write stderr");
        } catch (const Error&) {
        }
    }
}

void fatal(std::string_view msg) {
    write(Level::error, msg);
    if (g_fd >= 0 || g_options.format == Format::json) {
        std::string line = std::string(msg) + "\n";
        try {
            write_all(STDERR_FILENO, line, "write stderr");
        } catch (const Error&) {
        }
    }
}

} // namespace ward::log
