// config.json → Spec, with validation. Errors name the JSON path, the value
// and why, e.g.
//   config.json: linux.namespaces[2].type: "nett" is not a namespace type
#pragma once

#include "ward/json/json.hpp"
#include "ward/spec/config.hpp"

#include <string>
#include <string_view>

namespace ward::spec {

// Parses and validates. `source` prefixes messages ("config.json").
// Throws ward::Error on the first problem.
Spec parse_spec(std::string_view text, std::string_view source = "config.json");
Spec spec_from_json(const json::Value& doc, std::string_view source = "config.json");

// Reads BUNDLE/config.json, parses, and resolves root.path against the
// bundle (the returned Spec's root->path is absolute). `config_text`, when
// given, receives the bytes parsed (what a bundle signature covers).
Spec load_bundle_spec(const std::string& bundle_dir, std::string* config_text = nullptr);

// Only an OCI Process object (`exec --process FILE`), validated as
// config.json's process is; errors name `source` and the field.
Process process_from_json(const json::Value& doc, std::string_view source);

// Only the LinuxResources object (for `update --resources` later).
Resources resources_from_json(const json::Value& doc, std::string_view source);
// And back: what resources_from_json reads (update's pending request).
json::Value resources_to_json(const Resources& resources);

json::Value spec_to_json(const Spec& spec);

// The hardened default config printed by `ward spec`: busybox-friendly
// args ["sh"], no capabilities, noNewPrivileges, read-only root, private
// pid/ipc/uts/mount/network namespaces, masked and read-only paths, the
// standard mounts. `rootless` adds a user namespace mapping the caller.
Spec default_spec(bool rootless = false);

} // namespace ward::spec
