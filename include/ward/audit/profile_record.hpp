// `ward profile record` and `ward profile merge`: a minimal default-deny
// seccomp profile made from what a workload really called.
//
// Recording runs the workload under a filter whose default action is
// SCMP_ACT_NOTIFY; ward's listener answers every notification with
// SECCOMP_USER_NOTIF_FLAG_CONTINUE (the call goes on as if unfiltered) and
// notes the architecture, the syscall and the arguments a filter can test
// and a profile restricts: clone(2)'s flags and socket(2)'s family. No
// eBPF, no audit log, no privilege beyond what `ward run` needs.
//
// The pure parts (a Recording → a RecordedProfile → OCI LinuxSeccomp, the
// way back, merge) are separate from the live run (record_workload), so
// the unit tests exercise them without a container.
#pragma once

#include "ward/json/json.hpp"
#include "ward/spec/config.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ward::audit {

// CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET: a clone(2) with
// none of them creates no namespace. CLONE_NEWTIME (0x80) is left out: in
// clone(2) that bit belongs to the exit signal (as in default-deny.json).
constexpr uint64_t kCloneNamespaceFlags = 0x7E020000;

// What one architecture's notifications showed.
struct ArchRecording {
    std::map<std::string, uint64_t> calls; // syscall name → notifications
    std::set<uint32_t> socket_families;    // socket(2) arg0, low 32 bits (the kernel's int)
    bool clone_namespaces = false;         // a clone(2) with a CLONE_NEW* flag
    std::set<uint32_t> unnamed;            // numbers libseccomp has no name for here
};

struct Recording {
    std::map<std::string, ArchRecording> arches; // "SCMP_ARCH_X86_64" → ...
    uint64_t notifications = 0;
    // One notification's seccomp_data: the audit arch, the number, the args.
    void add(uint32_t audit_arch, int nr, const uint64_t (&args)[6]);
};

// What `record` writes and `merge` reads: a default-deny profile whose
// only argument rules are the ones recording can justify.
struct RecordedProfile {
    std::set<std::string> architectures; // SCMP_ARCH_* names
    std::set<std::string> allowed;       // unconditionally (never socket or clone)
    // socket(2): not allowed when false; else the families, or any family
    // when socket_any (a profile allowing it without a rule).
    bool socket = false;
    bool socket_any = false;
    std::set<uint32_t> socket_families;
    // clone(2): not allowed when false; else restricted to no namespace flag
    // unless clone_namespaces.
    bool clone = false;
    bool clone_namespaces = false;
    // clone3(2) answered SCMP_ACT_ERRNO(ENOSYS): its flags are in memory no
    // filter can read, so libc falls back to clone(2), which is checked.
    bool clone3_enosys = false;
};

// The syscalls ward's init makes after loading the profile a container
// runs under (docs/architecture.md, "Syscalls ward makes after loading a
// config's filter"), plus `sendmsg`, which the recording filter lets
// through unobserved (ward's init passes the listener its fd with it).
std::vector<std::string> ward_needs_after_load(bool no_new_privileges);

// A recording → the profile: every name seen on any architecture (OCI has
// one list for all), socket and clone as described above, what ward needs
// added. `arches` are those the recording filter named (at least these go
// into the profile, so a 32-bit call the workload never made stays killed).
RecordedProfile profile_from_recording(const Recording& recording, bool no_new_privileges);

// RecordedProfile ↔ OCI LinuxSeccomp (defaultAction SCMP_ACT_ERRNO, EPERM).
spec::Seccomp to_seccomp(const RecordedProfile& profile);
json::Value to_json(const spec::Seccomp& profile);
// Throws ward::Error naming `source` and the rule for a profile of another
// shape than `record` writes (another default, another argument rule).
RecordedProfile from_seccomp(const spec::Seccomp& profile, const std::string& source);
// Reads a profile file (LinuxSeccomp, or a config.json with linux.seccomp).
RecordedProfile load_recorded_profile(const std::string& path);

// Union of names and arches; socket families unioned (any wins); clone
// unrestricted when either side allows namespace flags.
RecordedProfile merge(const RecordedProfile& a, const RecordedProfile& b);

// The coverage lines `record` prints on stderr.
std::string coverage_text(const Recording& recording, const RecordedProfile& profile,
                          int exit_status);

// The live recording.
struct RecordRequest {
    std::string bundle;            // the bundle to run
    std::vector<std::string> args; // replaces process.args when not empty
    // Global flags for the `ward run` child (--root, --policy, --log ...).
    std::vector<std::string> ward_globals;
    std::string root; // the state dir the child uses (for the cleanup)
};
struct RecordResult {
    Recording recording;
    int exit_status = 0; // `ward run`'s: the workload's
    bool no_new_privileges = false;
};
// Throws ward::Error when the container never started under the recording
// filter (nothing was recorded); the temporary bundle, its socket and the
// container are gone on every path.
RecordResult record_workload(const RecordRequest& request);

} // namespace ward::audit
