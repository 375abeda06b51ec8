// Errors: one exception type carrying a human message with its context chain.
//
// Messages follow runc's shape ("context: detail: strerror"), lower-case
// strerror text included, because clients such as podman map the phrases
// "no such file or directory" and "permission denied" to exit codes 127/126.
#pragma once

#include <cerrno>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ward {

class Error : public std::runtime_error {
  public:
    explicit Error(const std::string& msg) : std::runtime_error(msg) {}
};

// Throws Error(msg).
[[noreturn]] void fail(std::string msg);

// Throws Error("what: <strerror(err)>"), e.g. "open /x: no such file or directory".
[[noreturn]] void fail_errno(std::string_view what, int err = errno);

// "no such file or directory" (lower-case strerror, as Go prints it).
std::string errno_text(int err);

// "ENOENT" (symbolic name; "E<number>" when unknown).
std::string errno_name(int err);

// Runs fn(); if it throws Error, rethrows with "context: " prepended.
template <typename Fn>
auto with_context(std::string_view context, Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const Error& e) {
        throw Error(std::string(context) + ": " + e.what());
    }
}

// Returns rc when rc >= 0, else throws fail_errno(what). For syscalls
// returning -1/errno.
inline long check_syscall(long rc, std::string_view what) {
    if (rc < 0)
        fail_errno(what);
    return rc;
}

} // namespace ward
