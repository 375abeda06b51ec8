#!/bin/bash
# A container start through a real client: `ctr run --rm --runc-binary BIN`
# of busybox's /bin/true on a private containerd 1.6, with ward, runc and
# crun as the binary the runc shim calls, in one hyperfine invocation whose
# command list is repeated ROUNDS times (bench/rounds.py).
# What is timed is what a containerd user waits for: ctr asks the daemon,
# which unpacks nothing (the image is imported before), mounts the overlay
# snapshot, starts a shim, and the shim calls the runtime's create, start,
# state and delete verbs. Writes its section of docs/performance.md (not a
# test).
#
# The daemon, the image and the runtime wrappers are the clients lane's
# (tests/clients/lib.sh, containerd.sh): a private mount namespace with its
# own /run, state under a temp dir, everything stopped by the pid started.
# ward runs behind a one-line sh wrapper adding --policy baseline (what the
# clients lane does), crun behind the unshare wrapper that hides this host's
# cgroup2 mount from it, runc as it is. RUNS (default 30), ROUNDS (default 5).
set -u
cd "$(dirname "$0")/.."
export WARD_REPO=$PWD
. bench/lib-runtimes.sh
bench_tools hyperfine containerd runc crun umoci
[ -x build/ward ] || make -s -j2 all
. tests/clients/lib.sh
. tests/clients/containerd.sh
runs=${RUNS:-30}
logs=$CLIENT_TMP/logs
mkdir -p "$logs"

containerd_config >/dev/null
containerd_up bench || exit 1
image=ward.test/busybox:latest
ward_bin=$(ward_wrapper ward --policy "$(policy_file baseline)")
crun_bin=$(crun_wrapper)
runc_bin=$(command -v runc)

# ctr_run BINARY NAME: the timed command line (no shell function: hyperfine
# runs it with -N, so the line is the process it starts).
ctr_run() {
    echo "timeout -k 5 60 nsenter --target $containerd_pid --mount --" \
        "ctr --address $containerd_sock --namespace $containerd_ns" \
        "run --rm --runc-binary $1 $image bench-$2 /bin/true"
}

# One untimed start each first: a runtime that cannot run here fails the
# bench with its own words instead of a table of errors.
for name in ward runc crun; do
    bin_var=${name}_bin
    if ! out=$($(ctr_run "${!bin_var}" "$name") 2>&1); then
        echo "bench: ctr run with $name failed: $out" >&2
        exit 1
    fi
done

rounds=${ROUNDS:-5}
python3 bench/rounds.py time "$rounds" "$runs" 1 "$CLIENT_TMP/clients" \
    ward true "$(ctr_run "$ward_bin" ward)" \
    runc true "$(ctr_run "$runc_bin" runc)" \
    crun true "$(ctr_run "$crun_bin" crun)" >"$logs/hyperfine.out" 2>&1 ||
    {
        cat "$logs/hyperfine.out" >&2
        exit 1
    }
left=$(containerd_leftovers)
[ -n "$left" ] && echo "bench: left behind: $left" >&2

{
    echo "## Through a real client: ctr run"
    echo
    echo "Measured by bench/clients.sh (RUNS=$runs, ROUNDS=$rounds) on $(date -u +%Y-%m-%d), $(nproc) cores,"
    echo "kernel $(uname -r), load average $(cut -d' ' -f1 /proc/loadavg) at the start;"
    echo "ward $(git rev-parse --short HEAD 2>/dev/null || echo '?') (baseline policy), $(runc --version | head -1),"
    echo "$(crun --version | head -1), $(containerd --version | cut -d' ' -f2-3)."
    echo "\`ctr run --rm --runc-binary BIN\` of busybox's /bin/true (image imported"
    echo "before), on a private containerd: the daemon's snapshot mount, the runc"
    echo "shim, and the runtime's create, start, state and delete, as a containerd"
    echo "user waits for them. ward behind a one-line sh wrapper adding its policy,"
    echo "crun behind the unshare wrapper hiding cgroup2, runc as it is. The"
    echo "command list is given $rounds times over in one hyperfine run (bench/rounds.py)."
    echo
    cat "$CLIENT_TMP/clients.md"
} >"$CLIENT_TMP/section.md"
python3 bench/update-section.py docs/performance.md "## Through a real client: ctr run" <"$CLIENT_TMP/section.md"
cat "$CLIENT_TMP/section.md"
