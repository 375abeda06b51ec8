// Where ward keeps its state and its image store when no flag says: root's
// system paths, or the calling user's own when ward runs unprivileged
// (rootless), as runc does for its state ($XDG_RUNTIME_DIR/runc when
// euid != 0). Pure: the effective uid and the environment are arguments,
// so the unit tests can state every case.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace ward {

// The value of an environment variable, nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process's own environment.
EnvLookup process_environment();

// --root's default: /run/ward for root; for another euid
// $XDG_RUNTIME_DIR/ward when that is set to an absolute path, else
// /run/ward (as runc, which then fails on its permissions).
std::string default_state_root(uid_t euid, const EnvLookup& env);

// The store's default when neither --store nor WARD_STORE names one:
// /var/lib/ward for root; for another euid $XDG_DATA_HOME/ward, else
// $HOME/.local/share/ward (each only when absolute). Throws when an
// unprivileged caller has neither.
std::string default_store_root(uid_t euid, const EnvLookup& env);

// The id `id` of a user namespace as its parent namespace knows it, by
// that namespace's uid_map (or gid_map) text as read from inside it
// ("0 1000 1": id 0 here is 1000 there); nullopt when unmapped. Outside
// any user namespace the map is "0 0 4294967295", the identity.
std::optional<uid_t> outer_id(std::string_view id_map, uid_t id);

// ward's effective uid as the host sees it: geteuid() in the host's user
// namespace, and the caller's own uid inside the container's user
// namespace that a rootless create enters (where geteuid() is 0). One
// level up only: the namespace ward was started in is taken as the host's.
uid_t host_euid();

} // namespace ward
