// Landlock (process.landlock): the kernel's ABI, the downgrade of a ruleset
// to it, and the ruleset applied to the calling process with
// landlock_restrict_self. The finalize step (container/finalize.cpp)
// applies it for the init and for every exec'd process.
#pragma once

#include "ward/spec/config.hpp"

#include <string>
#include <vector>

namespace ward::linux {

// The running kernel's Landlock ABI version; 0 when it has none (ENOSYS:
// not built in; EOPNOTSUPP: built in but not in the lsm= list).
int landlock_abi();

// What a config's ruleset becomes on a kernel with `abi` (pure, so the
// unit tests cover every ABI): rights, scopes and rules the kernel lacks
// are dropped and named in `dropped` ("process.landlock.ruleset.scoped:
// signal (ABI 6)"); a rule left with no right goes too. `empty` when
// nothing is left to apply (ABI 0, or only newer rights asked for).
// With disableBestEffort anything dropped throws instead, naming what
// and the ABIs.
struct LandlockPlan {
    spec::Landlock ruleset;
    std::vector<std::string> dropped;
    bool empty = false;
};
LandlockPlan plan_landlock(const spec::Landlock& asked, int abi);

// Builds the planned ruleset and restricts the calling process (and all
// it will start) with it. Paths are opened O_PATH inside `root_fd` with
// the in-root resolver (symlinks stay inside the root); a path that does
// not exist is skipped with a warning, or refused with disableBestEffort.
// A rule on a file keeps only the rights a file can have (the kernel
// refuses directory rights on one). Needs no_new_privs or CAP_SYS_ADMIN.
void apply_landlock(const LandlockPlan& plan, int abi, int root_fd);

} // namespace ward::linux
