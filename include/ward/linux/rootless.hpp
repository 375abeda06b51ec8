// ward run by an unprivileged user (rootless). Everything create does as
// root in the host's namespaces (detached copies of the rootfs and bind
// sources, the state dir, the init's clone) it does here as root of the
// container's own user namespace, which ward makes first and enters
// itself: then the mount namespace it makes, and every namespace the
// init's clone makes, is owned by that user namespace, where the caller
// holds every capability.
#pragma once

#include "ward/base/fd.hpp"
#include "ward/spec/config.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace ward::linux {

// The uid_map / gid_map of the user namespace of `pid` (ward's child),
// written as an unprivileged caller may: a one-id mapping of the caller's
// own euid (egid) directly, setgroups set to "deny" first for the gid map
// (the kernel's rule: otherwise the container could drop a group the
// caller was denied by); any other mapping through the setuid helpers
// newuidmap / newgidmap, which check it against /etc/subuid and
// /etc/subgid. Errors name the field and what to install or grant.
void write_unprivileged_id_maps(int pid, const std::vector<spec::IdMapping>& uids,
                                const std::vector<spec::IdMapping>& gids);

// The helpers' search: /usr/bin, then /bin; empty when neither has it.
std::string find_id_map_helper(const std::string& name);

// Makes the container's user namespace with the config's mappings (a
// short-lived child unshares it), setns()es ward into it and unshares a
// mount namespace owned by it. ward must be single-threaded. The init is
// cloned from here without CLONE_NEWUSER.
void enter_container_user_namespace(const spec::Linux& linux_config);

} // namespace ward::linux
