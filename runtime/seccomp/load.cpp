// Loading a compiled program with seccomp(2) directly (not seccomp_load):
// ward chooses the flags, and a precompiled built-in profile needs no
// libseccomp context at all.
#include "kernel.hpp"
#include "ward/base/error.hpp"

#include <cerrno>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <unwind.h>

namespace ward::seccomp {
namespace {

long seccomp_syscall(unsigned op, unsigned flags, void* args) {
    return ::syscall(SYS_seccomp, op, flags, args);
}

// A process's first C++ exception runs libgcc's one-time unwinder set-up
// (pthread_once), which ends in a futex wake; glibc aborts when that wake
// fails. Under a filter that denies futex, the first error after the load
// (a denied execve, a refused capset) would then kill the process without
// a word to ward. Starting a backtrace runs the same set-up (and the frame
// lookup a throw makes) while everything is still allowed; stopping at the
// first frame keeps it to that. (A clone inherits the set-up done only when
// its parent happened to throw earlier.)
void set_up_exception_unwinding() {
    _Unwind_Backtrace([](_Unwind_Context*, void*) { return _URC_END_OF_STACK; }, nullptr);
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
    set_up_exception_unwinding();
    long rc = seccomp_syscall(SECCOMP_SET_MODE_FILTER, flags_, &prog);
    if (rc < 0)
        fail_errno("load seccomp filter");
    // With SECCOMP_FILTER_FLAG_NEW_LISTENER the result is the listener fd
    // (close-on-exec, as the kernel makes it).
    return (flags_ & SECCOMP_FILTER_FLAG_NEW_LISTENER) ? UniqueFd(static_cast<int>(rc))
                                                       : UniqueFd();
}

} // namespace ward::seccomp
