#!/bin/sh
# Image trust costs, side by side, in one run (not a test):
#   1. `ward image import` (chain, signature, unpack, diff_ids, per-file
#      record) vs `umoci unpack` (unpack + mtree manifest) of the same
#      signed image, each into a fresh directory;
#   2. `ward verify` of a signed bundle vs sha256sum over the same files
#      (bench/verify.sh);
#   3. the store-backed check in `create`: `ward run --image` of /bin/true
#      under a policy trusting the image's key vs the same run under the same
#      policy without a trust section; the difference is the check.
# Caches are not dropped (a shared host): everything runs from the page
# cache after a warm-up. SIZE_MB (default 150) sizes the image's rootfs:
# Debian's python3 stdlib plus shared libraries. RUNS (default 10).
set -eu
cd "$(dirname "$0")/.."
. bench/lib-image.sh
work=$(mktemp -d /tmp/ward-bench-trust.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "== 1. import vs umoci unpack"
bench_extra_tree extra "$size_mb"
"$repo/scripts/busybox-image.sh" big:1 extra
rm -rf extra
umoci config --image big:1 --config.cmd /bin/true
"$ward" key generate --out bench >/dev/null
"$ward" image sign --key bench.key big:1 >/dev/null
python3 - "$repo/contrib/policies/hardened.json" "$work/policy.json" "$work/bench.pub" \
    "$work/notrust.json" <<'PY'
import json, sys
policy = json.load(open(sys.argv[1]))
policy["trust"]["scopes"] = {"localhost/big": [{"type": "sigstoreSigned", "keyPath": sys.argv[3],
    "signedIdentity": {"type": "matchRepository"}}]}
json.dump(policy, open(sys.argv[2], "w"))
del policy["trust"]
json.dump(policy, open(sys.argv[4], "w"))
PY
layer=$(du -b big/blobs/sha256/* | sort -n | tail -n 1 | cut -f1)
echo "image: $(du -sb big | cut -f1) bytes in the layout, largest blob (the layer) $layer bytes"
hyperfine -N --warmup 1 --runs "$runs" --export-markdown import.md \
    --prepare "rm -rf $work/store $work/unpacked" \
    -n "ward image import" "$ward --store $work/store --policy $work/policy.json image import big:1" \
    -n "umoci unpack" "umoci unpack --image big:1 $work/unpacked" >/dev/null
cat import.md

echo
echo "== 2. ward verify vs sha256sum (bench/verify.sh, SIZE_MB=$size_mb)"
SIZE_MB=$size_mb RUNS=$runs sh "$repo/bench/verify.sh"

echo
echo "== 3. the store-backed check in create (busybox image, run of /bin/true)"
"$repo/scripts/busybox-image.sh" small:1
umoci config --image small:1 --config.cmd /bin/true
"$ward" image sign --key bench.key --identity localhost/big small:1 >/dev/null
"$ward" --store "$work/store2" --policy "$work/policy.json" image import --name localhost/big:small small:1 >/dev/null
wrap() { echo "unshare -m --propagation private $*"; }
hyperfine -N --warmup 5 --runs $((runs * 5)) --export-markdown check.md \
    -n "run --image, trust checked" "$(wrap "$ward" --root "$work/s1" --store "$work/store2" --policy "$work/policy.json" run --image localhost/big:small b1)" \
    -n "run --image, no trust section" "$(wrap "$ward" --root "$work/s2" --store "$work/store2" --policy "$work/notrust.json" run --image localhost/big:small b2)" \
    >/dev/null
cat check.md
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
