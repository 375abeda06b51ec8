// Where ward keeps its state and its image store when no flag says: root's
// system paths, or the calling user's own when ward runs unprivileged
// (rootless), as runc does for its state ($XDG_RUNTIME_DIR/runc when
// euid != 0). Pure: the effective uid and the environment are arguments,
// so the unit tests can state every case.
#pragma once

#include <functional>
#include <optional>
#include <string>
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

} // namespace ward
