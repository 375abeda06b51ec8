# Sourced by bench/trust.sh and bench/client-trust.sh from the repository's
# top: the tools they need, this build's ward, RUNS (default 10) and
# SIZE_MB (default 150), and the extra tree that makes a benchmark image big
# (many small files and some large ones).
repo=$PWD
. bench/lib-runtimes.sh
bench_tools hyperfine umoci
ward=$repo/build/ward
[ -x "$ward" ] || make -s -j2 all
runs=${RUNS:-10}
size_mb=${SIZE_MB:-150}
# bench_extra_tree DIR SIZE_MB: Debian's python3 stdlib, then shared
# libraries of /usr/lib/x86_64-linux-gnu up to SIZE_MB in all.
bench_extra_tree() {
    mkdir -p "$1/usr/lib/x86_64-linux-gnu"
    for py in $(ls -d /usr/lib/python3.[0-9]* 2>/dev/null | head -n 1); do
        cp -a "$py" "$1/usr/lib/"
    done
    budget=$(($2 * 1000000 - $(du -sb "$1" | cut -f1)))
    find /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f -name '*.so*' -printf '%s %p\n' | sort -k2 |
        while read -r size path; do
            [ "$budget" -gt 0 ] || break
            budget=$((budget - size))
            cp -a "$path" "$1/usr/lib/x86_64-linux-gnu/"
        done
}
