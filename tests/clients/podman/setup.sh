# Sourced by tests/clients/30-podman.sh: podman's private configuration, the
# runtime wrappers, the image, and the teardown that leaves nothing behind.

# Runtimes podman calls, each with a state dir of its own under $podman_dir
# (the name podman sees is the file's name: it decides --log-format=json and
# --cgroup-manager disabled from the runtime_supports_* lists by that name).
podman_wrappers() {
    mkdir -p "$podman_dir/bin"
    podman_ward=$(ward_wrapper ward --root "$podman_dir/state/ward" --policy "$(policy_file baseline)")
    # The containers.conf way: the policy comes from WARD_POLICY (below),
    # only the state dir is this run's.
    podman_ward_conf=$(ward_wrapper ward-conf --root "$podman_dir/state/ward-conf")
    local crun_path
    crun_path=$(crun_wrapper)
    printf '#!/bin/sh\nexec runc --root %q "$@"\n' "$podman_dir/state/runc" >"$podman_dir/bin/runc"
    printf '#!/bin/sh\nexec %q --root %q "$@"\n' "$crun_path" "$podman_dir/state/crun" \
        >"$podman_dir/bin/crun"
    chmod 0755 "$podman_dir/bin/runc" "$podman_dir/bin/crun"
}

# The nofile limit podman asks for by default (1048576) is above this host's
# hard limit, and raising a hard limit needs CAP_SYS_RESOURCE, which this
# machine does not give root: every runtime's create fails ("setrlimit
# RLIMIT_NOFILE: operation not permitted"). Where that is so, ask for what the
# host allows; naming nofile makes podman drop its nproc default (32768) for
# 1048576, so that is named too. Prints a TOML line, or nothing.
podman_ulimits_line() {
    local hard_nofile capeff
    hard_nofile=$(ulimit -Hn)
    capeff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
    if (((0x$capeff >> 24) & 1)) ||
        { [ "$hard_nofile" = unlimited ] || [ "$hard_nofile" -ge 1048576 ]; }; then
        return 0
    fi
    echo "default_ulimits = [\"nofile=$hard_nofile:$hard_nofile\", \"nproc=32768:32768\"]"
}

# containers.conf as a user of contrib/podman has it: the distribution's
# defaults, then contrib/podman/containers.conf as the drop-in the README
# installs (paths pointed at this build and this run's policy), then what
# keeps this run private. CONTAINERS_CONF makes podman read this one file
# only, so the three are merged the way podman merges drop-ins.
podman_config() {
    local base=/usr/share/containers/containers.conf files=()
    [ -f "$base" ] && files+=("$base")
    sed -e "s|/usr/local/sbin/ward|$podman_ward_conf|" \
        -e "s|/etc/ward/baseline.json|$(policy_file baseline)|" \
        "$repo/contrib/podman/containers.conf" >"$podman_dir/contrib.conf"
    cat >"$podman_dir/private.conf" <<EOF
[containers]
netns = "none"
$(podman_ulimits_line)
[network]
network_config_dir = "$podman_dir/cni"
[engine]
lock_type = "file"
tmp_dir = "$podman_dir/tmp"
static_dir = "$podman_dir/root/libpod"
volume_path = "$podman_dir/root/volumes"
image_copy_tmp_dir = "$podman_dir/tmp"
events_logfile_path = "$podman_dir/tmp/events.log"
EOF
    python3 "$podman_tools/merge-toml.py" "${files[@]}" "$podman_dir/contrib.conf" \
        "$podman_dir/private.conf" >"$CONTAINERS_CONF" || return 1
    cat >"$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "$podman_driver"
graphroot = "$podman_dir/root"
runroot = "$podman_dir/runroot"
EOF
    echo 'unqualified-search-registries = []' >"$CONTAINERS_REGISTRIES_CONF"
}

# The image: busybox-static's tree, imported from a tar. containers/image
# records every blob it copies in /var/lib/containers/cache when run as root,
# whatever --root says, so the import runs in a mount namespace of its own
# where /var/lib is an empty tmpfs: the host's cache is never written.
podman_image_import() {
    "$repo/scripts/busybox-rootfs.sh" "$podman_dir/rootfs" &&
        tar -C "$podman_dir/rootfs" -c . |
        unshare -m --propagation private sh -c 'mount -t tmpfs -o mode=0755 podman-import /var/lib &&
            exec "$@"' sh podman "${podman_flags[@]}" import --change 'CMD ["/bin/sleep", "3600"]' \
                - "$podman_image" >/dev/null 2>"$podman_dir/import.err"
}

podman_setup() {
    mkdir -p "$podman_dir"/{root,runroot,tmp,cni,state} || return 1
    podman_wrappers
    if ! podman_config; then
        not_ok podman-setup "containers.conf could not be merged"
        return 1
    fi
    if ! podman_image_import; then
        not_ok podman-setup "podman import failed: $(head -3 "$podman_dir/import.err")"
        return 1
    fi
}

# Every process still in this run's cgroups (containers, conmon, the
# cleanup podman conmon starts) after up to 5 s for them to finish: a leak.
podman_leftover_pids() {
    local pids
    for _ in $(seq 50); do
        pids=$(cat /sys/fs/cgroup/*"$podman_cgroup_parent"/{,*/}cgroup.procs 2>/dev/null | sort -u)
        [ -z "$pids" ] && return 0
        sleep 0.1
    done
    echo $pids
}

# At exit: remove every container of this run, then the cgroup parent podman
# and the runtimes made under each hierarchy (podman never removes its
# conmon cgroups). Anything that needed force is reported.
podman_teardown() {
    timeout -k 5 60 podman "${podman_flags[@]}" rm -a -f -t 0 >/dev/null 2>&1
    local pids dir
    pids=$(podman_leftover_pids)
    if [ -n "$pids" ]; then
        not_ok podman-teardown "processes left in $podman_cgroup_parent: $(echo $pids)"
        for pid in $pids; do kill -KILL "$pid" 2>/dev/null; done
        sleep 0.5
    fi
    for dir in /sys/fs/cgroup/*"$podman_cgroup_parent"; do
        [ -d "$dir" ] || continue
        find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
        [ -d "$dir" ] && not_ok podman-teardown "cgroup $dir could not be removed"
    done
}
