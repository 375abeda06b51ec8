#!/bin/bash
# Saves the config Docker 20.10 generates for `docker run --privileged`
# into tests/data/audit/docker-privileged.json, the privileged config the
# audit goldens use. Not a test case (no NN- prefix): run it by hand, as
# root, from the repository (tests/audit/capture-docker-privileged.sh), when
# Docker's privileged defaults are to be captured again. It reuses the
# clients lane's private dockerd and its capture (tests/clients/docker/:
# the same placeholders for this run's paths and ids). runc cannot start a
# privileged container on a host whose own bounding set lacks capabilities
# ("unable to apply caps"), so the config is taken by a runtime wrapper
# that copies the bundle's config.json on create, then runs runc.
set -u
cd "$(dirname "$0")/../.."
export WARD_REPO=$PWD
. tests/clients/lib.sh
. tests/clients/docker/daemons.sh

if ! reason=$(docker_install); then
    echo "cannot capture: $reason"
    exit 1
fi
docker_image=ward-clients/busybox:latest
mkdir -p "$docker_dir"
saved=$CLIENT_TMP/privileged-config.json
wrapper=$CLIENT_TMP/bin/runc-save-config
mkdir -p "$CLIENT_TMP/bin"
cat >"$wrapper" <<SH
#!/bin/sh
# runc with the bundle's config.json saved first (create --bundle DIR).
prev=
for a in "\$@"; do
    [ "\$prev" = --bundle ] && [ ! -e $saved ] && cp "\$a/config.json" $saved
    prev=\$a
done
exec runc "\$@"
SH
chmod 0755 "$wrapper"
docker_daemon_json "$docker_dir/daemon.json" "save-config=$wrapper" || exit 1
trap 'docker_stop >/dev/null; cleanup_clients' EXIT
docker_start "$docker_dir/daemon.json" >"$docker_dir/start.out" || {
    cat "$docker_dir/start.out"
    exit 1
}
docker_load_busybox "$docker_image" >"$docker_dir/load.log" 2>&1 || {
    tail -3 "$docker_dir/load.log"
    exit 1
}
id=$(dk create --runtime save-config --privileged "$docker_image" sleep 60)
dk start "$id" >/dev/null 2>&1 # may fail here (see above): the config is saved before
dk rm --force "$id" >/dev/null 2>&1
[ -s "$saved" ] || {
    echo "no config captured"
    exit 1
}
python3 "$docker_tools/normalize-config.py" "$saved" \
    "$docker_data=<data-root>" "$docker_exec=<exec-root>" \
    "/$docker_cgroup_parent/=<cgroup-parent>/" "$id=<id>" "${id:0:12}=<short-id>" \
    >tests/data/audit/docker-privileged.json
echo "captured tests/data/audit/docker-privileged.json"
