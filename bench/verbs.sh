#!/bin/sh
# The split verbs as containerd's shim calls them (create, start, state,
# delete), each timed alone, side by side with runc and crun in one
# hyperfine invocation per verb (its command list repeated ROUNDS times,
# bench/rounds.py, so host drift weighs on all three alike), plus the peak
# RSS of `create`. The bundle is a plain busybox one running /bin/true;
# ward runs it under the baseline policy (which fills its precompiled
# default-deny profile), runc and crun as they are. Writes its section of
# docs/performance.md (not a test).
#
# Each runtime runs through the same unshare wrapper as in bench/start.sh
# (crun needs this host's cgroup2 mount hidden; ward keeps it). Caches are
# not dropped (a shared host): these are warm figures. The wrapper alone
# (exec'ing /bin/true) is timed in each run, and each verb's ward/crun
# ratio is given raw and net of it. RUNS (default 30), ROUNDS (default 5).
set -eu
cd "$(dirname "$0")/.."
. bench/lib-runtimes.sh
bench_tools hyperfine runc crun
repo=$PWD
ward=$repo/build/ward
[ -x "$ward" ] || make -s -j2 all
work=$(mktemp -d /tmp/ward-bench-verbs.XXXXXX)
state=$(bench_state_dir)
cleanup() {
    for r in ward runc crun; do
        [ ! -x "$work/prep-$r" ] || "$work/prep-$r" gone
    done
    rm -rf "$work" "$state"
}
trap cleanup EXIT
runs=${RUNS:-30}
rounds=${ROUNDS:-5}

scripts/busybox-rootfs.sh "$work/bundle/rootfs"
"$ward" spec --bundle "$work/bundle"
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["process"]["args"] = ["/bin/true"]
config["process"]["terminal"] = False
# Debian 12's crun 1.8 refuses an ociVersion newer than it knows.
config["ociVersion"] = "1.0.2"
json.dump(config, open(sys.argv[1], "w"), indent=2)
PY

# rt NAME VERB ARGS...: one runtime's command line for a verb (what is timed).
rt() {
    name=$1
    shift
    case $name in
    ward) wrap_keep "$ward" --root "$state/ward" --policy "$repo/contrib/policies/baseline.json" "$@" ;;
    *) wrap "$name" --root "$state/$name" "$@" ;;
    esac
}
cmd() {
    case $2 in
    create) rt "$1" create --bundle "$work/bundle" "v-$1" ;;
    delete) rt "$1" delete --force "v-$1" ;;
    *) rt "$1" "$2" "v-$1" ;;
    esac
}
# The steps around a timed verb, as a script of their own (not timed):
# prep RUNTIME STEP... with steps gone (delete --force, errors ignored),
# create and start.
for r in ward runc crun; do
    {
        echo "#!/bin/sh"
        echo "for step; do case \$step in"
        echo "gone) $(cmd $r delete) >/dev/null 2>&1 || true ;;"
        echo "create) $(cmd $r create) >/dev/null ;;"
        echo "start) $(cmd $r start) >/dev/null ;;"
        echo "esac; done"
    } >"$work/prep-$r"
    chmod +x "$work/prep-$r"
done

# table VERB: one hyperfine run of VERB for the three runtimes, with the
# preparation that verb needs before each timed run.
table() {
    verb=$1
    set --
    for r in ward runc crun; do
        case $verb in
        create) prep="$work/prep-$r gone" ;;
        start) prep="$work/prep-$r gone create" ;;
        state) prep="true" ;;
        delete) prep="$work/prep-$r gone create start" ;;
        esac
        [ "$verb" = state ] && "$work/prep-$r" gone create 2>/dev/null
        set -- "$@" "$r" "$prep" "$(cmd $r $verb)"
    done
    set -- "$@" "wrapper alone" true "$(wrap_keep /bin/true)"
    python3 bench/rounds.py time "$rounds" "$runs" 1 "$work/$verb" "$@"
    for r in ward runc crun; do "$work/prep-$r" gone; done
    echo "#### \`$verb\`"
    echo
    cat "$work/$verb.md"
    echo
    python3 bench/rounds.py ratio "$work/$verb.json" "$verb" ward crun "wrapper alone"
    echo
}

# state_direct: `state` without the wrapper (it needs no cgroup, so crun
# runs it as it is), beside the floor of any short verb: busybox-static's
# `true`, a static binary that returns at once. What is left above the
# floor is the verb's own work.
state_direct() {
    for r in ward runc crun; do "$work/prep-$r" gone create 2>/dev/null; done
    python3 bench/rounds.py time "$rounds" "$((runs * 3))" 1 "$work/state-direct" \
        ward true "$ward --root $state/ward state v-ward" \
        runc true "runc --root $state/runc state v-runc" \
        crun true "crun --root $state/crun state v-crun" \
        floor true "/bin/busybox true"
    for r in ward runc crun; do "$work/prep-$r" gone; done
    echo "#### \`state\` without the wrapper, beside an exec floor"
    echo
    cat "$work/state-direct.md"
    echo
}

# rss NAME: the peak RSS (KiB) of one `create`, as /usr/bin/time reports it
# for the runtime's own process (the init it forks is counted apart). The
# binary is read back from disk first, as after a boot: how a file was
# written decides its page-cache folios and so how much each fault maps
# (ward fresh from the link: 4400 KiB; read back: 2468).
rss() {
    "$work/prep-$1" gone
    bin=$ward
    [ "$1" = ward ] || bin=$(command -v "$1")
    bench/drop-cached.sh "$bin"
    "$work/prep-$1" create gone
    # Output to files, not pipes: the container would hold a pipe open.
    /usr/bin/time -o "$work/rss" -f '%M' sh -c "$(cmd "$1" create)" >/dev/null 2>&1
    "$work/prep-$1" gone
    cat "$work/rss"
}
command -v /usr/bin/time >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null

{
    echo "## Split verbs: create, start, state, delete"
    echo
    echo "Measured by bench/verbs.sh (RUNS=$runs, ROUNDS=$rounds) on $(date -u +%Y-%m-%d), $(nproc) cores,"
    echo "kernel $(uname -r), load average $(cut -d' ' -f1 /proc/loadavg) at the start;"
    echo "ward $(git rev-parse --short HEAD 2>/dev/null || echo '?') (baseline policy), $(runc --version | head -1),"
    echo "$(crun --version | head -1). A busybox bundle running /bin/true; each verb"
    echo "timed alone, its preparation (delete, create, start) outside the timing."
    bench_state_note "$state"
    echo "\`wrapper alone\` is the unshare wrapper all three run behind (crun needs"
    echo "it on this hybrid-cgroup host), exec'ing /bin/true; the net ratios"
    echo "subtract its mean from both runtimes. Each table is one hyperfine run"
    echo "whose command list is given $rounds times over (bench/rounds.py), so host"
    echo "drift weighs on all alike; \`rounds\` is the range of the per-round ratios."
    echo
    for verb in create start state delete; do table $verb; done
    state_direct
    echo "Peak RSS of \`create\` (KiB, /usr/bin/time through the same wrapper; the"
    echo "largest process of the command): ward $(rss ward), runc $(rss runc), crun $(rss crun)."
} >"$work/section.md"
python3 bench/update-section.py docs/performance.md "## Split verbs: create, start, state, delete" <"$work/section.md"
cat "$work/section.md"
