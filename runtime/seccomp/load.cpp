// Loading a compiled program with seccomp(2) directly (not seccomp_load):
// ward chooses the flags, and a precompiled built-in profile needs no
// libseccomp context at all.
#include "kernel.hpp"
#include "ward/base/error.hpp"

#include <cerrno>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ward::seccomp {
namespace {

long seccomp_syscall(unsigned op, unsigned flags, void* args) {
    return ::syscall(SYS_seccomp, op, flags, args);
}

} // namespace

bool kernel::supports_flag(unsigned flag) {
    return seccomp_syscall(SECCOMP_SET_MODE_FILTER, flag, nullptr) < 0 && errno == EFAULT;
}

UniqueFd Filter::load() const {
    sock_fprog prog{static_cast<unsigned short>(program_.size()),
                    const_cast<sock_filter*>(program_.data())};
    if (program_.size() > BPF_MAXINSNS)
        fail("seccomp: the filter has " + std::to_string(program_.size()) +
             " instructions, more than the kernel's limit of " + std::to_string(BPF_MAXINSNS));
    long rc = seccomp_syscall(SECCOMP_SET_MODE_FILTER, flags_, &prog);
    if (rc < 0)
        fail_errno("load seccomp filter");
    // With SECCOMP_FILTER_FLAG_NEW_LISTENER the result is the listener fd
    // (close-on-exec, as the kernel makes it).
    return (flags_ & SECCOMP_FILTER_FLAG_NEW_LISTENER) ? UniqueFd(static_cast<int>(rc))
                                                       : UniqueFd();
}

} // namespace ward::seccomp
