# The configs Docker generates (sourced after daemons.sh), kept in
# tests/data/clients/ so that policies are derived from what Docker really
# asks for. Each is taken from the bundle of a container run with runc (the
# config does not depend on the runtime), with this run's paths and ids
# replaced by placeholders. A capture that differs from the kept file is
# reported on a note line (not a check: Docker's defaults are not ward's);
# CLIENTS_CAPTURE=1 rewrites the kept file instead.

# docker_capture_config NAME [RUN-FLAG...]: the config of
# `docker run RUN-FLAG... IMAGE sleep` into tests/data/clients/NAME.json.
docker_capture_config() {
    local name=$1 id short kept=$repo/tests/data/clients/$1.json
    local got=$docker_dir/capture/$1.json
    shift
    mkdir -p "$docker_dir/capture"
    id=$(dk run --detach --runtime runc "$@" "$docker_image" sleep 60 2>"$docker_dir/stderr")
    if [ -z "$id" ] || [ ! -f "$(docker_bundle "$id")/config.json" ]; then
        echo "note: $name: no config captured: $(tr '\n' ' ' <"$docker_dir/stderr")"
        [ -n "$id" ] && dk rm --force "$id" >/dev/null 2>&1
        return
    fi
    short=${id:0:12}
    python3 "$docker_tools/normalize-config.py" "$(docker_bundle "$id")/config.json" \
        "$docker_data=<data-root>" "$docker_exec=<exec-root>" \
        "/$docker_cgroup_parent/=<cgroup-parent>/" "$id=<id>" "$short=<short-id>" >"$got"
    dk rm --force "$id" >/dev/null 2>&1
    if [ "${CLIENTS_CAPTURE:-}" = 1 ]; then
        mkdir -p "${kept%/*}"
        cp "$got" "$kept"
        echo "note: $name: captured into ${kept#"$repo"/}"
    elif ! cmp -s "$got" "$kept"; then
        echo "note: $name: Docker's config differs from ${kept#"$repo"/} (CLIENTS_CAPTURE=1 rewrites it):"
        diff -u "$kept" "$got" 2>&1 | head -20 | sed 's/^/  /'
    fi
}
