// What the landlock rule needs from the host and the rootfs at create
// (policy::CreateFacts): the rootfs's top-level directories and files, listed from
// the rootfs fd create opened (the same tree the init pivots into), and
// the kernel's Landlock ABI. `ward audit` of a bundle gathers them too.
#pragma once

#include "ward/policy/policy.hpp"

namespace ward::container {

void add_landlock_facts(int rootfs_fd, policy::CreateFacts& facts);

} // namespace ward::container
