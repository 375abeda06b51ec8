#!/bin/bash
# Load: CYCLES create/start/wait/delete cycles, WIDTH at a time, for each
# runtime in RUNTIMES (ward, runc, crun) side by side: containers per second,
# exit statuses that came out wrong, and what is left afterwards (state
# dirs, mounts, cgroups, processes). Half the cycles are create, start, a
# wait on `state` until stopped, delete (how containerd drives a runtime);
# the other half `run`, whose exit status must be the one the container
# chose. With CHECK=1 (the load lane of make check: 200 cycles 8-wide, ward
# only) it prints one ok/FAIL line per assertion and "N passed, N failed".
#
# Usage: bench/load.sh (CYCLES=1000 WIDTH=16 RUNTIMES="ward runc crun")
set -u
cd "$(dirname "$0")/.."
repo=$PWD
CYCLES=${CYCLES:-1000}
WIDTH=${WIDTH:-16}
RUNTIMES=${RUNTIMES:-ward runc crun}
CHECK=${CHECK:-0}
ward=${WARD:-$repo/build/ward}
work=$(mktemp -d /tmp/ward-load.XXXXXX)
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok $1"; }
not_ok() { fail=$((fail + 1)); echo "FAIL $1: $2"; }
cleanup() {
    # Whatever a failed run left: by this run's own ids and root dirs.
    for rt in $RUNTIMES; do
        for id in $(ls "$work/root-$rt" 2>/dev/null); do
            runtime_cmd "$rt" delete --force "$id" >/dev/null 2>&1
        done
    done
    grep -q " $work" /proc/self/mountinfo || rm -rf "$work"
}
trap cleanup EXIT

for tool in $RUNTIMES; do
    [ "$tool" = ward ] && continue
    command -v "$tool" >/dev/null || DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$tool" >/dev/null 2>&1 || {
        echo "load: cannot install $tool"
        exit 1
    }
done

scripts/busybox-rootfs.sh "$work/bundle/rootfs"
"$ward" spec --bundle "$work/bundle"
# The exit status comes from the id's number (cycle N exits N % 200); crun
# 1.8 refuses an ociVersion newer than it knows.
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["process"]["args"] = ["/bin/sh", "-c", "exit $CODE"]
config["ociVersion"] = "1.0.2"
json.dump(config, open(sys.argv[1], "w"), indent=2)
PY

# crun refuses this hybrid host's cgroup layout unless the cgroup2 mount is
# hidden from it (bench/start.sh does the same).
runtime_cmd() {
    local rt=$1
    shift
    case $rt in
    ward) "$ward" --policy "$repo/contrib/policies/baseline.json" --root "$work/root-ward" "$@" ;;
    crun) unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun "$@"' crun --root "$work/root-crun" "$@" ;;
    *) "$rt" --root "$work/root-$rt" "$@" ;;
    esac
}

# One cycle: prints "bad N: why" when something went wrong, nothing else.
cycle() {
    local rt=$1 n=$2 id="load-$1-$2" code=$(($2 % 200)) bundle="$work/bundles/$2"
    # A bundle per cycle sharing the rootfs: the exit code is in the config.
    mkdir -p "$bundle"
    sed "s|\"rootfs\"|\"$work/bundle/rootfs\"|; s|exit \$CODE|exit $code|" \
        "$work/bundle/config.json" >"$bundle/config.json"
    if [ $((n % 2)) = 0 ]; then
        runtime_cmd "$rt" create -b "$bundle" "$id" </dev/null >/dev/null 2>"$bundle/err" ||
            { echo "bad $n: create: $(head -c 300 "$bundle/err")"; return; }
        runtime_cmd "$rt" start "$id" 2>"$bundle/err" || { echo "bad $n: start: $(head -c 300 "$bundle/err")"; }
        local i status
        for i in $(seq 500); do
            status=$(runtime_cmd "$rt" state "$id" 2>/dev/null | grep -o '"status": *"[a-z]*"' | grep -o '[a-z]*"$')
            [ "$status" = 'stopped"' ] && break
            sleep 0.02
        done
        [ "$status" = 'stopped"' ] || echo "bad $n: never stopped (state: $status)"
        runtime_cmd "$rt" delete "$id" 2>"$bundle/err" || echo "bad $n: delete: $(head -c 300 "$bundle/err")"
    else
        runtime_cmd "$rt" run -b "$bundle" "$id" </dev/null >/dev/null 2>"$bundle/err"
        local got=$?
        [ "$got" = "$code" ] || echo "bad $n: run exited $got, the container chose $code: $(head -c 300 "$bundle/err")"
    fi
    rm -rf "$bundle"
}
export -f cycle runtime_cmd
export work ward repo

leftovers() { # RUNTIME: one line per thing left
    local rt=$1
    # (ward's compiled-profile cache, ROOT/@seccomp, is kept on purpose)
    ls "$work/root-$rt" 2>/dev/null | grep -vx @seccomp | sed 's/^/state dir /'
    grep " $work/" /proc/self/mountinfo | sed 's/^/mount /'
    find /sys/fs/cgroup -maxdepth 4 -type d -name "load-$rt-*" 2>/dev/null | sed 's/^/cgroup /'
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$work/bundle/rootfs" ] && echo "process ${p#/proc/}"
    done
}

printf '| runtime | cycles | width | seconds | containers/s | wrong | leftovers |\n'
printf '|---|---|---|---|---|---|---|\n'
for rt in $RUNTIMES; do
    start=$(date +%s.%N)
    seq "$CYCLES" | xargs -P "$WIDTH" -I{} bash -c "cycle $rt {}" >"$work/bad-$rt" 2>&1
    end=$(date +%s.%N)
    left=$(leftovers "$rt")
    secs=$(awk "BEGIN { print $end - $start }")
    rate=$(awk "BEGIN { print $CYCLES / $secs }")
    printf '| %s | %d | %d | %.1f | %.1f | %d | %d |\n' "$rt" "$CYCLES" "$WIDTH" "$secs" "$rate" \
        "$(grep -c '^bad' "$work/bad-$rt")" "$(printf '%s' "$left" | grep -c .)"
    if [ "$CHECK" = 1 ]; then
        if [ -s "$work/bad-$rt" ]; then
            not_ok "$rt: every cycle right" "$(wc -l <"$work/bad-$rt") wrong, first: $(head -n 3 "$work/bad-$rt")"
        else
            ok "$rt: $CYCLES cycles $WIDTH-wide, every exit status and state right"
        fi
        if [ -n "$left" ]; then
            not_ok "$rt: nothing left" "$(echo "$left" | head -n 5)"
        else
            ok "$rt: no state dir, mount, cgroup or process left"
        fi
    else
        head -n 5 "$work/bad-$rt" | sed 's/^/  /'
    fi
done
if [ "$CHECK" = 1 ]; then
    echo "$pass passed, $fail failed"
    [ "$fail" = 0 ]
fi
