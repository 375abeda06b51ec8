// Compiled seccomp programs of configs' own profiles, kept so each distinct
// profile is compiled by libseccomp once, not at every create and exec:
// podman, Docker and Kubernetes send a Docker-style profile with every
// container, and compiling it is most of a start (about 17 ms; the
// built-in profiles are compiled when ward is built and never come here).
//
// One file per profile in a directory of the state root (`--root`, kept
// 0700 by ward), base/keyed_files.hpp: the key is everything the program
// is a function of: the canonical profile (default action and errno,
// architectures, every rule with its names, action, errno and argument
// comparisons), this ward binary's ELF build ID and the libseccomp version
// it runs with; a lookup compares the whole key, and a file that is not
// private to ward's euid, or whose value is not a whole program of the
// size it states, is ignored and rebuilt. A binary without a build ID
// caches nothing.
#pragma once

#include "ward/base/keyed_files.hpp"
#include "ward/spec/config.hpp"

#include <linux/filter.h>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ward::seccomp {

struct CachedProgram {
    std::vector<sock_filter> program;
    int rules = 0;
};

class ProgramCache {
  public:
    // STATE_ROOT/@seccomp ('@' is never in a container id, so it can never
    // be a container's state dir).
    explicit ProgramCache(const std::string& state_root);

    std::optional<CachedProgram> find(const spec::Seccomp& profile) const;
    void remember(const spec::Seccomp& profile, std::span<const sock_filter> program,
                  int rules) const;

    // The canonical text of what a program is compiled from (the key).
    static std::string key_of(const spec::Seccomp& profile);

  private:
    std::optional<KeyedFiles> files_;
};

} // namespace ward::seccomp
