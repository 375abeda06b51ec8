// What the mount-race attacks share: a racer process that swaps names for
// symlinks to "host" files while ward sets a container up, a picture of
// the host side to compare before and after, and the host's mounts.
//
// The "host" is a directory of the test's own (BUNDLE_DIR/host): a symlink
// to it is absolute, so any name-based call ward made before the pivot
// would resolve it on the real host, exactly as it would a symlink to /etc.
#pragma once

#include "attacks/attack.hpp"

#include <atomic>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace ward_attack {

// A forked child exchanging each pair of paths (renameat2 RENAME_EXCHANGE)
// in a tight loop until it is killed. One side of a pair is what ward
// makes (a directory, a file, a device node), the other a symlink to the
// host: each exchange puts the symlink where ward's object was, and back.
class Racer {
  public:
    explicit Racer(std::vector<std::pair<std::string, std::string>> pairs);
    ~Racer(); // kills the child by its pid and reaps it
    Racer(const Racer&) = delete;
    Racer& operator=(const Racer&) = delete;

    long swaps() const { return counter_->load(); }

  private:
    pid_t pid_ = -1;
    std::atomic<long>* counter_ = nullptr; // shared with the child
};

// Makes `path` and `swap` fresh symlinks to `target`, first removing
// whatever a run or the racer left at either name (nothing is followed).
// While the racer exchanges the two names this repeats until both are the
// fresh symlinks.
void reset_pair(const std::string& path, const std::string& swap, const std::string& target);

// As reset_pair, but `path` is left missing (ward must create it) and only
// `swap` is made.
void reset_missing(const std::string& path, const std::string& swap, const std::string& target);

// Every entry under `dir` (not following symlinks): path, type, mode,
// owner, size and content of small files, one per line. Equal before and
// after means nothing there was made, chmod'ed, chown'ed or written.
std::string snapshot(const std::string& dir);

// Mount points of the test's own mount namespace at or below `dir`.
std::vector<std::string> host_mounts_under(const std::string& dir);

// A host-side file standing for a sensitive host file: `content`, `mode`.
void make_host_file(const std::string& path, const std::string& content, mode_t mode);

// The racer that always wins (tests/attacks/swap_shim.c, preloaded into
// ward): each name in `names` that ward makes (`when` "create") or looks
// up and finds its own object at (`when` "lookup") is swapped at once for
// a symlink to HOST_DIR/NAME. `ward --policy HARDENED run` of the bundle.
struct SwapRun {
    Result result;
    int swaps = 0;       // how many swaps the shim made
    std::string listing; // "swapped NAME after CALL" lines
    std::string problem; // non-empty: the shim could not be used (why)
};
SwapRun run_with_swaps(Bundle& b, const std::string& id, const std::vector<std::string>& names,
                       const std::string& host_dir, const std::string& when);

// What one attack found over its variants; report() is its one verdict:
// could not run when any problem, not blocked when the host was reached.
struct Findings {
    std::vector<std::string> outcomes; // one line per variant tried
    std::vector<std::string> reached;  // how the host side was reached
    std::vector<std::string> problems; // why a variant proves nothing
    void report(const std::string& attack, const std::string& blocked_note) const;
};

// One run under the racer that always wins, entered into `f`. A failure
// must name `refusal` (else it failed for another reason: a problem), the
// shim must have swapped, and the host side (HOST_DIR) must not change.
void swap_variant(Findings& f, Bundle& b, const std::string& when,
                  const std::vector<std::string>& names, const std::string& host_dir,
                  const std::string& refusal);

// "host side changed:\nBEFORE-> now:\nAFTER", or "" when they are equal.
std::string changed(const std::string& before, const std::string& after);

// The first line of a runtime's stderr.
std::string first_line(const std::string& text);

} // namespace ward_attack
