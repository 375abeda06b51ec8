// The hardening policy (ward-policy(5)): a JSON document naming rules that
// a container config, and every process ward starts in it, must meet. Each
// rule is `enforce` (refuses) or `warn` (logs a warning and runs). create,
// exec and update reach the rules only through the gate (gate.hpp).
//
// Pure functions do the work, so every rule is testable without root:
//   apply(policy, spec)    fills what the config left out (an absent
//                          seccomp section → the policy's profile, absent
//                          noNewPrivileges → true, ...). It never changes a
//                          value the config set: "hardened by default" must
//                          not mean "silently different from what was asked".
//   evaluate(policy, spec) → findings, one per violation, each message in
//                          the shape create prints:
//   policy "hardened": process.capabilities.bounding contains CAP_SYS_ADMIN, allowed:
//   CAP_NET_BIND_SERVICE
//
// A rule left out of the policy is not checked. Unknown rule names or keys
// are errors when loading: a typo must not weaken a policy unnoticed.
#pragma once

#include "ward/base/file_id.hpp"
#include "ward/json/json.hpp"
#include "ward/policy/trust.hpp"
#include "ward/spec/config.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ward::policy {

enum class Action { enforce, warn };
const char* action_name(Action action);

// seccomp: a filter is required and its default action must deny.
struct SeccompRule {
    Action action = Action::enforce;
    std::optional<std::string> fill; // built-in profile name for a config without seccomp
};

// capabilities: every set ⊆ allowed; ambient capabilities only when
// `ambient`; ambient ⊆ permitted ∩ inheritable, and inheritable holds
// nothing ambient does not need (CVE-2022-29162: an inheritable capability
// reaches any program with that file capability the process executes).
struct CapabilitiesRule {
    Action action = Action::enforce;
    std::vector<std::string> allowed;
    bool ambient = false;
    // For absent sets: bounding/effective/permitted get this list;
    // inheritable and ambient stay empty (CVE-2022-29162).
    std::optional<std::vector<std::string>> fill;
};

// noNewPrivileges, readonlyRoot: the value must be true.
struct TrueRule {
    Action action = Action::enforce;
    bool fill = false; // absent → true
};

// maskedPaths, readonlyPaths: the list must contain every required path.
struct PathsRule {
    Action action = Action::enforce;
    std::vector<std::string> required;
    bool fill = false; // absent list → the required set
};

// namespaces: each listed type must be a new (private) namespace.
struct NamespacesRule {
    Action action = Action::enforce;
    std::vector<std::string> required;
    // A config with no namespaces at all gets these (new) namespaces.
    std::optional<std::vector<std::string>> fill;
};

// A list of names the config may use (devices, sysctls, mountTypes, hooks)
// or must not (hostMounts), or a list of required things (resources).
struct ListRule {
    Action action = Action::enforce;
    std::vector<std::string> names;
};

// mountPropagation: no shared propagation (rootfsPropagation or mounts);
// noPivot: create without --no-pivot.
struct PlainRule {
    Action action = Action::enforce;
};

// user: uid 0 in the container only when allowRoot.
struct UserRule {
    Action action = Action::enforce;
    bool allow_root = true;
};

// landlock: a config without process.landlock gets one derived from it
// when `fill` (landlock_fill.hpp); a config still without one is a finding
// when `required`. A ruleset on a kernel without Landlock is always a warn
// finding (the init drops it, or refuses with disableBestEffort).
struct LandlockRule {
    Action action = Action::enforce;
    bool fill = false;
    bool required = false;
};

struct Policy {
    std::string name;
    std::string description;
    std::optional<SeccompRule> seccomp;
    std::optional<CapabilitiesRule> capabilities;
    std::optional<TrueRule> no_new_privileges;
    std::optional<TrueRule> readonly_root;
    std::optional<PathsRule> masked_paths;
    std::optional<PathsRule> readonly_paths;
    std::optional<NamespacesRule> namespaces;
    std::optional<ListRule> devices;     // host device paths allowed in linux.devices
    std::optional<ListRule> host_mounts; // bind-mount sources forbidden (and what lies under them)
    // Filesystem types a mount may have: a bind mount (type "bind", or any
    // type with a bind/rbind option, as the mount code decides) is "bind";
    // "cgroup" is mounted, and checked, as "cgroup2".
    std::optional<ListRule> mount_types;
    std::optional<ListRule> sysctls; // allowed names; "prefix.*" allows a subtree
    std::optional<PlainRule> mount_propagation;
    // Hook paths that may run (host binaries, run as root by ward);
    // "*" allows every path.
    std::optional<ListRule> hooks;
    std::optional<PlainRule> no_pivot; // create --no-pivot
    std::optional<UserRule> user;
    std::optional<ListRule> resources; // required limits: "pids", "memory"
    // unavailableLimits: a limit the host's cgroup2 hierarchy has no
    // controller for. Left out of a policy, such a limit refuses: a limit
    // is never dropped silently.
    std::optional<PlainRule> unavailable_limits;
    std::optional<LandlockRule> landlock;
    // systemdProperties: the unit properties an org.systemd.property.NAME
    // annotation may set on the container's scope under the systemd cgroup
    // driver (names as systemd is given them: a ...Sec NAME counts as
    // ...USec; spec/unit_properties.hpp); "*" allows every one. A property
    // can undo what the other rules enforce (DeviceAllow, IPAddressAllow,
    // BPFProgram, a limit, Wants= starting a host service), so left out of
    // a policy every such annotation refuses.
    std::optional<ListRule> systemd_properties;
    // Which images and bundles may run (trust.hpp); nullopt: not checked.
    std::optional<TrustSection> trust;
};

// Parses and validates a policy document. `source` prefixes errors
// ("/etc/ward/policy.json: rules.capabilities.allowed[2]: ...").
Policy parse_policy(std::string_view text, std::string_view source);
json::Value policy_to_json(const Policy& policy);

// The built-in `hardened` policy, compiled in; identical to
// contrib/policies/hardened.json (a unit test compares them).
std::string_view builtin_hardened_text();

// The policy create and `ward policy` use, and where it came from.
struct Effective {
    Policy policy;
    std::string source; // "--policy FILE", "WARD_POLICY=FILE", "/etc/ward/policy.json", "built-in"
};

// Selection order: the --policy flag (non-empty `flag_file`), else env
// WARD_POLICY, else /etc/ward/policy.json if it exists, else built-in hardened.
Effective select_policy(const std::string& flag_file);

// exec and update use the policy recorded for the container at create, not
// a selected one. When --policy (`flag_file`) or WARD_POLICY names a policy
// other than `recorded`, the warning that says it is ignored; nullopt when
// neither is given or they name the same policy document.
std::optional<std::string> ignored_selection(const std::string& flag_file, const Policy& recorded,
                                             std::string_view verb);

struct Finding {
    std::string rule; // "capabilities"
    Action action = Action::enforce;
    std::string message; // `policy "NAME": FIELD ..., allowed: ...`
    // What the finding is about, so a reader (`ward audit`) can attach it to
    // its own finding without parsing the message: the config field as a
    // JSON path ("process.capabilities.bounding", "mounts[2].source",
    // "hooks.prestart[0].path"; empty for a create-time fact such as
    // --no-pivot), and the element or key of it the finding names when
    // several findings share a field ("CAP_SYS_ADMIN", "/proc/kcore", "pid",
    // "kernel.msgmax"; empty otherwise).
    std::string field;
    std::string item;
};

// One bind mount's source as create opened it: what the kernel will mount.
struct OpenedSource {
    size_t mount_index = 0;
    std::string path;          // the kernel's name for it, for messages
    std::vector<FileId> chain; // the source, then each directory above it, up to "/"
};

// A forbidden path of the hostMounts rule and what it is on this host
// (nullopt: it does not exist here, so nothing can be a bind of it).
struct ForbiddenPath {
    std::string path;
    std::optional<FileId> id;
};

// A namespace the config joins by path, as create found it on this host.
struct JoinedNamespace {
    std::string type; // as in config.json: "ipc", "network", ...
    std::string path;
    bool host = false; // the host's own namespace of that type (ward's)
};

// What create knows that the config does not say.
struct CreateFacts {
    bool no_pivot = false; // --no-pivot
    // The bind sources create opened and the forbidden paths as they are
    // on this host: hostMounts then also judges what the kernel will
    // really mount (see host_mounts.hpp). Empty for `ward policy check`,
    // which judges the strings only.
    std::vector<OpenedSource> bind_sources;
    std::vector<ForbiddenPath> forbidden;
    // Namespaces joined by path: the namespaces rule lets a container join
    // another container's (a pod's sandbox: containerd joins every app
    // container to it), never the host's. Without this fact (`ward policy
    // check`) every join breaks the rule, as it cannot tell them apart.
    std::vector<JoinedNamespace> joined;
    // The rootfs's top-level directories and regular files (no symlinks),
    // as create listed them from the rootfs fd: the landlock fill grants
    // execute beneath those no mount covers. Empty for `ward policy
    // check`: nothing executable.
    std::vector<std::string> rootfs_entries;
    // The kernel's Landlock ABI (0: none); nullopt when not probed.
    std::optional<int> landlock_abi;
    // Whether create uses the systemd cgroup driver, the only one that
    // reads org.systemd.property.* annotations: false skips the
    // systemdProperties rule (they do nothing then); nullopt (`ward policy
    // check`, audit) judges them as that driver would take them.
    std::optional<bool> systemd_cgroup;
};

// Every rule, against a whole config (create, `ward policy check`).
std::vector<Finding> evaluate(const Policy& policy, const spec::Spec& spec,
                              const CreateFacts& facts = {});

// Only the rules about a process (capabilities, noNewPrivileges, user),
// against the process exec starts; the messages name the fields as
// evaluate() does ("process.capabilities.bounding ..."), so a finding
// create already reported reads the same.
std::vector<Finding> evaluate_process(const Policy& policy, const spec::Process& process);

// A limit create or update cannot apply: the config field and the cgroup v2
// controller it needs, missing from the hierarchy at `hierarchy`.
struct UnavailableLimit {
    std::string field;      // "linux.resources.memory.limit"
    std::string controller; // "memory"
};
// One finding per field, under the unavailableLimits rule (enforce when the
// policy has no such rule):
//   policy "hardened": linux.resources.memory.limit needs the memory controller, which the
//   cgroup2 hierarchy at /sys/fs/cgroup/unified does not have (it has: hugetlb)
std::vector<Finding> evaluate_unavailable(const Policy& policy,
                                          const std::vector<UnavailableLimit>& limits,
                                          const std::string& hierarchy,
                                          const std::vector<std::string>& available);

// One line per filled field, e.g. "process.noNewPrivileges: true".
// `facts` feeds the landlock fill (rootfs_entries).
std::vector<std::string> apply(const Policy& policy, spec::Spec& spec,
                               const CreateFacts& facts = {});
// What apply() fills of a process (capabilities, noNewPrivileges), for the
// process exec starts.
std::vector<std::string> apply_process(const Policy& policy, spec::Process& process);

// True when a finding refuses the config.
bool refuses(const std::vector<Finding>& findings);

// Built-in seccomp profiles by name, for filling. The seccomp module owns
// them; the policy reaches them through this hook so that the two modules
// can be built (and merged) independently. nullopt: no profile of that name.
using ProfileProvider = std::optional<spec::Seccomp> (*)(std::string_view name);
void set_profile_provider(ProfileProvider provider);
std::optional<spec::Seccomp> builtin_profile(std::string_view name);

} // namespace ward::policy
