// Private to seccomp/: the seccomp(2) side of a filter, separate from the
// libseccomp translation in filter.cpp.
#pragma once

#include "ward/seccomp/filter.hpp"

namespace ward::seccomp::kernel {

// Whether this kernel accepts SECCOMP_FILTER_FLAG_* `flag` (asked once per
// flag: an unknown flag is EINVAL, a known one gets as far as reading the
// NULL program, EFAULT).
bool supports_flag(unsigned flag);

} // namespace ward::seccomp::kernel
