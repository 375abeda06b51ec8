// Docker references ("docker.io/library/busybox:1.36",
// "r.example:5000/app@sha256:…") parsed and normalised the way
// containers/image reads the docker-reference of a signature: a first
// component without '.' or ':' that is not "localhost" is a path on
// docker.io, and a one-component path on docker.io is under "library/".
// The store's own names are already in this form, so for them parsing
// changes nothing; a signature written by another tool ("busybox:1.36")
// compares equal to the name ward runs it under.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ward::trust {

struct Reference {
    std::string name;   // the repository, normalised: "docker.io/library/busybox"
    std::string tag;    // "1.36", or ""
    std::string digest; // "sha256:<hex>", or ""

    // A repository alone: what cosign signs, and what matchExact and
    // matchRepoDigestOrExact never accept as a signature's identity.
    bool name_only() const { return tag.empty() && digest.empty(); }
    std::string str() const; // name[:tag][@digest]
};

// nullopt when `text` is not a valid reference (upper-case path, bad tag
// or digest, a bare 64-hex identifier, a name over 255 characters).
std::optional<Reference> parse_reference(std::string_view text);

} // namespace ward::trust
