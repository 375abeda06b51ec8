#!/bin/bash
# The fuzz lane of make check: replays each fuzz target's seed corpus
# (tests/fuzz/corpus/NAME/) through its replay driver, the ASan build's when
# there is one. Ends with "N passed, N failed" (one per input).
set -u
cd "$(dirname "$0")/../.."
pass=0
fail=0
for src in tests/fuzz/*_fuzz.cpp; do
    name=$(basename "$src" _fuzz.cpp)
    bin=build-asan/fuzz/$name-replay
    [ -x "$bin" ] || bin=build/fuzz/$name-replay
    corpus=tests/fuzz/corpus/$name
    if [ ! -x "$bin" ] || [ ! -d "$corpus" ]; then
        echo "FAIL $name: no replay driver ($bin) or no corpus ($corpus)"
        fail=$((fail + 1))
        continue
    fi
    n=$(find "$corpus" -type f | wc -l)
    if out=$("$bin" "$corpus" 2>&1); then
        echo "ok $name: $n inputs ($bin)"
        pass=$((pass + n))
    else
        echo "FAIL $name: $bin stopped; last lines:"
        echo "$out" | tail -n 20
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
