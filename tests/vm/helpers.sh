# Sourced by both guests' test scripts (guest-tests.sh in the busybox
# guest, systemd/systemd-tests.sh in the systemd one), which define ward()
# (its path differs) first. One output contract for both: "ok NAME",
# "FAIL NAME: why", "skip NAME: why", then "test cases skipped: N" and
# "N passed, N failed".
pass=0
fail=0
skipped=0
ok() {
    echo "ok $1"
    pass=$((pass + 1))
}
not_ok() {
    echo "FAIL $1: $2"
    fail=$((fail + 1))
}
# skip NAME WHY: a test that cannot run in this guest (never counted as passed).
skip() {
    echo "skip $1: $2"
    skipped=$((skipped + 1))
}
# bundle NAME ARGS [SED-EXPR]: /bundles/NAME whose process.args are the JSON
# array items ARGS (e.g. '"sh","-c","exit 3"'), with an optional extra edit.
bundle() {
    mkdir -p "/bundles/$1"
    sed -e "s|\"args\":\[\"sh\"\]|\"args\":[$2]|" -e "${3:-}" \
        /bundle/config.template.json >"/bundles/$1/config.json"
}
# first_line FILE: the first line of FILE, for failure messages.
first_line() {
    head -n 1 "$1" 2>/dev/null
}
# wait_stopped ID: polls ward state until the container is stopped (10 s).
wait_stopped() {
    i=0
    while [ $i -lt 100 ]; do
        ward state "$1" 2>/dev/null | grep -q '"status": *"stopped"' && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
# run_cases LABEL FILE...: sources each case file in turn between the
# guest's uptime lines (its boot time, for tests/vm/README.md), then prints
# the summary; returns non-zero when a test failed.
run_cases() {
    label=$1
    shift
    echo "vm: $label uptime $(cut -d' ' -f1 /proc/uptime) s when the tests start"
    for case in "$@"; do
        . "$case"
    done
    echo "vm: $label uptime $(cut -d' ' -f1 /proc/uptime) s when the tests end"
    echo "test cases skipped: $skipped"
    echo "$pass passed, $fail failed"
    [ $fail -eq 0 ]
}
