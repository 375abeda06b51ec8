#!/bin/bash
# Runs every test lane this machine supports and ends with one line
# "N passed, N failed, N skipped" summing the lanes that ran. A lane that
# cannot run is named with its reason and counted as skipped, never as
# passed; so is a test case whose precondition does not hold on this host
# (Boost reports it skipped, with the reason in the lane's log). A lane that
# crashes without a report counts as one failure.
set -u
cd "$(dirname "$0")/.."
out=build/lanes
mkdir -p "$out"
total_pass=0
total_fail=0
total_skip=0
ran=()
skipped=()

# Boost.Test lane: NAME BINARY [args...]; counts test cases from the XML
# report's top-level suite. Boost counts an aborted case among the failed
# ones and a timed-out case in neither. Skipped: a case whose precondition
# did not hold on this host, or a disabled one. Boost's skipped count also
# holds the cases a --run_test filter left out, so with a filter the
# skipped ones are those of the "Running N test cases" it selected that
# neither passed nor failed.
boost_count() { # ATTRIBUTE REPORT
    grep -o "$1=\"[0-9]*\"" "$2" 2>/dev/null | head -1 | grep -o '[0-9]*'
}
boost_lane() {
    local name=$1 bin=$2
    shift 2
    local report="$out/$name.xml" log="$out/$name.log"
    rm -f "$report"
    echo "== lane $name"
    local start=$SECONDS
    "$bin" --color_output=no --report_format=XML --report_level=detailed --report_sink="$report" \
        --log_level=test_suite "$@" >"$log" 2>&1
    local rc=$?
    local pass fail skip running
    pass=$(boost_count test_cases_passed "$report")
    running=$(grep -m1 -oE '^Running [0-9]+ test case' "$log" | grep -o '[0-9]*')
    if [ -z "$pass" ]; then
        echo "   $name: no report (exit $rc); last lines of $log:"
        tail -n 20 "$log" | sed 's/^/   | /'
        pass=0
        fail=1
        skip=0
    else
        pass=$((pass + $(boost_count test_cases_passed_with_warnings "$report")))
        fail=$(($(boost_count test_cases_failed "$report") + $(boost_count test_cases_timed_out "$report")))
        skip=$(boost_count test_cases_skipped "$report")
        case " $* " in
        *" --run_test="*) skip=$((${running:-0} - pass - fail)) ;;
        esac
        [ "$skip" -lt 0 ] && skip=0
        if [ "$fail" -gt 0 ] || [ $rc -ne 0 ]; then
            grep -E 'error|fatal|failure' "$log" | head -n 40 | sed 's/^/   | /'
            [ "$fail" -eq 0 ] && fail=1
        fi
    fi
    echo "   $name: $pass passed, $fail failed, $skip skipped ($((SECONDS - start)) s)"
    # Why (Boost logs each skipped unit with the precondition's message).
    if [ "$skip" -gt 0 ]; then
        grep -E 'is skipped because' "$log" | grep -v 'because disabled' | head -n 40 |
            sed 's/^/   | /'
    fi
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    total_skip=$((total_skip + skip))
    ran+=("$name")
}

# Script lane: the script prints "N passed, N failed" as its last such line.
script_lane() {
    local name=$1
    shift
    local log="$out/$name.log"
    echo "== lane $name"
    local start=$SECONDS
    "$@" >"$log" 2>&1
    local rc=$?
    local line pass fail
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        echo "   $name: no result line (exit $rc); last lines of $log:"
        tail -n 20 "$log" | sed 's/^/   | /'
        pass=0
        fail=1
    else
        pass=${line%% passed*}
        fail=${line#*, }
        fail=${fail%% failed*}
        [ "$fail" -gt 0 ] && grep -E '^(FAIL|not ok)' "$log" | head -n 40 | sed 's/^/   | /'
        [ $rc -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
    fi
    # A script lane may skip cases ("skip NAME: why" lines, a "test cases
    # skipped: N" line): shown with their reasons, never counted as passed.
    local skip
    skip=$(grep -E '^test cases skipped: [0-9]+$' "$log" | tail -n 1 | grep -o '[0-9]*$')
    skip=${skip:-0}
    [ "$skip" -gt 0 ] && grep -E '^skip ' "$log" | head -n 20 | sed 's/^/   | /'
    echo "   $name: $pass passed, $fail failed, $skip skipped ($((SECONDS - start)) s)"
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    total_skip=$((total_skip + skip))
    ran+=("$name")
}

skip_lane() {
    echo "== lane $1: skipped: $2"
    skipped+=("$1 ($2)")
}

boost_lane unit build/unit-tests
if [ -x build-asan/unit-tests ]; then
    boost_lane unit-asan build-asan/unit-tests
else
    skip_lane unit-asan "build-asan/unit-tests not built (run make asan)"
fi

if [ -x tests/format-check.sh ]; then
    script_lane format tests/format-check.sh
else
    skip_lane format "tests/format-check.sh is not executable"
fi
script_lane cli tests/cli/check.sh
script_lane fuzz-replay tests/fuzz/replay.sh
if command -v umoci >/dev/null && command -v skopeo >/dev/null; then
    script_lane trust tests/trust/check.sh
else
    skip_lane trust "umoci or skopeo not installed (scripts/deps.sh installs them)"
fi

if [ "$(id -u)" != 0 ]; then
    skip_lane integration "needs root to run containers"
    skip_lane integration-asan "needs root to run containers"
    skip_lane attacks "needs root to run containers"
    skip_lane clients "needs root to run containers"
    skip_lane schema "needs root to produce state output"
    skip_lane rootless "needs root to create its unprivileged user"
elif [ ! -x build/integration-tests ]; then
    skip_lane integration "build/integration-tests not built"
else
    WARD=$PWD/build/ward CHECKER=$PWD/build/checker boost_lane integration build/integration-tests
    if [ -x build-asan/ward ]; then
        WARD=$PWD/build-asan/ward CHECKER=$PWD/build/checker \
            boost_lane integration-asan build/integration-tests --run_test=@asan
    else
        skip_lane integration-asan "build-asan/ward not built"
    fi
    if [ -x build/attack-tests ]; then
        WARD=$PWD/build/ward CHECKER=$PWD/build/checker boost_lane attacks build/attack-tests
        # Which attacks ran and how each ended (attack.hpp).
        grep -hE '^(attack|control) [^ ]+: ' "$out/attacks.log" | sed 's/^/   /'
    else
        skip_lane attacks "build/attack-tests not built"
    fi
    if [ -x tests/clients/run.sh ] && ls tests/clients/[0-9]*.sh >/dev/null 2>&1; then
        WARD=$PWD/build/ward script_lane clients tests/clients/run.sh
    else
        skip_lane clients "no client cases written yet (issue 11)"
    fi
    if [ -x tests/audit/run.sh ] && ls tests/audit/[0-9]*.sh >/dev/null 2>&1; then
        WARD=$PWD/build/ward script_lane audit tests/audit/run.sh
    else
        skip_lane audit "no audit cases written yet (issue 12)"
    fi
    WARD=$PWD/build/ward script_lane load tests/load/run.sh
    # Unprivileged runs, as a user the lane creates and removes.
    WARD=$PWD/build/ward script_lane rootless tests/rootless/run.sh
    if [ -x tests/schema/run.sh ]; then
        script_lane schema tests/schema/run.sh
    else
        skip_lane schema "tests/schema/run.sh not written yet"
    fi
fi

if [ -x tests/vm/run.sh ]; then
    # Exit 77: this machine cannot boot the VM (the script says why).
    tests/vm/run.sh --can-run >"$out/vm-probe.log" 2>&1
    if [ $? -eq 77 ]; then
        skip_lane vm "$(tail -n 1 "$out/vm-probe.log")"
    else
        script_lane vm tests/vm/run.sh
    fi
else
    skip_lane vm "cgroup v2 VM lane not written yet (issue 4)"
fi

echo
echo "lanes run: ${ran[*]:-none}"
if [ ${#skipped[@]} -gt 0 ]; then
    echo "lanes skipped:"
    printf '  %s\n' "${skipped[@]}"
fi
# Skipped test cases are never counted as passed; their reasons are in
# each lane's lines above. The last line stays "N passed, N failed".
echo "test cases skipped: $total_skip"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
