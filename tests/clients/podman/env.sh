# Sourced by tests/clients/30-podman.sh and 60-trust.sh: podman's private
# roots, the environment that keeps every podman call private, and the
# helpers that run it (see 30-podman.sh for why each is there).
podman_image=localhost/ward-clients/busybox:latest
podman_cgroup_parent=/${CLIENT_TMP##*/}-podman

# podman_use DIR DRIVER: every later podman call of this case goes to the
# private roots under DIR with that storage driver (vfs unless a case asks
# for overlay). The environment makes a stray call private too (podman
# without it would create /var/lib/containers/storage, /run/libpod and
# /dev/shm/libpod_lock).
podman_use() {
    podman_dir=$1
    podman_driver=$2
    export CONTAINERS_CONF=$podman_dir/containers.conf
    export CONTAINERS_STORAGE_CONF=$podman_dir/storage.conf
    export CONTAINERS_REGISTRIES_CONF=$podman_dir/registries.conf
    # (podman's scratch files would go to /var/tmp)
    export TMPDIR=$podman_dir/tmp
    mkdir -p "$TMPDIR"
    podman_flags=(--root "$podman_dir/root" --runroot "$podman_dir/runroot" --tmpdir "$podman_dir/tmp"
        --storage-driver "$podman_driver" --cgroup-manager cgroupfs --events-backend file)
}
podman_use "$CLIENT_TMP/podman" vfs
pm() { podman "${podman_flags[@]}" "$@"; }

# pm_capture SECONDS ARGS...: pm ARGS with a time limit; sets $out, $err
# (stderr) and $rc.
pm_capture() {
    local limit=$1
    shift
    out=$(timeout -k 5 "$limit" podman "${podman_flags[@]}" "$@" 2>"$podman_dir/stderr")
    rc=$?
    err=$(cat "$podman_dir/stderr")
}

# The first lines of what podman printed on stderr, on one line: what a user
# saw when a check failed.
podman_said() {
    printf '%s' "$err" | grep -v '^\s*$' | head -3 | tr '\n' ' ' | cut -c1-500
}

