// The empty program table the build-time profile compiler links with: it
// compiles every profile itself (Filter::compile) and must not depend on its
// own output.
#include "runtime/seccomp/embedded.hpp"

namespace ward::seccomp::embedded {
const Program kPrograms[] = {{"", nullptr, 0, 0}};
const std::size_t kProgramCount = 0;
} // namespace ward::seccomp::embedded
