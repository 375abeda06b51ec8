#!/bin/sh
# `make fuzz`: runs each fuzz target's libFuzzer binary (tests/fuzz/NAME_fuzz.cpp
# → build-fuzz/NAME) for FUZZ_SECONDS (default 30) from its seed corpus
# (tests/fuzz/corpus/NAME, read only; new inputs go to build-fuzz/corpus/NAME). Ends with "N passed, N failed":
# a target passes when libFuzzer finds no crash in the time given.
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-30}
pass=0 fail=0
for src in tests/fuzz/*_fuzz.cpp; do
    target=$(basename "$src" _fuzz.cpp)
    bin=build-fuzz/$target
    work=build-fuzz/corpus/$target
    mkdir -p "$work" build-fuzz/crashes
    if "$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix=build-fuzz/crashes/$target- "$work" "tests/fuzz/corpus/$target" \
        >build-fuzz/$target.log 2>&1; then
        pass=$((pass + 1))
        echo "ok - fuzz $target: $(grep -o 'Done [0-9]* runs' build-fuzz/$target.log | tail -n 1)"
    else
        fail=$((fail + 1))
        echo "not ok - fuzz $target (see build-fuzz/$target.log, build-fuzz/crashes/)"
        tail -n 30 build-fuzz/$target.log | sed 's/^/  /'
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
