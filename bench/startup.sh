#!/bin/sh
# What one ward process costs to start: page faults (counted by perf, and
# sorted by the part of the binary they touched), CPU and wall time, for
# `ward state` of a created container and `ward --help`, beside a static PIE
# that only returns (the floor of any process start here); and the time,
# faults and peak RSS of `create`, beside crun's. Writes its section of
# docs/performance.md (not a test).
#
# bench/startup.sh [LABEL=BINARY...] compares ward binaries built from other
# commits or with other link flags (default: ward=build/ward); each runs the
# same bundle. RUNS (default 200) runs per command. Caches are not
# dropped (a shared host): warm figures.
set -eu
cd "$(dirname "$0")/.."
. bench/lib-runtimes.sh
bench_tools perf:linux-perf crun
bench_tools /usr/bin/time:time
repo=$PWD
[ -x build/ward ] || make -s -j2 all
[ $# -gt 0 ] || set -- "ward=$repo/build/ward"
runs=${RUNS:-200}
work=$(mktemp -d /tmp/ward-bench-startup.XXXXXX)
state=$(bench_state_dir)
ward=${1#*=}
cleanup() {
    "$ward" --root "$state/ward" delete --force su-state >/dev/null 2>&1 || true
    "$ward" --root "$state/ward" delete --force su-create >/dev/null 2>&1 || true
    crun --root "$state/crun" delete --force su-crun >/dev/null 2>&1 || true
    rm -rf "$work" "$state"
}
trap cleanup EXIT

scripts/busybox-rootfs.sh "$work/bundle/rootfs"
"$ward" spec --bundle "$work/bundle"
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["process"]["args"] = ["/bin/sleep", "1000"]
config["process"]["terminal"] = False
config["ociVersion"] = "1.0.2"  # Debian 12's crun 1.8 refuses newer
json.dump(config, open(sys.argv[1], "w"), indent=2)
PY
printf 'int main(void) { return 0; }\n' | gcc -O2 -static-pie -x c - -o "$work/floor"
policy="--policy $repo/contrib/policies/baseline.json"
"$ward" --root "$state/ward" $policy create --bundle "$work/bundle" su-state

# cold BINARY: drops BINARY from the page cache and runs it once, so its
# pages are cached as the first exec after a boot reads them. How a file was
# written decides the size of its page-cache folios, and so how much each
# fault maps: a binary fresh from the linker or strip took a fifth fewer
# faults and twice the RSS of the same bytes read back from disk.
cold() {
    bench/drop-cached.sh "$1"
    "$1" --help >/dev/null 2>&1 || true
}
# faults CMD...: "FAULTS | CPU_MS" of one run of CMD, means of 50 (perf
# stat; CPU time is less inflated than wall time by a busy host).
faults() {
    perf stat -x, -r 50 -e page-faults,task-clock "$@" 2>&1 >/dev/null |
        awk -F, '/page-faults/ { f = $1 } /task-clock/ { c = $1 } END { printf "%d | %.2f", f, c }'
}
# median N...: the middle one of the numbers.
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# create_figures RUNTIME: peak RSS (KiB) and page faults of `create`, median
# of 5, as /usr/bin/time reports the command's largest process (verbs.sh).
create_figures() {
    rss=""
    flt=""
    for i in 1 2 3 4 5; do
        case $1 in
        crun)
            crun --root "$state/crun" delete --force su-crun >/dev/null 2>&1 || true
            cmd=$(wrap crun --root "$state/crun" create --bundle "$work/bundle" su-crun) ;;
        *)
            "$1" --root "$state/ward" delete --force su-create >/dev/null 2>&1 || true
            cmd=$(wrap_keep "$1" --root "$state/ward" $policy create --bundle "$work/bundle" su-create) ;;
        esac
        /usr/bin/time -o "$work/time" -f '%M %R' sh -c "$cmd" >/dev/null 2>&1
        rss="$rss $(cut -d' ' -f1 "$work/time")"
        flt="$flt $(cut -d' ' -f2 "$work/time")"
    done
    echo "$(median $rss) $(median $flt)"
}
# by_part BINARY ARGS...: one run's page faults sorted by the part of the
# binary (or other mapping) each touched.
by_part() {
    python3 bench/faults-by-part.py "$@" |
        awk 'NR > 1 { n = $1; $1 = ""; printf "%s%s %s", sep, substr($0, 2), n; sep = ", " }'
}

pairs="$* floor=$work/floor"
for pair in $pairs; do cold "${pair#*=}"; done
# state and --help of every binary and the floor, run in turn (alternate.py:
# a drifting load weighs on each alike; hyperfine runs each command's runs
# in a row).
set --
for pair in $pairs; do
    label=${pair%%=*}
    bin=${pair#*=}
    case $label in
    floor) set -- "$@" "floor=$bin" ;;
    *) set -- "$@" "$label state=$bin --root $state/ward state su-state" "$label --help=$bin --help" ;;
    esac
done
python3 bench/alternate.py "$runs" "$@" >"$work/times.md"
# create, each run after an untimed delete, crun beside it, in turn too;
# RUNS / 4 runs.
set --
for pair in $pairs; do
    label=${pair%%=*}
    bin=${pair#*=}
    [ "$label" = floor ] && continue
    set -- "$@" -p "$label create=$bin --root $state/ward delete --force su-create" \
        "$label create=$(wrap_keep "$bin" --root "$state/ward" $policy create --bundle "$work/bundle" su-create)"
done
set -- "$@" -p "crun create=crun --root $state/crun delete --force su-crun" \
    "crun create=$(wrap crun --root "$state/crun" create --bundle "$work/bundle" su-crun)"
python3 bench/alternate.py "$((runs / 4))" "$@" >"$work/create.md"

{
    echo "## Process start-up: one static binary"
    echo
    echo "Measured by bench/startup.sh (RUNS=$runs) on $(date -u +%Y-%m-%d), $(nproc) cores,"
    echo "kernel $(uname -r), load average $(cut -d' ' -f1 /proc/loadavg) at the start;"
    echo "ward $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(crun --version | head -1). \`state\` of a"
    echo "created container (baseline policy) and \`--help\`, beside \`floor\`, a static"
    echo "PIE whose main returns 0. Page faults and CPU time (user + system): means"
    echo "of 50 runs (perf stat);"
    echo "\`create\`: the median of 5 runs through bench/verbs.sh's wrapper (/usr/bin/time:"
    echo "the peak RSS of the command's largest process, which is the runtime's own;"
    echo "the faults of all its processes but the container's, the wrapper's included)."
    bench_state_note "$state"
    echo
    echo "| binary | faults, \`state\` | CPU, \`state\` [ms] | faults, \`--help\` | CPU, \`--help\` [ms] | \`create\` peak RSS [KiB] | faults, \`create\` |"
    echo "|:---|---:|---:|---:|---:|---:|---:|"
    for pair in $pairs; do
        label=${pair%%=*}
        bin=${pair#*=}
        case $label in
        floor) echo "| floor | $(faults "$bin") | | | | |" ;;
        *)
            set -- $(create_figures "$bin")
            echo "| $label | $(faults "$bin" --root "$state/ward" state su-state) | $(faults "$bin" --help) | $1 | $2 |" ;;
        esac
    done
    set -- $(create_figures crun)
    echo "| crun | | | | | $1 | $2 |"
    echo
    echo "Where one \`state\`'s faults land (one run, perf record):"
    echo
    for pair in $pairs; do
        label=${pair%%=*}
        bin=${pair#*=}
        [ "$label" = floor ] && continue
        echo "- $label: $(by_part "$bin" --root "$state/ward" state su-state)"
    done
    echo
    echo "Wall time, $runs runs of each, the commands in turn (bench/alternate.py;"
    echo "Python's spawn included, as in the floor):"
    echo
    cat "$work/times.md"
    echo
    echo "\`create\` ($((runs / 4)) runs of each, in turn, each after an untimed delete;"
    echo "through the wrapper):"
    echo
    cat "$work/create.md"
} >"$work/section.md"
python3 bench/update-section.py docs/performance.md "## Process start-up: one static binary" <"$work/section.md"
cat "$work/section.md"
