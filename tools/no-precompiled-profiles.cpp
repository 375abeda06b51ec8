// The empty program and spec tables the build-time profile compiler links
// with: it parses and compiles every profile itself (spec's parser,
// Filter::compile) and must not depend on its own output.
#include "runtime/seccomp/embedded.hpp"

namespace ward::seccomp::embedded {
const Program kPrograms[] = {{"", nullptr, 0, 0}};
const std::size_t kProgramCount = 0;
// C++ has no empty arrays: one unused entry each.
const char kSpecText[] = "";
const Text kSpecStrings[] = {{0, 0}};
const SpecArg kSpecArgs[] = {{0, 0, 0, {0, 0}}};
const SpecRule kSpecRules[] = {{0, 0, {0, 0}, false, 0, 0, 0}};
const ProfileSpec kProfileSpecs[] = {{{0, 0}, {0, 0}, false, 0, 0, 0, 0, 0, 0, 0}};
const std::size_t kProfileSpecCount = 0;
} // namespace ward::seccomp::embedded
