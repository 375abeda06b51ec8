// The seccomp filter as create would load it: missing, a default action
// that allows, and what libseccomp's program really lets through (decoded
// from the BPF, seccomp/analysis.hpp), so a rule that names a call under
// an argument condition, or an architecture the profile forgot, is judged
// by what the kernel would run.
#include "config_checks.hpp"
#include "ward/base/error.hpp"
#include "ward/seccomp/analysis.hpp"

namespace ward::audit {
namespace {

void check_program(ConfigChecks& c, const spec::Seccomp& sc) {
    seccomp::Decoded decoded;
    try {
        decoded = seccomp::analyse(sc);
    } catch (const Error& e) {
        c.add("WARD-SECCOMP-003", "linux.seccomp", json::Value(),
              std::string("the profile cannot be compiled, create would refuse it: ") + e.what());
        return;
    }
    for (const auto& arch : decoded.arches) {
        size_t allowed = 0, conditional = 0;
        for (const auto& v : arch.syscalls) {
            allowed += v.outcome == seccomp::Outcome::allow;
            conditional += v.outcome == seccomp::Outcome::conditional;
        }
        json::Value v = json::Value::object();
        v.set("arch", json::Value(arch.arch));
        v.set("allowed", json::Value(allowed));
        v.set("conditional", json::Value(conditional));
        v.set("defaultAction", json::Value(arch.default_action));
        c.add("WARD-SECCOMP-003", "linux.seccomp", v,
              arch.arch + ": " + std::to_string(allowed) + " system calls allowed, " +
                  std::to_string(conditional) + " for some argument values, default " +
                  arch.default_action);
    }
    const seccomp::ArchVerdicts* native = decoded.find(seccomp::kNativeArch);
    if (!native)
        return;
    for (const auto& d : seccomp::dangerous_syscalls())
        for (const auto& v : native->syscalls) {
            if (v.name != d.name || v.outcome == seccomp::Outcome::deny)
                continue;
            bool some = v.outcome == seccomp::Outcome::conditional;
            Finding& f =
                c.add("WARD-SECCOMP-004", "linux.seccomp", json::Value(v.name),
                      v.name + (some ? " is allowed for some argument values: " : " is allowed: ") +
                          std::string(d.why));
            if (some)
                f.severity = Severity::medium;
        }
}

} // namespace

void check_seccomp(ConfigChecks& c) {
    const spec::Seccomp* sc =
        c.spec.linux && c.spec.linux->seccomp ? &*c.spec.linux->seccomp : nullptr;
    if (!sc) {
        c.add("WARD-SECCOMP-001", "linux.seccomp", json::Value(),
              "no filter: every system call the capabilities allow is open, including those "
              "behind most kernel escapes",
              "seccomp", "linux.seccomp");
        return;
    }
    if (sc->default_action == "SCMP_ACT_ALLOW" || sc->default_action == "SCMP_ACT_LOG")
        c.add("WARD-SECCOMP-002", "linux.seccomp.defaultAction", json::Value(sc->default_action),
              "every system call the profile does not name is allowed", "seccomp",
              "linux.seccomp.defaultAction");
    check_program(c, *sc);
}

} // namespace ward::audit
