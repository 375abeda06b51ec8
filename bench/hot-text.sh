#!/bin/sh
# Regenerates bench/hot-text.ld, the list of code that ward's everyday verbs
# run, which the link of build/ward places first and together (Makefile,
# HOT_TEXT; docs/performance.md, "Process start-up"). Not a test and not
# part of the build: run it as root after changes that move much code, then
# commit the new list. A stale list costs page faults, never correctness.
#
# What is profiled, CYCLES times (default 10) after one unprofiled cycle
# (so one-time work, such as the trust memo's first signature check, stays
# out), under perf's CPU clock and page-fault events: --help, spec, features,
# and a plain busybox bundle under the baseline policy through create,
# state, start, ps, list, exec, kill, delete and run; then `run` of a signed
# store image under the hardened policy (the trust check answered by the
# memo), as bench/start.sh runs it. The clock's samples miss functions of a
# few nanoseconds, so the verbs valgrind can run are also run once under
# callgrind, which lists every function. Each process has a tier, and the
# list is written tier by tier: state first, then start, kill and delete,
# then create and run, then the rest.
set -eu
cd "$(dirname "$0")/.."
. bench/lib-runtimes.sh
bench_tools perf:linux-perf umoci valgrind
[ "$(id -u)" = 0 ] || { echo "hot-text: run as root (containers)" >&2; exit 1; }
repo=$PWD
# bench/hot-text.sh BINARY MAP profiles another link of ward (MAP its link
# map) and prints the script instead of replacing bench/hot-text.ld.
if [ $# = 2 ]; then
    ward=$(realpath "$1")
    map=$2
else
    make -s -j2 all
    ward=$repo/build/ward
    map=build/ward.map
fi
work=$(mktemp -d /tmp/ward-hot-text.XXXXXX)
cycles=${CYCLES:-10}
cleanup() {
    for id in ht-plain ht-run ht-image; do
        "$ward" --root "$work/root" delete --force "$id" >/dev/null 2>&1 || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

scripts/busybox-rootfs.sh "$work/bundle/rootfs"
"$ward" spec --bundle "$work/bundle"
cp -a "$work/bundle" "$work/true"
python3 - "$work/bundle/config.json" "$work/true/config.json" <<'PY'
import json, sys
for path, args in ((sys.argv[1], ["/bin/sleep", "1000"]), (sys.argv[2], ["/bin/true"])):
    config = json.load(open(path))
    config["process"]["args"] = args
    config["process"]["terminal"] = False
    json.dump(config, open(path, "w"), indent=2)
PY
# The hardened path: a signed store image, as bench/start.sh makes it.
bench_signed_image "$ward" "$work" "$work/image-bundle"

# The verbs profiled, CYCLES times: `v TIER CMD...` runs CMD and notes its
# pid with its tier for hot-text.py. The code of tier 1 (state, which a shim
# asks most) is placed first, then what tier 2 adds (start, kill, delete),
# then tier 3 (create, run), then the rest.
cat >"$work/cycle" <<'EOF'
#!/bin/sh
v() { sh -c 'echo "$$ $0" >>"$PIDS"; exec "$@"' "$@"; }
w="$WARD --root $WORK/root"
wb="$w --policy $REPO/contrib/policies/baseline.json"
wh="$w --store $WORK/store --policy $WORK/policy.json"
for i in $(seq "$1"); do
    v 4 $w --help
    v 4 $w spec --bundle $WORK/spec --rootless
    rm -f $WORK/spec/config.json
    v 4 $w features
    v 3 $wb create --bundle $WORK/bundle ht-plain
    v 1 $w state ht-plain
    v 2 $w start ht-plain
    v 1 $w state ht-plain
    v 4 $w ps --format json ht-plain
    v 4 $w list
    v 4 $w exec ht-plain /bin/true
    v 2 $w kill ht-plain KILL
    while v 1 $w state ht-plain | grep -q running; do :; done
    v 2 $w delete ht-plain
    v 3 $wb run --bundle $WORK/true ht-run
    v 3 $wh run --bundle $WORK/image-bundle ht-image
done >/dev/null 2>&1
EOF
chmod +x "$work/cycle"
mkdir -p "$work/spec"
export WARD="$ward" WORK="$work" REPO="$repo" PIDS="$work/pids"
"$work/cycle" 1
: >"$work/pids"
perf record -q -o "$work/perf.data" -e cpu-clock/period=5000/u -e page-faults/period=1/u \
    -- "$work/cycle" "$cycles" >/dev/null 2>&1
# Complete lists of the functions run, where valgrind can run the verb (not
# create, run, exec or kill: their namespaces and pidfds are beyond it):
# callgrind names every function, however short. `vg TIER CMD...`; a run
# that fails is not used (its error path is not the verb's).
n=0
vg() {
    n=$((n + 1))
    out="$work/cg.$1.$n"
    shift
    valgrind -q --tool=callgrind --callgrind-out-file="$out" --compress-strings=no --demangle=no \
        "$@" >/dev/null 2>&1 || rm -f "$out"
}
w="$ward --root $work/root"
$w --policy "$repo/contrib/policies/baseline.json" create --bundle "$work/bundle" ht-plain
vg 1 $w state ht-plain
vg 2 $w start ht-plain
vg 1 $w state ht-plain
vg 4 $w ps --format json ht-plain
vg 4 $w list
$w kill ht-plain KILL
while $w state ht-plain | grep -q running; do :; done
vg 1 $w state ht-plain
vg 2 $w delete ht-plain
vg 4 $w --help
vg 4 $w features
vg 4 $w spec --bundle "$work/spec"
# KEEP_PERF=DIR keeps the profile, to study it.
[ -z "${KEEP_PERF:-}" ] || cp "$work/perf.data" "$work/pids" "$work"/cg.* "$KEEP_PERF"
python3 bench/hot-text.py "$map" "$ward" "$work/perf.data" "$work/pids" "$work"/cg.* >"$work/hot-text.ld"
if [ $# = 2 ]; then
    cat "$work/hot-text.ld"
    exit 0
fi
mv "$work/hot-text.ld" bench/hot-text.ld
make -s -j2 all
echo "hot-text: bench/hot-text.ld rewritten and build/ward relinked"
