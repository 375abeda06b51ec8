#!/bin/sh
# The README's main job: a hardened container from a busybox bundle, end to
# end. It shows what the container really is from inside.
set -eu
cd "$(dirname "$0")/.."
ward=$PWD/build/ward
work=$(mktemp -d /tmp/ward-demo.XXXXXX)
root=$work/state
id=ward-demo-$$
cleanup() {
    "$ward" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "== building a bundle from busybox-static in $work/bundle"
mkdir -p "$work/bundle"
scripts/busybox-rootfs.sh "$work/bundle/rootfs"
"$ward" spec --bundle "$work/bundle"
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
path = sys.argv[1]
config = json.load(open(path))
config["process"]["args"] = ["sh", "-c", """
echo "hostname:  $(hostname)"
echo "identity:  $(id)"
echo "pid:       $$"
grep -E '^(CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status | sed 's/:\\t/: /'
if touch /written 2>/dev/null; then echo "root:      writable"; else echo "root:      read-only"; fi
if cat /proc/kcore >/dev/null 2>&1; then echo "kcore:     readable"; else echo "kcore:     masked"; fi
echo "/dev:      $(ls /dev | tr '\\n' ' ')"
"""]
json.dump(config, open(path, "w"), indent=2)
PY

echo "== ward run $id (hardened config from 'ward spec')"
"$ward" --root "$root" run --bundle "$work/bundle" "$id"
status=$?
echo "== the container exited with status $status; nothing is left behind:"
"$ward" --root "$root" list
