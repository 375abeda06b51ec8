#include "commands.hpp"

namespace ward::cli {
namespace {

const FlagSpec kHelpFlag{"help", "h", nullptr, "show this help"};

// Flags shared by create and run; run adds its own after these.
std::vector<FlagSpec> create_flags() {
    return {
        {"bundle", "b", "DIR", "bundle directory with config.json (default: .)"},
        {"console-socket", nullptr, "PATH", "AF_UNIX socket to receive the console pty master"},
        {"pidfd-socket", nullptr, "PATH", "AF_UNIX socket to receive a pidfd of the init"},
        {"pid-file", nullptr, "FILE", "write the container init's pid to FILE"},
        {"no-pivot", nullptr, nullptr, "do not pivot_root (for a rootfs on ramfs)"},
        {"no-new-keyring", nullptr, nullptr, "keep the caller's session keyring"},
        {"preserve-fds", nullptr, "N", "also pass fds 3 .. 3+N-1 to the process (default: 0)"},
        {"image", nullptr, "REF",
         "config and root from this store image instead of a bundle (see ward-bundle(8))"},
        {"writable", nullptr, nullptr,
         "with --image: a writable root, an overlay on the read-only store rootfs"},
        kHelpFlag,
    };
}

std::vector<FlagSpec> run_flags() {
    auto flags = create_flags();
    flags.insert(
        flags.end() - 1,
        {
            {"detach", "d", nullptr, "return once the container has started"},
            {"keep", nullptr, nullptr, "do not delete the container after it exits"},
            {"no-subreaper", nullptr, nullptr, "accepted for runc compatibility; no effect"},
        });
    return flags;
}

VerbSpec later(const char* name, const char* summary) {
    return {name,
            summary,
            "",
            0,
            -1,
            false,
            "Not implemented yet: ward reports an error and exits 1.",
            {kHelpFlag}};
}

} // namespace

const std::vector<FlagSpec>& global_flags() {
    static const std::vector<FlagSpec> flags = {
        {"debug", nullptr, nullptr, "log debug messages"},
        {"log", nullptr, "FILE", "append log lines to FILE (default: stderr)"},
        {"log-format", nullptr, "FORMAT", "log line format: text (default) or json"},
        {"root", nullptr, "DIR",
         "state directory, on a tmpfs (default: /run/ward; unprivileged: $XDG_RUNTIME_DIR/ward)"},
        {"criu", nullptr, "PATH", "accepted for runc compatibility; ignored"},
        {"systemd-cgroup", nullptr, nullptr,
         "cgroups through systemd: a transient scope per container (cgroupsPath "
         "slice:prefix:name)"},
        {"cgroup-manager", nullptr, "cgroupfs|systemd|disabled",
         "cgroup driver (default: cgroupfs); disabled: no cgroup of the container's own, as "
         "crun's"},
        {"rootless", nullptr, "auto|true|false", "accepted for runc compatibility (default: auto)"},
        {"policy", nullptr, "FILE",
         "hardening policy (default: $WARD_POLICY, /etc/ward/policy.json, built-in hardened)"},
        {"store", nullptr, "DIR",
         "image store (default: $WARD_STORE, else /var/lib/ward; unprivileged: $XDG_DATA_HOME/ward "
         "or ~/.local/share/ward)"},
        {"help", "h", nullptr, "show help"},
        {"version", "v", nullptr, "print the version"},
    };
    return flags;
}

const std::vector<VerbSpec>& verbs() {
    static const std::vector<VerbSpec> table = {
        {"create", "create a container (its process waits for start)",
         "<container-id> [command [arg...]]", 1, -1, true,
         "Creates the container described by the bundle's config.json: namespaces, cgroup,\n"
         "root filesystem, hooks. The container process is ready but does not run the\n"
         "configured program until `ward start`.\n"
         "With --image REF the config is made from a store image as `ward bundle create`\n"
         "makes it (a command after the id replaces the image's Cmd; ward's flags end at\n"
         "its first word, as podman's do) and kept in the container's state dir, which is\n"
         "its bundle; `ward delete` removes it. --writable gives it a writable root: an\n"
         "overlay on the store rootfs (never written), its upper layer in the state dir.\n"
         "With NOTIFY_SOCKET set, the container gets NOTIFY_SOCKET=/run/notify/notify.sock\n"
         "(its state dir's notify/ bound read-only at /run/notify); see ward-create(8).",
         create_flags(), FlagsEnd{1, "image"}},
        {"start",
         "run the configured program in a created container",
         "<container-id>",
         1,
         1,
         true,
         "Starts the program of a container made by `ward create`.\n"
         "With NOTIFY_SOCKET set (and the container created with it), returns once the\n"
         "container has sent READY=1, or its init has exited, and sends READY=1 and\n"
         "MAINPID=<init pid> to NOTIFY_SOCKET, as runc does.",
         {kHelpFlag}},
        {"run", "create and start a container, then wait for it",
         "<container-id> [command [arg...]]", 1, -1, true,
         "Creates and starts a container. Without --detach, ward waits for it, forwards\n"
         "signals to it, deletes it (unless --keep) and exits with its exit status\n"
         "(128+N when it was killed by signal N).\n"
         "With --image REF (a name `ward image ls` shows, sha256:HEX or a unique hex\n"
         "prefix) the config is made from that store image as `ward bundle create` makes\n"
         "it; a command after the id replaces the image's Cmd (ward's flags end at its\n"
         "first word: `ward run --image REF ID sh -c 'echo hi'`). The config lives in\n"
         "the container's state dir, its bundle.\n"
         "--writable: a writable root, an overlay on the store rootfs (see ward-create(8)).\n"
         "With NOTIFY_SOCKET set, waits for the container's READY=1 as `ward start` does.",
         run_flags(), FlagsEnd{1, "image"}},
        {"state",
         "print the state of a container as JSON",
         "<container-id>",
         1,
         1,
         true,
         "Prints the OCI state document of a container (ociVersion, id, status, pid,\n"
         "bundle, annotations) as indented JSON.",
         {kHelpFlag}},
        {"kill",
         "send a signal to a container (default: SIGTERM)",
         "<container-id> [signal]",
         1,
         2,
         true,
         "Sends a signal to the container's init process. The signal is a name (KILL,\n"
         "SIGKILL) or a number (9); the default is SIGTERM.",
         {{"all", "a", nullptr, "signal every process of the container, not only its init"},
          kHelpFlag}},
        {"delete",
         "delete a stopped container and its resources",
         "<container-id>",
         1,
         1,
         true,
         "Removes a stopped or created container: its state, cgroup and leftovers.\n"
         "A running container is refused unless --force is given.",
         {{"force", "f", nullptr, "kill a running container (SIGKILL) and delete it"}, kHelpFlag}},
        {"list",
         "list the containers under --root",
         "",
         0,
         0,
         true,
         "Lists the containers whose state lives under the global --root.",
         {{"format", "f", "FORMAT", "output format: table (default) or json"},
          {"quiet", "q", nullptr, "print only container IDs"},
          kHelpFlag}},
        {"bundle",
         "make a bundle whose config comes from a store image",
         "create --image REF <dir> [command [arg...]]",
         2,
         -1,
         true,
         "create --image REF DIR: writes DIR/config.json (DIR must be missing or empty)\n"
         "for the store image REF (a name `ward image ls` shows, sha256:HEX or a unique\n"
         "hex prefix): process from the image's Entrypoint + Cmd, Env, WorkingDir and User\n"
         "(names resolved in the image's /etc/passwd and /etc/group), root.path the\n"
         "store's rootfs of the image, read-only (it is shared, never copied), the rest\n"
         "as `ward spec` writes it. A command after DIR replaces the image's Cmd (ward's\n"
         "flags end at its first word, as podman's do). The policy is applied when the\n"
         "container is created, not written into the file. --writable writes root.readonly\n"
         "false: create then mounts an overlay whose lower layer is the store rootfs. See\n"
         "ward-bundle(8).",
         {{"image", nullptr, "REF", "the store image (required)"},
          {"writable", nullptr, nullptr,
           "root.readonly false: create mounts an overlay on the store rootfs"},
          kHelpFlag},
         FlagsEnd{2}},
        {"spec",
         "write a starter config.json",
         "",
         0,
         0,
         true,
         "Writes ward's hardened default config.json (args [\"sh\"], no capabilities,\n"
         "read-only root) into the bundle directory. An existing config.json is never\n"
         "overwritten.",
         {{"bundle", "b", "DIR", "directory to write config.json into (default: current)"},
          {"rootless", nullptr, nullptr, "generate a config for a rootless container"},
          kHelpFlag}},
        {"features",
         "print the features this build supports as JSON",
         "",
         0,
         0,
         true,
         "Prints the OCI runtime features document (hooks, mount options, namespaces,\n"
         "capabilities, seccomp support) of this build.",
         {kHelpFlag}},
        {"profile",
         "list, print, show, compare, record or merge seccomp profiles",
         "list | export <name> | show <profile> | diff <profile-a> <profile-b> | "
         "record -- <bundle> [command [arg...]] | merge <a> <b> [...]",
         1,
         -1,
         true,
         "list: the seccomp profiles built into this binary, one a line.\n"
         "export NAME: one of them as OCI LinuxSeccomp JSON, ready for linux.seccomp.\n"
         "show PROFILE: what a profile really allows, decoded from the BPF program\n"
         "libseccomp compiles it to: the default action, per architecture the allowed\n"
         "syscalls, the conditional ones (allowed for some arguments) with the\n"
         "profile's argument tests, the dangerous ones it allows and why, counts.\n"
         "diff A B: per architecture, what A allows and B does not, the other way\n"
         "round, what both allow differently (actions, errno, arguments), and the\n"
         "default actions; informational, exit status 0.\n"
         "A profile is a built-in name, a file with an OCI LinuxSeccomp object, a whole\n"
         "config.json (its linux.seccomp) or a Docker/moby profile (archMap,\n"
         "includes/excludes), resolved for --arch and --caps as Docker and podman do.\n"
         "record -- BUNDLE [COMMAND...]: runs the bundle (its command, or COMMAND) with\n"
         "`ward run` under a recording filter (SCMP_ACT_NOTIFY, every call let through by\n"
         "ward's listener) and writes a default-deny profile (EPERM) allowing what it\n"
         "called: socket only for the families seen, clone only without namespace flags\n"
         "unless seen, clone3 answered ENOSYS so libc falls back to clone. Coverage goes to\n"
         "stderr; the exit status is the workload's. Only what ran is recorded: see\n"
         "ward-profile(8) for what recording cannot see.\n"
         "merge A B [...]: joins recorded profiles (union of syscalls and socket families;\n"
         "clone unrestricted when either side allows namespace flags).\n"
         "Examples:\n"
         "  ward profile show default-deny\n"
         "  ward profile show --caps CAP_SYS_ADMIN /usr/share/containers/seccomp.json\n"
         "  ward profile diff default-deny /usr/share/containers/seccomp.json\n"
         "  ward profile record --out web.json -- ./bundle\n"
         "  ward profile merge web.json init.json --out both.json",
         {{"caps", nullptr, "CAP,...",
           "show, diff: capabilities held, for a moby profile's includes/excludes (default: "
           "none)"},
          {"arch", nullptr, "SCMP_ARCH_X",
           "show, diff: resolve a moby profile for this architecture, and show only it "
           "(default: SCMP_ARCH_X86_64, all shown)"},
          {"format", nullptr, "table|json", "show, diff: output format (default: table)"},
          {"out", "o", "FILE", "record, merge: write the profile to FILE (default: stdout)"},
          {"policy", nullptr, "FILE", "record: the policy `ward run` uses (default: as ward's)"},
          kHelpFlag}},
        {"policy",
         "show the effective hardening policy, or check a config or image against it",
         "show [<container-id>] | check <config.json> | check --trust <image>",
         1,
         2,
         true,
         "show: prints the effective policy (--policy FILE, else $WARD_POLICY, else\n"
         "/etc/ward/policy.json, else the built-in hardened one) as JSON on stdout, and\n"
         "where it came from on stderr.\n"
         "show ID: prints what create recorded for that container: the policy it ran\n"
         "under (name, source, the whole document), what it filled, what it warned about.\n"
         "check CONFIG: evaluates a config.json without running it: prints what the\n"
         "policy would fill and every finding; exits 0 when create would start it, 1\n"
         "when the policy refuses it.\n"
         "check --trust IMAGE: admits a store image (a name `ward image ls` shows,\n"
         "sha256:HEX or a unique hex prefix) as create would, with its saved signatures and\n"
         "the keys the policy names now: prints the scope, each requirement that admits it\n"
         "and with which key and identity, and any key file skipped (rotated out); exits 0,\n"
         "or 1 naming why it is refused. See ward-policy(5) for the file format.",
         {{"trust", nullptr, "IMAGE", "check: the trust of a store image instead of a config"},
          kHelpFlag}},
        {"audit",
         "audit a config, bundle or running container; compare configs side by side",
         "CONFIG.json|BUNDLE | --compare A B [C...] | --container ID | --pid PID",
         0,
         -1,
         true,
         "CONFIG.json|BUNDLE: judges the config as create would (filled and evaluated by\n"
         "the policy: --policy, else the global selection) and prints every finding: a\n"
         "stable rule ID, severity, the JSON path and value as evidence, what it allows,\n"
         "CIS Docker Benchmark and Kubernetes Pod Security references. Exits 0 when\n"
         "nothing breaks an enforced rule of the policy, 1 otherwise (or on error).\n"
         "--compare A B [C...]: configs, bundles or ward's defaults (ward:hardened,\n"
         "ward:baseline, ward:compat) side by side, one row per thing audited, the\n"
         "weaker value of each row marked with *; exits 0. Reserved operands:\n"
         "container:ID, pid:PID.\n"
         "--container ID, --pid PID: what the kernel enforces on a running process.\n"
         "Examples:\n"
         "  ward audit config.json\n"
         "  ward audit --policy ward:baseline --format json ./bundle\n"
         "  ward audit --format sarif config.json > ward.sarif\n"
         "  ward audit --compare runc.json ward:hardened podman.json\n"
         "See ward-audit(8) for the JSON schema and the SARIF mapping.",
         {{"policy", nullptr, "FILE|ward:NAME", "the policy to judge by (default: the global one)"},
          {"format", "f", "FORMAT", "table (default), json or sarif (--compare: table or json)"},
          {"compare", nullptr, nullptr, "compare the operands side by side"},
          {"container", nullptr, "ID", "audit a running ward container"},
          {"pid", nullptr, "PID", "audit a running process of any runtime"},
          kHelpFlag}},
        {"pause",
         "suspend every process of a container",
         "<container-id>",
         1,
         1,
         true,
         "Freezes the container's cgroup (cgroup.freeze) and waits until the kernel says\n"
         "every process is frozen (cgroup.events). Its status is then \"paused\". A\n"
         "created container can be paused too; anything else: \"container not running\".",
         {kHelpFlag}},
        {"resume",
         "resume a paused container",
         "<container-id>",
         1,
         1,
         true,
         "Thaws a paused container's cgroup and waits until the kernel says it runs\n"
         "again; it is back to running (or created). Anything else: \"container not\n"
         "paused\".",
         {kHelpFlag}},
        {"ps",
         "list the processes of a container",
         "<container-id> [ps options]",
         1,
         -1,
         true,
         "Lists the processes of a container's cgroup (and the cgroups below it).\n"
         "table: runs ps(1) with the ps options (default: -ef) and prints its header\n"
         "and the rows of the container's processes. json: prints the JSON array of\n"
         "their pids. Options of ward ps go before the id; all after it go to ps.",
         {{"format", "f", "FORMAT", "output format: table (default) or json"}, kHelpFlag},
         FlagsEnd{0}},
        {"events",
         "show a container's resource usage and OOM events as JSON",
         "<container-id>",
         1,
         1,
         true,
         "Prints runc's event lines, one JSON object a line: {\"type\":\"stats\",...} every\n"
         "--interval with the cgroup's cpu, memory, pids, io and hugetlb figures, and\n"
         "{\"type\":\"oom\",...} each time the OOM killer kills in the container. Ends\n"
         "(status 0) when the container stops. With --stats: one stats line, then exit.",
         {{"interval", nullptr, "DURATION", "stats interval, e.g. 5s, 500ms, 1m (default: 5s)"},
          {"stats", nullptr, nullptr, "print the stats once and exit"},
          kHelpFlag}},
        {"key",
         "generate an image signing key pair",
         "generate --out <prefix>",
         1,
         1,
         true,
         "generate --out PREFIX: writes PREFIX.key (EC P-256 private key, unencrypted\n"
         "PKCS#8 PEM, mode 0600) and PREFIX.pub (PEM PUBLIC KEY), the kind of key pair\n"
         "`cosign generate-key-pair` makes. Existing files are never overwritten.\n"
         "See ward-key(8).",
         {{"out", "o", "PREFIX", "path prefix of the two key files"}, kHelpFlag}},
        {"image",
         "import images into the store, list, inspect and remove them; sign and verify layouts",
         "import|ls|inspect|rm|sign|verify [args...]",
         1,
         -1,
         true,
         "import [--name NAME] LAYOUT[:TAG|@sha256:HEX] | ARCHIVE[:TAG]: verifies the\n"
         "digest chain and, under the policy's trust section, the signatures, then\n"
         "unpacks every layer (diff_ids checked) into the store and prints the manifest\n"
         "digest and the name. An oci-archive (a tar of a layout, as `skopeo copy ...\n"
         "oci-archive:F.tar:TAG` writes) is extracted first. Default name: the layout's\n"
         "ref.name when it is a full reference, else localhost/<dir>:<tag|latest>.\n"
         "ls [--format table|json] [-q]: one row per name: NAME, DIGEST, SIZE, IMPORTED.\n"
         "inspect REF...: JSON array of the entries (names, chain, config, layers,\n"
         "admission, rootfs). rm REF...: a name is untagged; the image is deleted when\n"
         "no name is left, or when REF is its digest; refused while a container made\n"
         "from it exists (--force to remove anyway). REF: a name, sha256:HEX or at least\n"
         "12 hex digits. The store is --store DIR, $WARD_STORE or /var/lib/ward (run by\n"
         "another user: $XDG_DATA_HOME/ward, else ~/.local/share/ward).\n"
         "sign --key KEY LAYOUT[:TAG]: verifies the image's digest chain, then stores a\n"
         "cosign-style signature of its digest in the layout (payload blob, signature\n"
         "manifest, index.json entry tagged sha256-<hex>.sig). It signs the name import\n"
         "gives the image, REPO:TAG (as skopeo), which the default signedIdentity\n"
         "matchRepoDigestOrExact accepts; --identity-form repository signs REPO alone (as\n"
         "cosign), which only matchRepository accepts.\n"
         "verify --key PUB LAYOUT[:TAG|@sha256:HEX]: checks index -> manifest -> config ->\n"
         "every layer blob (digest and size) and a signature by PUB over the manifest\n"
         "(or its index) digest: cosign simple signing (tag sha256-<hex>.sig) or a\n"
         "Sigstore bundle v0.3 (cosign 3: an OCI 1.1 referrer or the fallback tag\n"
         "sha256-<hex>), without unpacking anything; exits 1 naming the first\n"
         "link that fails. With --signature and --payload, a detached cosign signature\n"
         "is checked instead of the ones stored in the layout. With --rekor-key, a\n"
         "Sigstore bundle must carry a transparency-log entry that key promised\n"
         "(checked offline, as a policy's rekorPublicKeyPath). See ward-image(8).",
         {{"key", "k", "FILE", "sign: private key (PEM); verify: public key (PEM)"},
          {"identity", nullptr, "REF",
           "sign: docker-reference to sign (default: the name import gives it, REPO:TAG);"
           " verify: require it"},
          {"identity-form", nullptr, "reference|repository",
           "sign: reference (default, REPO:TAG as skopeo) or repository (REPO only, as cosign)"},
          {"platform", nullptr, "OS/ARCH", "platform to pick from an index (default: linux/amd64)"},
          {"signature", nullptr, "FILE", "verify: detached base64 signature (with --payload)"},
          {"payload", nullptr, "FILE", "verify: the payload the detached signature signs"},
          {"rekor-key", nullptr, "FILE",
           "verify: a transparency log's public key (PEM); a Sigstore bundle must carry an"
           " entry it promised; repeatable"},
          {"name", nullptr, "NAME", "import: the full name to import under (HOST/PATH[:TAG])"},
          {"format", "f", "FORMAT", "ls: table (default) or json"},
          {"quiet", "q", nullptr, "ls: only the image IDs; import: no progress lines"},
          {"force", nullptr, nullptr, "rm: remove an image even while containers use it"},
          kHelpFlag}},
        {"sign",
         "sign a bundle: its config.json and every file of its rootfs",
         "<bundle>",
         1,
         1,
         true,
         "sign --key KEY BUNDLE: records the rootfs (root.path of BUNDLE/config.json):\n"
         "every path, type, mode, owner, content digest, symlink target, device number\n"
         "and file capability, without following symlinks or crossing mounts. Writes\n"
         "the record to BUNDLE/ward-rootfs.jsonl and an ECDSA P-256 signature over a\n"
         "payload naming the digests of config.json and of the record to\n"
         "BUNDLE/ward-signature.json. Check it with `ward verify`. See ward-sign(8).",
         {{"key", "k", "FILE", "private key (PEM, from `ward key generate`)"},
          {"threads", nullptr, "N", "hashing threads (default: the CPUs ward may use)"},
          kHelpFlag}},
        {"verify",
         "check a signed bundle's signature, config.json and rootfs",
         "<bundle>",
         1,
         1,
         true,
         "verify [--key PUB ...] BUNDLE: checks BUNDLE/ward-signature.json with the\n"
         "given public keys (any one may have signed; without --key, the keys the\n"
         "policy's trust section gives bundles), then config.json's digest, then the\n"
         "record's, then walks and hashes the rootfs again and compares it with the\n"
         "record. Prints what verified and how much was hashed; exits 1 naming the\n"
         "first thing that changed (\"rootfs file /bin/sh changed since signing\").\n"
         "See ward-verify(8).",
         {{"key", "k", "FILE", "public key (PEM); repeatable"},
          {"threads", nullptr, "N", "hashing threads (default: the CPUs ward may use)"},
          kHelpFlag}},
        later("checkpoint", "checkpoint a running container"),
        {"exec",
         "run a new process in a running container",
         "<container-id> <command> [args...] | -p process.json <container-id>",
         1,
         -1,
         true,
         "Runs a new process in the namespaces and cgroup of a running container's init,\n"
         "under the container's seccomp filter. The process is the config's own one\n"
         "with <command> as its args and the flags below applied, or, with --process, an\n"
         "OCI Process JSON (the other process flags are then ignored). Flags go before\n"
         "the container id. Without --detach, ward waits for the process, forwards\n"
         "signals to it and exits with its status (128+N when killed by signal N);\n"
         "when ward itself fails it exits 255, as runc. See ward-exec(8).",
         {{"console-socket", nullptr, "PATH", "AF_UNIX socket to receive the console pty master"},
          {"pidfd-socket", nullptr, "PATH", "AF_UNIX socket to receive a pidfd of the process"},
          {"cwd", nullptr, "DIR", "working directory in the container"},
          {"env", "e", "NAME=VALUE", "add an environment variable (repeatable)"},
          {"tty", "t", nullptr, "allocate a pseudo-terminal"},
          {"user", "u", "UID[:GID]", "run as this user (and group)"},
          {"additional-gids", "g", "GID", "add a supplementary group (repeatable)"},
          {"process", "p", "FILE", "OCI Process JSON to run"},
          {"detach", "d", nullptr, "return once the process has started"},
          {"pid-file", nullptr, "FILE", "write the process's pid to FILE"},
          {"process-label", nullptr, "LABEL", "SELinux label for the process"},
          {"apparmor", nullptr, "PROFILE", "AppArmor profile for the process"},
          {"no-new-privs", nullptr, nullptr, "set no_new_privs for the process"},
          {"cap", "c", "CAP", "add a capability (repeatable)"},
          {"preserve-fds", nullptr, "N", "also pass fds 3 .. 3+N-1 to the process (default: 0)"},
          {"cgroup", nullptr, "PATH", "sub-cgroup to run in: not supported yet"},
          {"ignore-paused", nullptr, nullptr, "allow exec in a paused container"},
          kHelpFlag},
         FlagsEnd{0}},
        later("restore", "restore a container from a checkpoint"),
        {"update",
         "change the resource limits of a created or running container",
         "<container-id>",
         1,
         1,
         true,
         "Applies new resource limits to the container's cgroup and records them in its\n"
         "saved config. Either --resources FILE (a LinuxResources JSON document, '-' for\n"
         "stdin; only the fields to change; every other flag is then ignored) or the\n"
         "flags below. Sizes take k, m, g suffixes (binary). Limits the host's cgroup2\n"
         "hierarchy has no controller for are refused or warned about as the policy's\n"
         "unavailableLimits rule says. See ward-update(8).",
         {{"resources", "r", "FILE", "LinuxResources JSON to apply ('-': standard input)"},
          {"memory", nullptr, "BYTES", "memory limit (memory.max); -1 for none"},
          {"memory-swap", nullptr, "BYTES",
           "memory+swap limit (memory.swap.max = this - memory); -1 for unlimited swap"},
          {"memory-reservation", nullptr, "BYTES", "memory reservation (memory.low)"},
          {"kernel-memory", nullptr, "BYTES", "obsolete: ignored with a warning, as runc"},
          {"kernel-memory-tcp", nullptr, "BYTES", "obsolete: ignored with a warning, as runc"},
          {"cpu-quota", nullptr, "USECS", "CPU time per period (cpu.max); -1 for none"},
          {"cpu-period", nullptr, "USECS", "CFS period (cpu.max; default 100000)"},
          {"cpu-share", nullptr, "SHARES", "CPU shares, converted to cpu.weight"},
          {"cpu-shares", nullptr, "SHARES", "the same as --cpu-share"},
          {"cpu-burst", nullptr, "USECS", "CPU burst (cpu.max.burst)"},
          {"cpu-idle", nullptr, "0|1", "SCHED_IDLE for the cgroup (cpu.idle)"},
          {"cpu-rt-period", nullptr, "USECS", "realtime period: refused on cgroup v2"},
          {"cpu-rt-runtime", nullptr, "USECS", "realtime runtime: refused on cgroup v2"},
          {"cpuset-cpus", nullptr, "LIST", "CPUs to run on (cpuset.cpus)"},
          {"cpuset-mems", nullptr, "LIST", "memory nodes to use (cpuset.mems)"},
          {"pids-limit", nullptr, "N", "maximum number of tasks (pids.max); 0 or -1 for none"},
          {"blkio-weight", nullptr, "W", "block IO weight, 10 to 1000 (io.bfq.weight/io.weight)"},
          {"l3-cache-schema", nullptr, "SCHEMA", "Intel RDT: not supported"},
          {"mem-bw-schema", nullptr, "SCHEMA", "Intel RDT: not supported"},
          kHelpFlag}},
        {"help",
         "show the verb list, or the help of one verb",
         "[verb]",
         0,
         1,
         true,
         "Shows the list of verbs, or the help of one verb.",
         {kHelpFlag}},
    };
    return table;
}

const VerbSpec* find_verb(std::string_view name) {
    if (name == "h")
        name = "help";
    for (const auto& verb : verbs())
        if (name == verb.name)
            return &verb;
    return nullptr;
}

} // namespace ward::cli
