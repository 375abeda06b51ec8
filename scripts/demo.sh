#!/bin/sh
# The README's main job, end to end: build a small OCI image from
# busybox-static (with umoci), make a key, sign the image, import it under
# a hardened policy that trusts that key, run it hardened, then show what
# ward refuses: a tampered copy of the image, an image signed by another
# key, and a plain bundle nobody signed whose rootfs is not the image's. Everything lives in a temporary
# directory (its own store and state root) and is removed at the end.
set -eu
cd "$(dirname "$0")/.."
repo=$PWD
ward=$repo/build/ward
work=$(mktemp -d /tmp/ward-demo.XXXXXX)
store=$work/store
root=$work/state
id=ward-demo-$$
cleanup() {
    "$ward" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
w() { "$ward" --root "$root" --store "$store" --policy "$work/policy.json" "$@"; }
# refused CMD...: runs a command that must fail, and shows why it did.
refused() {
    if out=$("$@" 2>&1); then
        echo "   NOT refused (this is a bug):"
        echo "$out"
        exit 1
    fi
    echo "$out" | sed 's/^/   /'
}

echo "== 1. an OCI image of busybox-static, built with umoci: $work/demo:1.0"
cd "$work"
"$repo/scripts/busybox-image.sh" demo:1.0
umoci config --image demo:1.0 --config.cmd sh --config.cmd -c --config.cmd '
echo "hostname:  $(hostname)"
echo "identity:  $(id)"
grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status | sed "s/:\t/: /"
if touch /written 2>/dev/null; then echo "root:      writable"; else echo "root:      read-only"; fi
if cat /proc/kcore >/dev/null 2>&1; then echo "kcore:     readable"; else echo "kcore:     masked"; fi'
cd "$repo"

echo "== 2. a demo key pair, and the image signed with it (cosign's format)"
"$ward" key generate --out "$work/demo"
"$ward" image sign --key "$work/demo.key" "$work/demo:1.0"

echo "== 3. the policy: ward's hardened policy, plus a scope trusting that key for localhost/demo"
python3 - "$repo/contrib/policies/hardened.json" "$work/policy.json" "$work/demo.pub" <<'PY'
import json, sys
policy = json.load(open(sys.argv[1]))
policy["name"] = "hardened+demo"
policy["trust"]["scopes"] = {"localhost/demo": [
    {"type": "sigstoreSigned", "keyPath": sys.argv[3],
     "signedIdentity": {"type": "matchRepository"}}]}
json.dump(policy, open(sys.argv[2], "w"), indent=2)
PY
echo "   trust.default: reject; trust.scopes[\"localhost/demo\"]: sigstoreSigned by $work/demo.pub"

echo "== 4. ward image import: digests, diff_ids and the signature checked, then unpacked into $store"
w image import "$work/demo:1.0"
w image ls

echo "== 5. ward run --image localhost/demo:1.0 (hardened: the policy fills what the image config leaves out)"
w run --image localhost/demo:1.0 "$id"
echo "   exit status $?; left behind: $(w list -q | wc -l) containers"

echo "== 6. what ward refuses"
echo "-- a copy of the image with one byte of its layer changed:"
cp -a "$work/demo" "$work/tampered"
layer=$(python3 - "$work/tampered" <<'PY'
import json, sys
layout = sys.argv[1]
index = json.load(open(layout + "/index.json"))
manifest = next(m for m in index["manifests"]
                if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == "1.0")
doc = json.load(open(layout + "/blobs/sha256/" + manifest["digest"].split(":")[1]))
print(layout + "/blobs/sha256/" + doc["layers"][0]["digest"].split(":")[1])
PY
)
printf 'X' | dd of="$layer" bs=1 seek=100 conv=notrunc status=none
refused w image import --name localhost/demo:tampered "$work/tampered:1.0"

echo "-- the same image signed by a key the policy does not name:"
"$ward" key generate --out "$work/mallory"
cp -a "$work/demo" "$work/resigned"
rm -rf "$work/resigned/blobs" && cp -a "$work/demo/blobs" "$work/resigned/blobs"
python3 - "$work/resigned/index.json" <<'PY'
import json, sys
path = sys.argv[1]
index = json.load(open(path))
index["manifests"] = [m for m in index["manifests"]
                      if not m.get("annotations", {}).get("org.opencontainers.image.ref.name", "").endswith(".sig")]
json.dump(index, open(path, "w"))
PY
"$ward" image sign --key "$work/mallory.key" --identity localhost/demo "$work/resigned:1.0" >/dev/null
refused w image import --name localhost/demo:resigned "$work/resigned:1.0"

echo "-- a plain bundle (not from the store, not signed) with one file the image lacks, under the hardened policy:"
# Without that file its rootfs would be exactly the trusted image's, which
# ward proves and admits (as it does for containerd's and podman's bundles).
mkdir -p "$work/bundle"
"$repo/scripts/busybox-rootfs.sh" "$work/bundle/rootfs"
echo planted >"$work/bundle/rootfs/planted"
"$ward" spec --bundle "$work/bundle"
refused w run --bundle "$work/bundle" "$id-plain"

echo "-- the store's rootfs changed behind ward's back (the policy says verifyRootfs: always):"
python3 - "$work/policy.json" <<'PY'
import json, sys
policy = json.load(open(sys.argv[1]))
policy["trust"]["verifyRootfs"] = "always"
json.dump(policy, open(sys.argv[1], "w"), indent=2)
PY
rootfs=$(w image inspect localhost/demo:1.0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["rootfs"])')
echo 'mallory::0:0::/:/bin/sh' >>"$rootfs/etc/passwd"
refused w run --image localhost/demo:1.0 "$id-changed"

echo "== done: nothing was started from anything ward could not verify; left behind: $(w list -q | wc -l) containers"
