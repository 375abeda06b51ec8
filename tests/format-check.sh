#!/bin/sh
# One check per source file: does it match .clang-format?
cd "$(dirname "$0")/.."
pass=0
fail=0
for f in $(git ls-files '*.cpp' '*.hpp' '*.c' '*.h'); do
    if clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        pass=$((pass + 1))
    else
        echo "FAIL $f is not clang-formatted (make format)"
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
