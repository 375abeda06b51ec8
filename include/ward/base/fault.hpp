// Fault-injection points for the kill -9 tests (issue 14). A point is a
// named step, e.g. "create:cgroup-made"; when the environment variable
// WARD_FAULT names it, ward kills itself there with SIGKILL, exactly as an
// operator's kill -9 or the OOM killer would. Inert otherwise: one getenv
// the first time, a string compare per point; it only ever kills the ward
// process that was asked to, which its caller could do anyway.
#pragma once

#include <string_view>

namespace ward {

void fault_point(std::string_view name);

} // namespace ward
