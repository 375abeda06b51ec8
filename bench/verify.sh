#!/bin/sh
# `ward verify` of a signed bundle against the hashing floor, side by side in
# one hyperfine run over the same files:
#   - ward verify --threads 1     (one hashing thread)
#   - ward verify                 (default: a thread per CPU)
#   - sha256sum, one process      (find | xargs -n 100000: a single sha256sum)
#   - sha256sum, xargs -P2        (two processes, both cores of the build host)
# The issue's target: verify at least as fast as single-process sha256sum,
# and close to twice that with both cores.
#
# Also `openssl dgst -sha256` in one process: the same SHA-256 code ward
# uses (SHA-NI where the CPU has it; Debian's sha256sum has no such path),
# so ward's own overhead (walk, opens, record) shows.
#
# The rootfs is a copy of Debian's python3 stdlib and dist-packages (many
# small files) plus shared libraries from
# /usr/lib/x86_64-linux-gnu up to SIZE_MB (default 250): many small files
# and some large ones. Caches are NOT dropped (a shared host; dropping them
# would disturb everyone): every file is read once before timing and
# hyperfine warms up, so all commands hash from the page cache. Not a test.
# RUNS=hyperfine runs (default 10). Prints a markdown table.
set -eu
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
ward="$PWD/build/ward"
[ -x "$ward" ] || make -s -j2 all
size_mb=${SIZE_MB:-250}
runs=${RUNS:-10}
work=$(mktemp -d /tmp/ward-bench-verify.XXXXXX)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/bundle/rootfs/usr/lib/x86_64-linux-gnu"
for py in $(ls -d /usr/lib/python3.[0-9]* 2>/dev/null | head -n 1) /usr/lib/python3; do
    [ -d "$py" ] && cp -a "$py" "$work/bundle/rootfs/usr/lib/"
done
budget=$((size_mb * 1000000 - $(du -sb "$work/bundle/rootfs" | cut -f1)))
find /usr/lib/x86_64-linux-gnu -maxdepth 2 -type f -name '*.so*' -printf '%s %p\n' | sort -k2 |
    while read -r size path; do
        [ "$budget" -gt 0 ] || break
        budget=$((budget - size))
        rel=${path#/usr/lib/x86_64-linux-gnu/}
        mkdir -p "$work/bundle/rootfs/usr/lib/x86_64-linux-gnu/$(dirname "$rel")"
        cp -a "$path" "$work/bundle/rootfs/usr/lib/x86_64-linux-gnu/$rel"
    done
printf '{"ociVersion":"1.2.0","process":{"args":["/bin/sh"],"cwd":"/"},"root":{"path":"rootfs"}}' \
    >"$work/bundle/config.json"
"$ward" key generate --out "$work/bench" >/dev/null
"$ward" sign --key "$work/bench.key" "$work/bundle" >/dev/null

cd "$work/bundle/rootfs"
files=$(find . -type f | wc -l)
bytes=$(find . -type f -printf '%s\n' | awk '{s += $1} END {print s}')
# Warm the page cache (see above).
find . -type f -print0 | xargs -0 cat >/dev/null
cpus=$(nproc)
echo "rootfs: $files regular files, $((bytes / 1000000)) MB; $cpus CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$ward" verify --key "$work/bench.pub" "$work/bundle" | grep '^rootfs'

hyperfine -N --warmup 2 --runs "$runs" --export-markdown "$work/table.md" \
    -n "ward verify --threads 1" "$ward verify --threads 1 --key $work/bench.pub $work/bundle" \
    -n "ward verify ($cpus threads)" "$ward verify --key $work/bench.pub $work/bundle" \
    -n "sha256sum (1 process)" "sh -c 'find . -type f -print0 | xargs -0 -n 100000 sha256sum >/dev/null'" \
    -n "sha256sum (xargs -P2)" "sh -c 'find . -type f -print0 | xargs -0 -P2 -n 500 sha256sum >/dev/null'" \
    -n "openssl dgst -sha256 (1 process)" "sh -c 'find . -type f -print0 | xargs -0 -n 100000 openssl dgst -sha256 >/dev/null'" \
    >/dev/null
cat "$work/table.md"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
