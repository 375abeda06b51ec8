// Fault-injection points for the kill -9 tests (issue 14). A point is a
// named step, e.g. "create:cgroup-made"; when the environment variable
// WARD_FAULT names it, ward kills itself there with SIGKILL, exactly as an
// operator's kill -9 or the OOM killer would. Inert otherwise: one getenv
// the first time, a string compare per point; it only ever kills the ward
// process that was asked to, which its caller could do anyway.
//
// The points, by verb (tests/integration/test_faults.cpp and
// tests/trust/store_cases.sh enable each one):
//   create:  state-dir, state-saved, cgroup-made, init-cloned, pid-saved,
//            go-sent, ready; ids-changed, tied-again, detached (steps of
//            the init, as for exec)
//   start:   fifo-unlinked
//   exec:    intermediate-cloned, pid-received, process-started,
//            pid-file-written (ward's own steps); intermediate-joined (a
//            step of the intermediate), process-forked, ids-changed,
//            tied-again, detached (steps of the exec'd process; ward dies
//            when the child reaches them)
//   update:  pending-saved, limits-applied, config-saved
//   pause:   freeze-written;  resume: thaw-written (also the thaw of a
//            paused container that kill and delete do)
//   delete:  init-gone, cgroup-removed
//   import:  archive-extracted, layer-unpacked, unpacked, renamed
//   kill:    signalled (a SIGKILL to a paused container, before the thaw)
// A kill --all killed midway has signalled some processes: nothing is
// recorded, so nothing is left half-written.
#pragma once

#include <string_view>

namespace ward {

void fault_point(std::string_view name);

// Whether WARD_FAULT names this point: a child of ward that reaches a
// point asks ward to die there (container/finalize.hpp fault_step), as it
// cannot signal ward across a pid namespace itself.
bool fault_wanted(std::string_view name);

} // namespace ward
