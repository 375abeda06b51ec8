// The landlock rule's fill: a process.landlock derived from the config, for
// a config that has none (policy.hpp, LandlockRule):
//   - every filesystem right ward knows is handled, signals and abstract
//     unix sockets are scoped to the container (ABI 6); the init drops what
//     the kernel lacks;
//   - read (read_file, read_dir) beneath "/";
//   - execute beneath each top-level directory (or file) of the rootfs that
//     is not a mount destination and holds none (a rule covers what is mounted below
//     its path, so a directory with a tmpfs or bind below it gets no
//     execute: nothing mounted is executable);
//   - a writable root (root.readonly false): the write rights beneath each
//     top-level directory and file but /proc and /sys;
//   - each mount the config declares writable (no "ro"), but proc, sysfs,
//     cgroup and anything at or under /proc or /sys: the write rights;
//   - /dev: write_file and ioctl_dev (the device nodes: /dev/null, ttys;
//     which devices exist at all is the device cgroup's business).
// No network rights are handled (ports are left to the network namespace).
#pragma once

#include "ward/spec/config.hpp"

#include <string>
#include <vector>

namespace ward::policy {

spec::Landlock derived_landlock(const spec::Spec& spec,
                                const std::vector<std::string>& rootfs_entries);

// One line for `filled` and `ward policy show`: what the ruleset grants.
std::string describe_landlock(const spec::Landlock& landlock);

} // namespace ward::policy
