#!/bin/bash
# Schema lane: what ward prints must match the OCI schemas.
#   - the validator itself (spec examples, hand-made good and bad documents)
#   - `ward spec` and `ward spec --rootless` against config-schema.json
#   - `ward features` against features-schema.json
#   - `ward state ID` of a created busybox container against state-schema.json
# One line per check ("ok ..." / "FAIL ..."), then "N passed, N failed".
#
# WARD (default build/ward) is the binary under test; WARD_GLOBAL_ARGS adds
# global options to create/state/delete (e.g. a policy that admits an
# unsigned test bundle). The runtime-spec is ../shared/oci-runtime-spec, else
# $WARD_SPEC_DIR.
set -u
cd "$(dirname "$0")/../.."
repo=$PWD
ward=${WARD:-$repo/build/ward}
# Without WARD_GLOBAL_ARGS: the compat policy, since the built-in hardened
# one refuses this unsigned test bundle (the trust step has its own tests).
read -r -a global_args <<<"${WARD_GLOBAL_ARGS:---policy $repo/contrib/policies/compat.json}"
passed=0
failed=0

ok() {
    echo "ok $*"
    passed=$((passed + 1))
}
fail() {
    echo "FAIL $*"
    failed=$((failed + 1))
}
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

if [ -d ../shared/oci-runtime-spec/schema ]; then
    spec_dir=$(cd ../shared/oci-runtime-spec && pwd)
elif [ -n "${WARD_SPEC_DIR:-}" ] && [ -d "$WARD_SPEC_DIR/schema" ]; then
    spec_dir=$WARD_SPEC_DIR
else
    fail "runtime-spec schemas: neither ../shared/oci-runtime-spec nor WARD_SPEC_DIR"
    finish
fi
schemas=$spec_dir/schema
validate=$repo/tests/schema/validate.py

tmp=$(mktemp -d /tmp/ward-schema.XXXXXX)
container_id=""
cleanup() {
    if [ -n "$container_id" ]; then
        "$ward" --root "$tmp/state" "${global_args[@]}" delete --force "$container_id" \
            >/dev/null 2>&1
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# validate LABEL SCHEMA FILE: one check line from validate.py, counted here.
validate() {
    local line
    line=$(python3 "$validate" --schema-dir "$schemas" "$1" "$2" "$3" 2>&1 | tail -n 1)
    case $line in
    "ok "*) ok "${line#ok }" ;;
    "FAIL "*) fail "${line#FAIL }" ;;
    *) fail "$1: validator printed no result: $line" ;;
    esac
}

# The validator must be able to fail, or its "ok" lines mean nothing.
while IFS= read -r line; do
    case $line in
    "ok "*) ok "validator: ${line#ok }" ;;
    "FAIL "*) fail "validator: ${line#FAIL }" ;;
    *) fail "validator self-test: $line" ;;
    esac
done < <(python3 "$validate" --schema-dir "$schemas" --self-test 2>&1)

if [ ! -x "$ward" ]; then
    fail "ward binary: $ward not found or not executable"
    finish
fi

# `ward spec` writes ./config.json like `runc spec`; accept stdout as well.
spec_config() { # DIR [args...]
    local dir=$1
    shift
    mkdir -p "$dir"
    (cd "$dir" && "$ward" spec "$@" >"$dir/stdout" 2>"$dir/stderr") || return 1
    [ -s "$dir/config.json" ] || cp "$dir/stdout" "$dir/config.json"
}

if spec_config "$tmp/spec"; then
    validate "ward spec output" config-schema.json "$tmp/spec/config.json"
else
    fail "ward spec: exit $?: $(head -c 300 "$tmp/spec/stderr")"
fi
if spec_config "$tmp/spec-rootless" --rootless; then
    validate "ward spec --rootless output" config-schema.json "$tmp/spec-rootless/config.json"
else
    fail "ward spec --rootless: $(head -c 300 "$tmp/spec-rootless/stderr")"
fi

if "$ward" features >"$tmp/features.json" 2>"$tmp/features.err"; then
    validate "ward features output" features-schema.json "$tmp/features.json"
else
    fail "ward features: $(head -c 300 "$tmp/features.err")"
fi

# A created (not started) busybox container, for `ward state`.
busybox=$(command -v busybox || true)
[ -x /bin/busybox ] && busybox=/bin/busybox
if [ "$(id -u)" != 0 ]; then
    fail "ward state: needs root to create a container"
elif [ -z "$busybox" ] ||
    { command -v file >/dev/null && file -L "$busybox" | grep -q 'dynamically linked'; }; then
    fail "ward state: a static busybox is needed (apt-get install busybox-static)"
else
    bundle=$tmp/bundle
    mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" \
        "$bundle/rootfs/sys" "$bundle/rootfs/tmp"
    cp "$busybox" "$bundle/rootfs/bin/busybox"
    ln -s busybox "$bundle/rootfs/bin/sh"
    container_id=ward-schema-$$
    if ! spec_config "$bundle"; then
        fail "ward state: ward spec for the bundle failed"
    elif ! "$ward" --root "$tmp/state" "${global_args[@]}" create -b "$bundle" "$container_id" \
        >"$tmp/create.out" 2>&1 </dev/null; then
        fail "ward create (for state): $(head -c 400 "$tmp/create.out")"
    elif ! "$ward" --root "$tmp/state" "${global_args[@]}" state "$container_id" \
        >"$tmp/state.json" 2>"$tmp/state.err"; then
        fail "ward state: $(head -c 300 "$tmp/state.err")"
    else
        validate "ward state output" state-schema.json "$tmp/state.json"
        status=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("status"), d.get("pid", 0) > 0, d.get("id"))' "$tmp/state.json" 2>&1)
        if [ "$status" = "created True $container_id" ]; then
            ok "ward state reports the created container with its pid"
        else
            fail "ward state: expected status created, a pid and id $container_id; got: $status"
        fi
    fi
    if [ -n "$container_id" ] &&
        "$ward" --root "$tmp/state" "${global_args[@]}" delete --force "$container_id" \
            >"$tmp/delete.out" 2>&1; then
        container_id=""
    fi
fi

finish
