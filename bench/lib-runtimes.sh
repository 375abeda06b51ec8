# Sourced by the side-by-side benches (start.sh, verbs.sh) from the
# repository's top: bench_tools installs what is missing of the tools named,
# and wrap / wrap_keep print a runtime's command line behind the same
# unshare wrapper. crun refuses this host's hybrid cgroup layout unless the
# cgroup2 mount is hidden from it (wrap); ward needs the mount, so it gets
# the same wrapper with a no-op in place of the umount (wrap_keep), and
# every runtime pays the same cost for it.
bench_tools() {
    for spec in "$@"; do # TOOL, or TOOL:PACKAGE where they differ
        command -v "${spec%%:*}" >/dev/null || {
            echo "bench: installing ${spec#*:}"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${spec#*:}" >/dev/null
        }
    done
}
# bench_state_dir: prints a new directory on tmpfs for the runtimes' state
# roots (--root). On a host that systemd runs, /run is tmpfs, and that is
# where containerd, CRI-O, podman and Docker keep runc's and crun's state
# (ward's default root is /run/ward; the clients lane mounts a tmpfs on
# its containerd's /run). This machine has no systemd, and its /run is on
# the ext4 root, where creating a file takes ten times as long as on tmpfs
# (docs/performance.md, "Where a `run` spends its time").
bench_state_dir() {
    for base in /run /dev/shm; do
        if [ "$(stat -f -c %T "$base" 2>/dev/null)" = tmpfs ]; then
            mktemp -d "$base/ward-bench-state.XXXXXX"
            return
        fi
    done
    echo "bench: no tmpfs at /run or /dev/shm for the state roots" >&2
    return 1
}
# bench_state_note DIR: the sentence each bench's section says about it.
bench_state_note() {
    echo "State roots (--root) on tmpfs ($(dirname "$1")), as /run is on a host that systemd runs."
}
wrap() { echo "unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec \"\$0\" \"\$@\"' $*"; }
wrap_keep() { echo "unshare -m --propagation private sh -c ': /sys/fs/cgroup/unified; exec \"\$0\" \"\$@\"' $*"; }

# bench_signed_image WARD WORK BUNDLE: ward's hardened path for a busybox
# image running /bin/true: img:1 made in WORK (umoci), signed with a bench
# key (WORK/bench.key), imported into WORK/store under WORK/policy.json
# (hardened, trusting that key for localhost/img), and BUNDLE made from it.
# Run from the repository's top.
bench_signed_image() {
    local top=$PWD
    (cd "$2" && "$top/scripts/busybox-image.sh" img:1 >/dev/null &&
        umoci config --image img:1 --config.cmd /bin/true >/dev/null) || return 1
    "$1" key generate --out "$2/bench" >/dev/null
    "$1" image sign --key "$2/bench.key" "$2/img:1" >/dev/null
    python3 - contrib/policies/hardened.json "$2/policy.json" "$2/bench.pub" <<'PY'
import json, sys
policy = json.load(open(sys.argv[1]))
policy["trust"]["scopes"] = {"localhost/img": [{"type": "sigstoreSigned", "keyPath": sys.argv[3],
    "signedIdentity": {"type": "matchRepository"}}]}
json.dump(policy, open(sys.argv[2], "w"))
PY
    "$1" --store "$2/store" --policy "$2/policy.json" image import "$2/img:1" >/dev/null
    "$1" --store "$2/store" --policy "$2/policy.json" \
        bundle create --image localhost/img:1 "$3" >/dev/null
}
