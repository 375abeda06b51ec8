#!/bin/sh
# Container start time: `run` of /bin/true by ward, runc and crun on the
# three paths issue 15 names, beside a floor (unshare + chroot, no
# runtime), all in one hyperfine invocation whose command list is repeated
# ROUNDS times (bench/rounds.py: drift of the host lands on every runtime
# alike, not on whichever was being timed then). Writes the table and the
# ward/crun ratio of each path to docs/performance.md.
#
# - store image: ward's hardened path (a signed image imported into a
#   store, the bundle made from it, the trust check at create); runc and
#   crun run the plain bundle of the same rootfs, which is all they can do;
# - plain bundle: the same bundle for all three, ward under baseline (the
#   policy fills its precompiled default-deny profile);
# - Docker profile: the bundle with the seccomp profile podman and Docker
#   send for every container (containers-common's, for no capabilities) in
#   config.json; ward under baseline compiles it once per state root
#   (the program cache), runc and crun at every start.
#
# crun refuses this host's hybrid cgroup layout unless the cgroup2 mount is
# hidden from it, so every runtime runs through the same unshare wrapper and
# pays the same cost for it (ward keeps the mount: it needs cgroup2). The
# wrapper alone is timed too, and each ratio is given raw and net of it.
# Every runtime's state root (--root) is on tmpfs, as /run is where clients
# keep it (bench_state_dir); bundles and the store stay on the disk.
# Warm and cold in the same run: cold drops the runtime's binary and its
# libraries from the page cache, or (Docker profile) empties ward's
# program cache.
set -eu
cd "$(dirname "$0")/.."
. bench/lib-runtimes.sh
bench_tools hyperfine runc crun umoci
[ -f /usr/share/containers/seccomp.json ] ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-github-containers-common >/dev/null
repo=$PWD
ward=$repo/build/ward
work=$(mktemp -d /tmp/ward-bench.XXXXXX)
state=$(bench_state_dir)
trap 'rm -rf "$work" "$state"' EXIT
scripts/busybox-rootfs.sh "$work/bundle/rootfs"
"$ward" spec --bundle "$work/bundle"
python3 bench/docker_profile_to_oci.py /usr/share/containers/seccomp.json >"$work/docker-profile.json"
python3 - "$work/bundle/config.json" "$work/docker/config.json" "$work/docker-profile.json" <<'PY'
import json, os, sys
plain, docker, profile = sys.argv[1:]
config = json.load(open(plain))
config["process"]["args"] = ["/bin/true"]
# Debian 12's crun 1.8 refuses any ociVersion newer than it knows; the
# config uses nothing newer than 1.0.2 has.
config["ociVersion"] = "1.0.2"
config["linux"].pop("seccomp", None)
json.dump(config, open(plain, "w"), indent=2)
config["root"]["path"] = os.path.join(os.path.dirname(plain), "rootfs")
config["linux"]["seccomp"] = json.load(open(profile))
os.makedirs(os.path.dirname(docker))
json.dump(config, open(docker, "w"), indent=2)
PY
# ward runs under its hardened policy, which refuses unverified bundles:
# the same rootfs goes through the path ward is built for (an image signed
# with a bench key, imported into a store, a bundle made from it with the
# same args), so the trust step's cost is in ward's figure.
bench_signed_image "$ward" "$work" "$work/ward-bundle"
wardp="$ward --store $work/store --policy $work/policy.json"
wardb="$ward --policy $repo/contrib/policies/baseline.json"
runs=${RUNS:-50}
# Warm rows prepare nothing (true); cold rows drop the runtime's binary and
# its libraries from the page cache before each run (only those files'
# pages, no host setting), or start ward on an empty program cache.
drop() { echo "$repo/bench/drop-cached.sh $(command -v "$1")"; }
rounds=${ROUNDS:-5}
python3 bench/rounds.py time "$rounds" "$runs" 1 "$work/table" \
    "ward, store image" true "$(wrap_keep $wardp --root "$state/ward" run -b "$work/ward-bundle" w1)" \
    "runc, store image" true "$(wrap runc --root "$state/runc" run -b "$work/bundle" r1)" \
    "crun, store image" true "$(wrap crun --root "$state/crun" run -b "$work/bundle" c1)" \
    "ward, plain bundle" true "$(wrap_keep $wardb --root "$state/ward" run -b "$work/bundle" w2)" \
    "runc, plain bundle" true "$(wrap runc --root "$state/runc" run -b "$work/bundle" r2)" \
    "crun, plain bundle" true "$(wrap crun --root "$state/crun" run -b "$work/bundle" c2)" \
    "ward, Docker profile" true "$(wrap_keep $wardb --root "$state/ward" run -b "$work/docker" w3)" \
    "runc, Docker profile" true "$(wrap runc --root "$state/runc" run -b "$work/docker" r3)" \
    "crun, Docker profile" true "$(wrap crun --root "$state/crun" run -b "$work/docker" c3)" \
    "ward, plain bundle, binary cold" "$(drop "$ward")" \
    "$(wrap_keep $wardb --root "$state/ward" run -b "$work/bundle" w4)" \
    "runc, plain bundle, binary cold" "$(drop runc)" \
    "$(wrap runc --root "$state/runc" run -b "$work/bundle" r4)" \
    "crun, plain bundle, binary cold" "$(drop crun)" \
    "$(wrap crun --root "$state/crun" run -b "$work/bundle" c4)" \
    "ward, Docker profile, no program cache" "rm -rf $state/ward-cold" \
    "$(wrap_keep $wardb --root "$state/ward-cold" run -b "$work/docker" w5)" \
    "wrapper alone" true "$(wrap_keep /bin/true)" \
    floor true "unshare -fmpuin --mount-proc -R $work/bundle/rootfs /bin/true"
ratio() { python3 bench/rounds.py ratio "$work/table.json" "- $1" "$2" "$3" "wrapper alone"; }
ratios=$(
    for path in "store image" "plain bundle" "Docker profile" "plain bundle, binary cold"; do
        ratio "$path" "ward, $path" "crun, $path"
    done
    # an empty program cache is ward's alone: crun compiles at every start
    ratio "Docker profile, ward's program cache empty" \
        "ward, Docker profile, no program cache" "crun, Docker profile"
)
{
    echo "## Start: \`run\` of /bin/true, side by side"
    echo
    echo "Measured by \`make bench\` (bench/start.sh, RUNS=$runs, ROUNDS=$rounds) on $(date -u +%Y-%m-%d), $(nproc) cores,"
    echo "kernel $(uname -r), load average $(cut -d' ' -f1 /proc/loadavg) at the start;"
    echo "ward $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(runc --version | head -1), $(crun --version | head -1)."
    echo "Three paths, in one hyperfine run: a signed store image under the"
    echo "hardened policy (ward; runc and crun run the same rootfs as a plain"
    echo "bundle), a plain bundle under baseline, and the same bundle carrying"
    echo "containers-common's Docker-style seccomp profile in config.json."
    echo "Cold rows: the runtime's binary and its shared libraries dropped from the"
    echo "page cache before each run (pages other processes have mapped, such as"
    echo "libc's, stay: ward links glibc statically, so its copy is read back;"
    echo "this disk's read_ahead_kb is $(cat /sys/block/$(basename "$(df --output=source "$ward" | tail -1)")/queue/read_ahead_kb 2>/dev/null || echo '?'), so"
    echo "a cold start reads a whole binary of that size or less), or"
    echo "ward on an empty state root, so that libseccomp compiles the profile"
    echo "(crun and runc compile it at every start)."
    echo "\`wrapper alone\` is the unshare wrapper every runtime runs behind here"
    echo "(crun needs it on this hybrid-cgroup host), exec'ing /bin/true: the net"
    echo "ratios subtract its mean from both runtimes, the raw ones do not."
    echo "$(bench_state_note "$state") Bundles, the store and the binaries on the disk."
    echo "The command list is given $rounds times over in that run (bench/rounds.py),"
    echo "so each command's runs are spread across it and host drift weighs on"
    echo "all alike; \`rounds\` is the range of the ward/crun ratio round by round."
    echo
    cat "$work/table.md"
    echo
    echo "$ratios"
} | python3 bench/update-section.py docs/performance.md "## Start: \`run\` of /bin/true, side by side"
sed -n '/^## Start/,/^## [^S]/p' docs/performance.md
