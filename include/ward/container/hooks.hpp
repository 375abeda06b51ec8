// OCI hooks: each runs with the container state JSON on stdin, its own args
// and env, and an optional timeout (killed when it passes). A non-zero exit
// or a timeout is an error naming the hook kind and path.
#pragma once

#include "ward/spec/config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ward::container {

// Runs hooks in order; throws ward::Error on the first failure:
// "prestart hook #0 (/usr/bin/x): exit status 3" / "...: timed out after 2s".
// stderr of the hook goes to ward's stderr; stdout is inherited.
void run_hooks(std::string_view kind, const std::vector<spec::Hook>& hooks,
               const std::string& state_json);

// As run_hooks, but logs failures as warnings and continues (poststart,
// poststop: the spec says their failure must not stop the lifecycle).
void run_hooks_warn_only(std::string_view kind, const std::vector<spec::Hook>& hooks,
                         const std::string& state_json);

} // namespace ward::container
