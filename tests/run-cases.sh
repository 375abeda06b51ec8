# Sourced by the script lanes made of case files (tests/clients, tests/audit):
# run_cases DIR runs every DIR/[0-9]*.sh with DIR/lib.sh sourced, counts its
# `ok `, `FAIL ` and `skip ` lines, and ends with "N passed, N failed" (skips
# on the line before). A case that dies without a verdict is a failure.
run_cases() {
    local dir=$1 case out rc p f s pass=0 fail=0 skip=0
    for case in "$dir"/[0-9]*.sh; do
        [ -f "$case" ] || continue
        echo "== ${case##*/}"
        out=$(bash -c '. "$1/lib.sh" && . "$0"' "$case" "$dir" 2>&1)
        rc=$?
        printf '%s\n' "$out"
        p=$(printf '%s\n' "$out" | grep -c '^ok ')
        f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
        s=$(printf '%s\n' "$out" | grep -c '^skip ')
        if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
            echo "FAIL ${case##*/}: exited $rc"
            f=1
        fi
        pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
    done
    echo "test cases skipped: $skip"
    echo "$pass passed, $fail failed"
    [ $fail -eq 0 ]
}
