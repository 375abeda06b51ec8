#!/bin/sh
# `make fuzz`: runs each trust parser's libFuzzer binary for FUZZ_SECONDS
# (default 30) from its seed corpus (tests/fuzz/corpus/TARGET, read only;
# new inputs go to build-fuzz/corpus/TARGET). Ends with "N passed, N failed":
# a target passes when libFuzzer finds no crash in the time given.
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-30}
pass=0 fail=0
for target in index manifest config payload digest; do
    bin=build-fuzz/fuzz-$target
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
