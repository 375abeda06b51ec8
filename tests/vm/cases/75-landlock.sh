# Sourced by guest-tests.sh: Landlock on Debian's 6.1 kernel, whose ABI is
# older than the build host's: `ward features` reports it, a ruleset asking
# for newer rights runs with them dropped (named, with the ABI each needs)
# and the rest enforced, and disableBestEffort refuses the same ruleset.
# Without Landlock at all, hardened's filled ruleset is a warning and the
# container runs.

landlock_abi=$(ward features 2>/dev/null | tr -d ' \n' |
    sed -n 's/.*"landlock":{"enabled":[a-z]*,"abi":\([0-9]*\).*/\1/p')
echo "vm: Landlock ABI ${landlock_abi:-unknown}"

# A ruleset handling make_reg (ABI 1), truncate (ABI 3) and the signal
# scope (ABI 6), with no rule: no new file anywhere.
landlock_ruleset() {
    printf '"landlock":{"ruleset":{"handledAccessFS":["make_reg","truncate"],"scoped":["signal"]},"disableBestEffort":%s}' "$1"
}

test_landlock_features() {
    name=features_report_the_landlock_abi
    case "$landlock_abi" in
    '' | *[!0-9]*) not_ok $name "no linux.landlock.abi in ward features" ;;
    *) ok $name ;;
    esac
}

test_landlock_older_abi() {
    id=llold
    bundle $id '"/checker","write","/dev/shm/landlock-probe"' \
        "s|\"cwd\":\"/\"|\"cwd\":\"/\",$(landlock_ruleset false)|"
    name=landlock_newer_rights_dropped_the_rest_enforced
    ward run -b /bundles/$id $id </dev/null >/tmp/$id.out 2>/tmp/$id.err
    if ! grep -q 'write /dev/shm/landlock-probe: error EACCES' /tmp/$id.out; then
        not_ok $name "want EACCES: $(first_line /tmp/$id.out) / $(first_line /tmp/$id.err)"
    elif ! grep -q 'dropped process.landlock.ruleset.scoped: signal (Landlock ABI 6)' /tmp/$id.err; then
        not_ok $name "no warning about the dropped scope: $(tr '\n' ' ' </tmp/$id.err)"
    else
        ok $name
    fi
    ward delete --force $id >/dev/null 2>&1

    id=llstrict
    bundle $id '"/checker","status"' \
        "s|\"cwd\":\"/\"|\"cwd\":\"/\",$(landlock_ruleset true)|"
    name=landlock_disable_best_effort_refuses_on_an_older_abi
    if ward run -b /bundles/$id $id </dev/null >/tmp/$id.out 2>/tmp/$id.err; then
        not_ok $name "ward run succeeded"
    elif ! grep -q 'disableBestEffort is set' /tmp/$id.err; then
        not_ok $name "$(tr '\n' ' ' </tmp/$id.err)"
    else
        ok $name
    fi
    ward delete --force $id >/dev/null 2>&1
}

test_landlock_none() {
    id=llnone
    bundle $id '"/checker","status"'
    name=landlock_missing_is_a_warning_and_the_container_runs
    if ! ward run -b /bundles/$id $id </dev/null >/tmp/$id.out 2>/tmp/$id.err; then
        not_ok $name "ward run failed: $(first_line /tmp/$id.err)"
    elif ! grep -q 'process.landlock cannot be applied: this kernel has no Landlock' /tmp/$id.err; then
        not_ok $name "no warning: $(tr '\n' ' ' </tmp/$id.err)"
    else
        ok $name
    fi
    ward delete --force $id >/dev/null 2>&1
}

test_landlock_features
case "$landlock_abi" in
0) test_landlock_none ;;
[1-5]) test_landlock_older_abi ;;
*) skip landlock_older_abi "this kernel's Landlock ABI is ${landlock_abi:-unknown}, not older than 6" ;;
esac
