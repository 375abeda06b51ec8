#!/bin/bash
# The rootless lane: ward run by an unprivileged user. Run as root: it
# creates a user of its own (ward-rl-<pid>, no subordinate ids, its home in
# a temp dir) and removes it again however the run ends, then runs ward as
# that user (setpriv) with XDG_RUNTIME_DIR a 0700 dir of theirs: spec
# --rootless, run, create/start/exec/kill/delete, the read-only root,
# seccomp, masked paths, the network namespace, limits without a delegated
# cgroup, --systemd-cgroup without a user manager, and an image imported
# into the user's own store and run. From outside, the container's
# processes must belong to the user's uid.
# Prints "ok NAME", "FAIL NAME: why", "skip NAME: why", then "test cases
# skipped: N" and last "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
W=$(realpath "${WARD:-build/ward}")
repo=$PWD
pass=0 fail=0 skipped=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
skip() { echo "skip $1: $2"; skipped=$((skipped + 1)); }
finish() {
    echo "test cases skipped: $skipped"
    echo "$pass passed, $fail failed"
}

if [ "$(id -u)" != 0 ]; then
    skip rootless "needs root to create and remove a test user"
    finish
    exit 0
fi
for tool in useradd userdel setpriv jq umoci; do
    if ! command -v $tool >/dev/null; then
        skip rootless "$tool not installed"
        finish
        exit 0
    fi
done

user=ward-rl-$$
tmp=$(mktemp -d /tmp/ward-rootless.XXXXXX)
chmod 0711 "$tmp"
home=$tmp/home
run=$home/run
ids=()

# Whatever happens: every container of the user deleted (by its state, as
# the user), any process still of the user's uid killed by pid, then the
# user and the temp dir removed.
cleanup() {
    if id "$user" >/dev/null 2>&1; then
        for id in "${ids[@]}"; do
            as_user "$W" delete --force "$id" >/dev/null 2>&1
        done
        local uid
        uid=$(id -u "$user")
        for status in /proc/[0-9]*/status; do
            if awk -v u="$uid" '/^Uid:/ { exit !($2 == u) }' "$status" 2>/dev/null; then
                pid=${status#/proc/}
                kill -9 "${pid%/status}" 2>/dev/null
            fi
        done
        userdel "$user" >/dev/null 2>&1 || echo "warning: userdel $user failed" >&2
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# useradd grants the user a range in /etc/subuid and /etc/subgid (its
# default), which userdel takes away again.
if ! useradd -M -d "$home" -s /bin/sh "$user"; then
    skip rootless "useradd $user failed"
    finish
    exit 0
fi
uid=$(id -u "$user")
gid=$(id -g "$user")
mkdir -p "$home"
chown "$user:" "$home"
chmod 0700 "$home"

as_user() {
    (cd "$home" && setpriv --reuid "$uid" --regid "$gid" --init-groups \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" XDG_RUNTIME_DIR="$run" \
        timeout 60 "$@")
}
# ward as the user; stdout in $home/out, stderr in $home/err.
ward() {
    as_user "$W" "$@" >"$tmp/out" 2>"$tmp/err"
}
out() { cat "$tmp/out"; }
err() { tr '\n' ' ' <"$tmp/err" | cut -c1-400; }

as_user mkdir -m 0700 "$run"
# The user's bundle: busybox, theirs.
"$repo/scripts/busybox-rootfs.sh" "$home/b/rootfs" >/dev/null
chown -R "$user:" "$home/b"
# The hardened policy, with plain bundles allowed (the trust step is the
# image case's): the rules judge the config as they would any other.
jq '.trust.unverified = "allow"' contrib/policies/hardened.json >"$tmp/hardened-bundles.json"
chmod 0644 "$tmp/hardened-bundles.json"
P=(--policy "$tmp/hardened-bundles.json")

# set_args JSON-ARRAY: the bundle's process.args.
set_args() {
    jq --argjson a "$1" '.process.args = $a' "$home/b/config.json" >"$tmp/config.json" &&
        cp "$tmp/config.json" "$home/b/config.json"
}

# spec --rootless: the caller mapped to 0, a user namespace, the network
# namespace kept (the hardened policy requires one), no resources.
if ward spec --rootless -b "$home/b"; then
    c=$home/b/config.json
    if [ "$(jq -c '.linux.uidMappings' "$c")" = "[{\"containerID\":0,\"hostID\":$uid,\"size\":1}]" ] &&
        [ "$(jq -c '.linux.gidMappings' "$c")" = "[{\"containerID\":0,\"hostID\":$gid,\"size\":1}]" ] &&
        jq -e '[.linux.namespaces[].type] | index("user") and index("network")' "$c" >/dev/null &&
        jq -e '.linux.resources == null' "$c" >/dev/null &&
        ! grep -q '"gid=' "$c"; then
        ok spec_rootless
    else
        bad spec_rootless "unexpected config: $(jq -c '.linux | {uidMappings, gidMappings, namespaces, resources}' "$c")"
    fi
else
    bad spec_rootless "exit $?: $(err)"
fi

# run in the foreground: root in the container, state under XDG_RUNTIME_DIR.
set_args '["sh","-c","id -u; id -g"]'
if ward "${P[@]}" run -b "$home/b" r1 && [ "$(out | tr '\n' ' ')" = "0 0 " ]; then
    ok run_foreground
else
    bad run_foreground "out: $(out | tr '\n' ' ') err: $(err)"
fi

# create, start, the init's owner from outside, exec, kill, delete.
set_args '["sleep","1000"]'
ids+=(c1)
if ! ward "${P[@]}" create -b "$home/b" c1; then
    bad lifecycle_create "exit: $(err)"
else
    ok lifecycle_create
    state=$run/ward/c1
    if [ -d "$state" ] && [ "$(stat -c %u "$state")" = "$uid" ]; then
        ok state_in_xdg_runtime_dir
    else
        bad state_in_xdg_runtime_dir "$state missing or not owned by $uid"
    fi
    ward state c1
    pid=$(jq -r .pid "$tmp/out" 2>/dev/null)
    [ "$(jq -r .status "$tmp/out" 2>/dev/null)" = created ] && ok lifecycle_created ||
        bad lifecycle_created "$(out)"
    if ward start c1 && ward state c1 && [ "$(jq -r .status "$tmp/out")" = running ]; then
        ok lifecycle_start
    else
        bad lifecycle_start "$(out) $(err)"
    fi
    host_uid=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status" 2>/dev/null)
    if [ "$host_uid" = "$uid $uid $uid $uid" ]; then
        ok init_owned_by_user
    else
        bad init_owned_by_user "/proc/$pid/status Uid: $host_uid (want $uid)"
    fi
    if ward exec c1 sh -c 'echo in-container; id -u' &&
        [ "$(out | tr '\n' ' ')" = "in-container 0 " ]; then
        ok exec
    else
        bad exec "out: $(out) err: $(err)"
    fi
    ward exec -d --pid-file "$home/exec.pid" c1 sleep 1000
    epid=$(cat "$home/exec.pid" 2>/dev/null)
    eu=$(awk '/^Uid:/ { print $2 }' "/proc/$epid/status" 2>/dev/null)
    [ -n "$epid" ] && [ "$eu" = "$uid" ] && ok exec_owned_by_user ||
        bad exec_owned_by_user "exec'd pid ${epid:-none}: Uid $eu (want $uid): $(err)"
    if ward kill c1 KILL; then
        for _ in $(seq 50); do
            ward state c1
            [ "$(jq -r .status "$tmp/out")" = stopped ] && break
            sleep 0.1
        done
        [ "$(jq -r .status "$tmp/out")" = stopped ] && ok kill || bad kill "status: $(out)"
    else
        bad kill "$(err)"
    fi
    if ward delete c1 && [ ! -e "$state" ]; then
        ok delete
    else
        bad delete "$(err); $state: $(ls -d "$state" 2>&1)"
    fi
fi

# list shows the user's containers from the default root; delete --force
# ends a running one.
set_args '["sleep","1000"]'
ids+=(c2)
if ward "${P[@]}" run -d -b "$home/b" c2 && ward state c2; then
    pid=$(jq -r .pid "$tmp/out")
    if ward list -q && [ "$(out)" = c2 ]; then
        ok list
    else
        bad list "out: $(out) err: $(err)"
    fi
    # Gone, or a zombie its new parent has not reaped yet.
    alive() { awk '/^State:/ { exit ($2 == "Z") }' "/proc/$pid/status" 2>/dev/null; }
    if ward delete --force c2 && [ ! -e "$run/ward/c2" ]; then
        for _ in $(seq 50); do alive || break; sleep 0.1; done
        alive && bad delete_force "pid $pid still runs: $(grep ^State: "/proc/$pid/status")" ||
            ok delete_force
    else
        bad delete_force "$(err)"
    fi
else
    bad list "run -d: $(err)"
fi

# The hardened policy's filling, enforced by the kernel: read-only root,
# the default-deny filter, masked paths.
set_args '["sh","-c","touch /probe 2>/dev/null && echo writable || echo read-only"]'
if ward "${P[@]}" run -b "$home/b" r2 && [ "$(out)" = read-only ]; then
    ok readonly_root
else
    bad readonly_root "out: $(out) err: $(err)"
fi
set_args '["sh","-c","grep ^Seccomp: /proc/self/status; grep ^NoNewPrivs: /proc/self/status"]'
if ward "${P[@]}" run -b "$home/b" r3 &&
    [ "$(out | tr -s '\t ' ' ' | tr '\n' ' ')" = "Seccomp: 2 NoNewPrivs: 1 " ]; then
    ok seccomp
else
    bad seccomp "out: $(out) err: $(err)"
fi
set_args '["sh","-c","wc -c < /proc/timer_list; ls /sys/firmware | wc -l; echo x > /proc/sysrq-trigger 2>/dev/null || echo ro"]'
if ward "${P[@]}" run -b "$home/b" r4 && [ "$(out | tr -d ' ' | tr '\n' ' ')" = "0 0 ro " ]; then
    ok masked_paths
else
    bad masked_paths "out: $(out | tr '\n' ' ') err: $(err)"
fi

# /dev's nodes: no mknod in a user namespace, so the host's are bound.
set_args '["sh","-c","echo x > /dev/null && head -c 3 /dev/zero | wc -c && stat -c %t:%T /dev/null"]'
if ward "${P[@]}" run -b "$home/b" r10 && [ "$(out | tr -d ' ' | tr '\n' ' ')" = "3 1:3 " ]; then
    ok standard_devices
else
    bad standard_devices "out: $(out | tr '\n' ' ') err: $(err)"
fi
# setgroups is denied with a one-id gid mapping: additionalGids are
# ignored, and said to be.
jq '.process.args = ["true"] | .process.user.additionalGids = [0]' "$home/b/config.json" >"$tmp/groups.json"
cp "$home/b/config.json" "$tmp/before-groups.json"
cp "$tmp/groups.json" "$home/b/config.json"
if ward "${P[@]}" run -b "$home/b" r11 && grep -q 'additionalGids ignored: setgroups is denied' "$tmp/err"; then
    ok additional_gids_warned
else
    bad additional_gids_warned "err: $(err)"
fi
cp "$tmp/before-groups.json" "$home/b/config.json"

# A network namespace of its own, owned by the user namespace: sysfs
# mounted, only loopback, nothing changed on the host.
links_before=$(ls /sys/class/net | sort | tr '\n' ' ')
set_args '["sh","-c","ls /sys/class/net; grep -c \" /sys sysfs \" /proc/mounts"]'
if ward "${P[@]}" run -b "$home/b" r5 && [ "$(out | tr '\n' ' ')" = "lo 1 " ] &&
    [ "$(ls /sys/class/net | sort | tr '\n' ' ')" = "$links_before" ]; then
    ok network_namespace
else
    bad network_namespace "out: $(out | tr '\n' ' ') err: $(err)"
fi

# No cgroup is delegated here (no systemd): a limit is the policy's
# unavailableLimits call, refused by hardened, warned about by compat.
set_args '["true"]'
jq '.linux.resources = {"pids": {"limit": 64}}' "$home/b/config.json" >"$tmp/limited.json"
cp "$home/b/config.json" "$tmp/plain.json"
cp "$tmp/limited.json" "$home/b/config.json"
if ! ward "${P[@]}" run -b "$home/b" r6 &&
    grep -q 'linux.resources.pids.limit cannot be applied: rootless: no cgroup is delegated to uid' "$tmp/err"; then
    ok limits_refused_without_cgroup
else
    bad limits_refused_without_cgroup "err: $(err)"
fi
if ward --policy "$repo/contrib/policies/compat.json" run -b "$home/b" r7 &&
    grep -q 'pids.limit cannot be applied: rootless: no cgroup is delegated.*not applied' "$tmp/err"; then
    ok limits_warned_without_cgroup
else
    bad limits_warned_without_cgroup "err: $(err)"
fi
cp "$tmp/plain.json" "$home/b/config.json"

# --systemd-cgroup needs the user's own systemd manager (user@UID.service;
# the systemd vm guest runs containers through one), and this host has no
# systemd at all: create fails saying what to start, and leaves nothing
# (the check after the range cases). A session bus address ward cannot
# use is named.
set_args '["true"]'
if ! ward "${P[@]}" --systemd-cgroup run -b "$home/b" r12 &&
    grep -q "(rootless) and needs that user's own systemd manager" "$tmp/err" &&
    grep -q "neither $run/systemd/private nor $run/bus exists" "$tmp/err" &&
    grep -q 'loginctl enable-linger' "$tmp/err"; then
    ok systemd_cgroup_without_user_manager
else
    bad systemd_cgroup_without_user_manager "err: $(err)"
fi
if ! as_user env DBUS_SESSION_BUS_ADDRESS=tcp:host=localhost,port=1 "$W" "${P[@]}" \
    --systemd-cgroup run -b "$home/b" r13 >"$tmp/out" 2>"$tmp/err" &&
    grep -q 'D-Bus address "tcp:host=localhost,port=1" has no unix:path=' "$tmp/err"; then
    ok systemd_cgroup_session_bus_address_named
else
    bad systemd_cgroup_session_bus_address_named "err: $(err)"
fi
# Without a user namespace an unprivileged create is refused, saying why.
jq '.linux.namespaces |= map(select(.type != "user")) | del(.linux.uidMappings, .linux.gidMappings)' \
    "$tmp/plain.json" >"$home/b/config.json"
if ! ward "${P[@]}" run -b "$home/b" r8 && grep -q 'needs a new user namespace' "$tmp/err"; then
    ok no_user_namespace_refused
else
    bad no_user_namespace_refused "err: $(err)"
fi
# A range needs newuidmap and a grant in /etc/subuid: ids 1-1000 of the
# host are granted to nobody.
jq --argjson u "$uid" '.linux.uidMappings = [{"containerID":0,"hostID":$u,"size":1},{"containerID":1,"hostID":1,"size":1000}]' \
    "$tmp/plain.json" >"$home/b/config.json"
if ward "${P[@]}" run -b "$home/b" r9; then
    bad range_without_grant_refused "ran: $(out)"
elif grep -q 'linux.uidMappings.*newuidmap' "$tmp/err"; then
    ok range_without_grant_refused
else
    bad range_without_grant_refused "err: $(err)"
fi
# The user's own range, through newuidmap/newgidmap: container ids 1..
# are the granted host ids, setgroups stays allowed.
subuid=$(awk -F: -v u="$user" '$1 == u { print $2; exit }' /etc/subuid)
subgid=$(awk -F: -v u="$user" '$1 == u { print $2; exit }' /etc/subgid)
if [ -z "$(command -v newuidmap)" ] || [ -z "$(command -v newgidmap)" ]; then
    skip range_mapping "newuidmap/newgidmap not installed (package uidmap)"
elif [ -z "$subuid" ] || [ -z "$subgid" ]; then
    skip range_mapping "useradd granted $user no range in /etc/subuid, /etc/subgid"
else
    jq --argjson u "$uid" --argjson g "$gid" --argjson su "$subuid" --argjson sg "$subgid" '
        .linux.uidMappings = [{"containerID":0,"hostID":$u,"size":1},{"containerID":1,"hostID":$su,"size":65536}]
        | .linux.gidMappings = [{"containerID":0,"hostID":$g,"size":1},{"containerID":1,"hostID":$sg,"size":65536}]
        | .process.user = {"uid": 1000, "gid": 1000, "additionalGids": [1001]}
        | .process.args = ["sleep", "1000"]' "$tmp/plain.json" >"$home/b/config.json"
    ids+=(m1)
    if ward "${P[@]}" run -d -b "$home/b" m1 && ward state m1; then
        pid=$(jq -r .pid "$tmp/out")
        got=$(awk '/^Uid:/ { print $2 } /^Gid:/ { print $2 } /^Groups:/ { print $2 }' "/proc/$pid/status" | tr '
' ' ')
        want="$((subuid + 999)) $((subgid + 999)) $((subgid + 1000)) "
        [ "$got" = "$want" ] && ok range_mapping || bad range_mapping "Uid Gid Groups: $got (want $want)"
        ward kill m1 KILL
        for _ in $(seq 50); do
            ward state m1
            [ "$(jq -r .status "$tmp/out")" = stopped ] && break
            sleep 0.1
        done
        ward delete m1 || bad range_mapping_delete "$(err)"
    else
        bad range_mapping "$(err)"
    fi
fi
cp "$tmp/plain.json" "$home/b/config.json"
if [ -z "$(ls "$run/ward" 2>/dev/null | grep -v '^@')" ]; then
    ok failed_creates_leave_nothing
else
    bad failed_creates_leave_nothing "left in $run/ward: $(ls "$run/ward")"
fi

# An image in the user's own store (the default: ~/.local/share/ward),
# signed by a key of theirs, run under hardened trusting that key.
"$repo/scripts/busybox-image.sh" "$home/layout:v1" >/dev/null &&
    umoci config --image "$home/layout:v1" --config.cmd sh --config.cmd -c \
        --config.cmd 'echo image uid=$(id -u); stat -c %u /bin/busybox' >/dev/null
chown -R "$user:" "$home/layout"
jq --arg k "$home/key.pub" '.trust.default = [{"type": "sigstoreSigned", "keyPath": $k}]' \
    contrib/policies/hardened.json >"$tmp/trusting.json"
chmod 0644 "$tmp/trusting.json"
T=(--policy "$tmp/trusting.json")
if ward key generate --out "$home/key" && ward image sign --key "$home/key.key" "$home/layout:v1" &&
    ward "${T[@]}" image import "$home/layout:v1"; then
    store=$home/.local/share/ward
    if [ "$(stat -c '%u %a' "$store")" = "$uid 700" ]; then
        ok image_import_to_user_store
    else
        bad image_import_to_user_store "$store: $(stat -c '%u %a' "$store" 2>&1)"
    fi
    ids+=(i1)
    if ward "${T[@]}" run --image localhost/layout:v1 i1 &&
        [ "$(out | tr '\n' ' ')" = "image uid=0 0 " ]; then
        ok image_run
    else
        bad image_run "out: $(out | tr '\n' ' ') err: $(err)"
    fi
    # --writable: an overlay on the store's rootfs, its upper layer in the
    # state dir; the store is not written.
    # (hardened refuses a writable root; this policy only warns.)
    jq '.rules.readonlyRoot.action = "warn"' "$tmp/trusting.json" >"$tmp/writable.json"
    chmod 0644 "$tmp/writable.json"
    ids+=(i2)
    if ward --policy "$tmp/writable.json" run --writable --image localhost/layout:v1 i2 sh -c 'echo new > /etc/added && cat /etc/added' &&
        [ "$(out)" = new ] && ! ls "$store"/images/sha256/*/rootfs/etc/added >/dev/null 2>&1; then
        ok image_run_writable
    else
        bad image_run_writable "out: $(out | tr '\n' ' ') err: $(err)"
    fi
else
    bad image_import_to_user_store "$(err)"
fi
# A store the user does not own is not theirs to trust.
if ! ward --store /var/lib image ls && grep -q 'must be owned by uid' "$tmp/err"; then
    ok foreign_store_refused
else
    bad foreign_store_refused "err: $(err)"
fi

finish
