# Sourced by systemd-tests.sh after 20-systemd-driver.sh (it uses its
# sd_ward and show): `ward update` of a container in a systemd scope goes
# through systemd too (SetUnitProperties), so the unit's properties say
# what the cgroup holds and a daemon-reload, which rewrites the cgroup
# from the properties, keeps the new limits instead of the create-time
# ones.
test_update_changes_the_units_properties() {
    name=systemd_update_sets_unit_properties
    unit=ward-sdup.scope
    cg=$cgroot/system.slice/$unit
    bundle sdup '"sleep","1000"' \
        's|"resources":{|"resources":{"memory":{"limit":67108864},"pids":{"limit":40},|'
    if ! sd_ward run -d --bundle /bundles/sdup sdup >/tmp/sdup.out 2>&1; then
        not_ok $name "run: $(head -n 3 /tmp/sdup.out | tr '\n' ' ')"
        return
    fi
    if ! sd_ward update --memory 33554432 --pids-limit 20 sdup >/tmp/sdup.upd 2>&1; then
        not_ok $name "update: $(head -n 3 /tmp/sdup.upd | tr '\n' ' ')"
        sd_ward delete --force sdup >/dev/null 2>&1
        return
    fi
    mem=$(show $unit MemoryMax)
    tasks=$(show $unit TasksMax)
    systemctl daemon-reload
    memmax=$(cat $cg/memory.max 2>/dev/null)
    pidsmax=$(cat $cg/pids.max 2>/dev/null)
    echo "vm: after update: MemoryMax=$mem TasksMax=$tasks; after daemon-reload: memory.max=$memmax pids.max=$pidsmax"
    sd_ward delete --force sdup >/dev/null 2>&1
    if [ "$mem" != 33554432 ] || [ "$tasks" != 20 ]; then
        not_ok $name "unit properties after update: MemoryMax=$mem TasksMax=$tasks, want 33554432 and 20"
    elif [ "$memmax" != 33554432 ] || [ "$pidsmax" != 20 ]; then
        not_ok $name "after daemon-reload: memory.max=$memmax pids.max=$pidsmax, want the updated 33554432 and 20"
    else
        ok $name
    fi
}

test_update_changes_the_units_properties
