# containerd 1.6 through ctr, driving ward as it drives runc: the runc shim
# (io.containerd.runc.v2) calls `ctr run --runc-binary`'s binary with runc's
# command line. Each smoke check runs for ward (ok/FAIL, under the shipped
# baseline policy) and the same check for runc and crun (compare lines).
# Then the way contrib/containerd sets it up: its runtime handler merged
# into the daemon's config, the policy chosen by WARD_POLICY in the daemon's
# environment. And the config containerd generates for a default container
# is compared with tests/data/clients/containerd-default.json
# (CLIENTS_CAPTURE=1 rewrites that file instead).
. "$repo/tests/clients/containerd.sh"

if ! install containerd runc crun umoci busybox-static; then
    skip containerd "apt-get install containerd runc crun umoci busybox-static failed: $(tail -1 "$CLIENT_TMP/apt.log")"
    exit 0
fi

image=ward.test/busybox:latest
logs=$CLIENT_TMP/logs
mkdir -p "$logs"
baseline=$(policy_file baseline)
ward_bin=$(ward_wrapper ward --policy "$baseline")
crun_bin=$(crun_wrapper)
declare -A binary=([ward]=$ward_bin [runc]=$(command -v runc) [crun]=$crun_bin)

# contrib/containerd/config.toml as shipped, but for ward's path (this
# build's); its Root, /run/containerd/ward, is on the daemon's private /run.
mkdir -p "$containerd_dir"
sed "s|\"/usr/local/sbin/ward\"|\"$ward\"|" "$repo/contrib/containerd/config.toml" \
    >"$containerd_dir/ward.toml"
containerd_config "$containerd_dir/ward.toml" >/dev/null

# WARD_POLICY is how contrib/containerd/README.md has containerd's
# runtimes pick baseline; the wrapper's --policy wins over it for the smoke
# checks (ward's selection order), runc and crun ignore it.
containerd_up containerd "WARD_POLICY=$baseline" || exit 0

. "$repo/tests/clients/containerd-checks.sh"

# cgroup v1 controllers mounted beside cgroup2 (/sys/fs/cgroup/unified).
hybrid_host() {
    [ -d /sys/fs/cgroup/unified ] && grep -q ' cgroup ' /proc/self/mounts
}

# Each smoke check for each runtime: ward's verdict counts, runc's and
# crun's are printed beside it.
for check in run-exit-0 run-exit-code missing-command missing-path detached exec exec-tty \
    pause-resume ps metrics kill delete; do
    for runtime in ward runc crun; do
        why=""
        if "check_${check//-/_}" "${binary[$runtime]}" "$runtime" >"$logs/$runtime-$check.out" 2>&1; then
            verdict=ok
        else
            verdict=FAIL
            why=$(tail -1 "$logs/$runtime-$check.out")
        fi
        if [ "$runtime" != ward ]; then
            compare "$runtime" "containerd-$check" "$verdict${why:+ ($why)}"
        elif [ $verdict = FAIL ] && [ $check = metrics ] && hybrid_host; then
            # Known and open (issue 11): ward places a container in the
            # cgroup2 tree only; on a hybrid host the runc shim reads its
            # metrics from cgroup v1, where ward's containers have no group
            # of their own, so it reports the host's figures. Shown as a
            # skip with the reason, never as a pass; on a pure v2 host the
            # check counts.
            skip "containerd-$check" "hybrid cgroup host: the shim reads cgroup v1 metrics, ward manages only cgroup v2 ($why)"
        elif [ $verdict = ok ]; then
            ok "containerd-$check"
        else
            not_ok "containerd-$check" "$why"
        fi
    done
done

for check in handler-config handler-run default-config default-config-baseline; do
    if "check_${check//-/_}" >"$logs/$check.out" 2>&1; then
        ok "containerd-$check"
    else
        not_ok "containerd-$check" "$(tail -1 "$logs/$check.out")"
    fi
done

# Nothing of any container may be left once they are all deleted.
for id in $(ctrc containers list --quiet 2>/dev/null); do
    ctrc tasks delete --force "$id" >/dev/null 2>&1
    ctrc containers delete "$id" >/dev/null 2>&1
done
left=$(containerd_leftovers) || left="the leftovers check itself failed (exit $?)"
if [ -z "$left" ]; then ok containerd-leftovers; else not_ok containerd-leftovers "$(tr '\n' ' ' <<<"$left")"; fi
