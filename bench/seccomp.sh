#!/bin/sh
# Seccomp cost, side by side in one run:
#  - per syscall inside a container (bench/syscall_loop.c: raw getpid and a
#    1-byte read of /dev/zero), with no filter, with ward's default-deny
#    profile under ward, and with the Docker-style profile Debian ships in
#    golang-github-containers-common under runc;
#  - what the filter adds to `run` of /bin/true, in one hyperfine
#    invocation: no filter; default-deny filled in by the hardened policy (the
#    default: its BPF program was compiled when ward was built); the same
#    profile written into config.json, compiled before (the program cache of
#    the state root) and with that cache emptied before each run (compiled by
#    libseccomp at create).
# Writes the "## Seccomp" section of docs/performance.md.
#
# PROFILE=path overrides ward's profile (default: `ward profile export
# default-deny`, else seccomp-profiles/default-deny.json). N=calls per loop.
set -eu
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
for pkg in hyperfine runc golang-github-containers-common; do
    dpkg -s "$pkg" >/dev/null 2>&1 || apt-get install -y -qq "$pkg" >/dev/null
done
# Under the compat policy nothing is filled in, so "no filter" is none
# (the built-in hardened policy would fill default-deny).
ward="$PWD/build/ward --policy $PWD/contrib/policies/compat.json"
n=${N:-300000}
work=$(mktemp -d /tmp/ward-bench-seccomp.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ -n "${PROFILE:-}" ]; then
    cp "$PROFILE" "$work/ward-profile.json"
elif ! $ward profile export default-deny >"$work/ward-profile.json" 2>/dev/null; then
    cp seccomp-profiles/default-deny.json "$work/ward-profile.json"
fi
python3 bench/docker_profile_to_oci.py /usr/share/containers/seccomp.json >"$work/docker-profile.json"

# The filter's own setup cost, outside a container start (CPU time).
c++ -std=c++20 -O2 -Wall -Wextra -Iinclude -D_GNU_SOURCE -o "$work/filter_setup" \
    bench/filter_setup.cpp build/libward.a -lseccomp -lyajl -lhogweed -lnettle -lgmp -lcrypto
setup_table=$("$work/filter_setup" "${SETUP_RUNS:-200}")

scripts/busybox-rootfs.sh "$work/rootfs"
cc -static -O2 -Wall -Wextra -Werror -o "$work/rootfs/syscall_loop" bench/syscall_loop.c

# bundle NAME PROFILE|none ARGS...: a bundle sharing the rootfs.
bundle() {
    name=$1 profile=$2
    shift 2
    mkdir -p "$work/$name"
    $ward spec --bundle "$work/$name"
    python3 - "$work/$name/config.json" "$work/rootfs" "$profile" "$@" <<'PY'
import json, sys
path, rootfs, profile, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
config = json.load(open(path))
config["ociVersion"] = "1.0.2"
config["root"]["path"] = rootfs
config["process"]["args"] = args
config["linux"].pop("seccomp", None)
if profile != "none":
    config["linux"]["seccomp"] = json.load(open(profile))
json.dump(config, open(path, "w"), indent=2)
PY
}
bundle loop-none none /syscall_loop "$n"
bundle loop-ward "$work/ward-profile.json" /syscall_loop "$n"
bundle loop-docker "$work/docker-profile.json" /syscall_loop "$n"
bundle true-none none /bin/true
bundle true-ward "$work/ward-profile.json" /bin/true

# The median of 5 runs of one loop: "getpid_ns read_ns".
loop() {
    runtime=$1 name=$2
    state=$work/state-$(echo "$runtime" | cksum | cut -d' ' -f1)
    for i in 1 2 3 4 5; do
        $runtime --root "$state" run -b "$work/$name" "bench-$name-$i"
    done | sed 's/getpid_ns=//; s/read_ns=//' | sort -n | sed -n 3p
}
row() { # label runtime bundle
    set -- "$1" $(loop "$2" "$3")
    echo "| $1 | $2 | $3 |"
}
table=$(
    echo "| filter | getpid [ns] | read 1 byte [ns] |"
    echo "|:---|---:|---:|"
    row "none (ward)" "$ward" loop-none
    row "ward default-deny (ward)" "$ward" loop-ward
    row "Docker-style, containers-common (ward)" "$ward" loop-docker
    row "none (runc)" runc loop-none
    row "Docker-style, containers-common (runc)" runc loop-docker
)
# hardened refuses every unsigned bundle; this copy only warns, so that
# its fill of default-deny can be timed on the same plain bundle.
python3 - contrib/policies/hardened.json "$work/hardened-unsigned.json" <<'PY'
import json, sys
policy = json.load(open(sys.argv[1]))
policy["name"] = "hardened, unsigned bundles allowed (bench)"
policy["trust"]["unverified"] = "warn"
json.dump(policy, open(sys.argv[2], "w"))
PY
hardened="$PWD/build/ward --policy $work/hardened-unsigned.json"
# hyperfine gives the N-th --prepare to the N-th command, and a single
# one to every command: each command has its own, or the program cache
# would be emptied before the "compiled before" runs too.
hyperfine --warmup 5 --runs "${RUNS:-30}" -N --export-markdown "$work/setup.md" \
    --prepare true --prepare true --prepare true \
    --prepare "rm -rf $work/state-setup/@seccomp" \
    -n "ward, no filter" "$ward --root $work/state-setup run -b $work/true-none s1" \
    -n "ward, default-deny filled by policy (precompiled)" \
    "$hardened --root $work/state-setup run -b $work/true-none s2" \
    -n "ward, default-deny in config.json, compiled before (program cache)" \
    "$ward --root $work/state-setup run -b $work/true-ward s3" \
    -n "ward, default-deny in config.json, cache emptied (libseccomp at create)" \
    "$ward --root $work/state-setup run -b $work/true-ward s4" >/dev/null

{
    echo "## Seccomp"
    echo
    echo "Measured by \`bench/seccomp.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, kernel"
    echo "$(uname -r); ward $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(runc --version | head -1)."
    echo "Per call inside a container, median of 5 runs of $n calls each:"
    echo
    echo "$table"
    echo
    echo "What the filter adds to \`run\` of /bin/true (hyperfine; the hardened policy, allowing"
    echo "unsigned bundles here, fills"
    echo "default-deny into a config without seccomp and loads the program compiled at build"
    echo "time; a profile in config.json is compiled by libseccomp during the first create"
    echo "of a state root and read back from ROOT/@seccomp after):"
    echo
    cat "$work/setup.md"
    echo
    echo "Building and loading the filter alone, as the init does (bench/filter_setup.cpp,"
    echo "median of ${SETUP_RUNS:-200} forked children, each child's CPU time):"
    echo
    echo "$setup_table"
} | python3 bench/update-section.py docs/performance.md "## Seccomp"
sed -n '/^## Seccomp/,$p' docs/performance.md
