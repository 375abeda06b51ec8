# Sourced by systemd-tests.sh after 20-systemd-driver.sh (it uses its
# sd_ward and show): the limits the first cases do not cover as unit
# properties (the CPU period, memory.high from linux.resources.unified, the
# IO weight and throttles on the guest's virtio disk), checked in
# `systemctl show` and, after a daemon-reload has rewritten the cgroup from
# the properties, in the cgroup files; and org.systemd.property.*
# annotations: one hardened allows reaches the unit, one it does not is
# refused before any unit exists.

# show_all UNIT PROP: every value of a list property on one line.
show_all() {
    systemctl show -p "$2" --value "$1" 2>/dev/null | tr '\n' ' ' | sed 's/ *$//'
}

test_period_memory_high_and_io_are_unit_properties() {
    name=systemd_cpu_period_memory_high_io_properties_survive_daemon_reload
    unit=ward-sdp.scope
    cg=$cgroot/system.slice/$unit
    dev=$(cat /sys/block/vda/dev 2>/dev/null)
    if [ -z "$dev" ]; then
        not_ok $name "the guest has no /dev/vda (virtio disk): $(ls /sys/block | tr '\n' ' ')"
        return
    fi
    maj=${dev%:*}
    min=${dev#*:}
    bundle sdp '"sleep","1000"' \
        "s|\"resources\":{|\"resources\":{\"memory\":{\"limit\":67108864},\"cpu\":{\"quota\":20000,\"period\":50000},\"blockIO\":{\"weight\":500,\"throttleReadBpsDevice\":[{\"major\":$maj,\"minor\":$min,\"rate\":1048576}],\"throttleWriteIOPSDevice\":[{\"major\":$maj,\"minor\":$min,\"rate\":100}]},\"unified\":{\"memory.high\":\"33554432\"},|"
    if ! sd_ward run -d --bundle /bundles/sdp sdp </dev/null >/tmp/sdp.out 2>&1; then
        not_ok $name "run -d: $(head -n 3 /tmp/sdp.out | tr '\n' ' ')"
        sd_ward delete --force sdp >/dev/null 2>&1
        return
    fi
    quota=$(show $unit CPUQuotaPerSecUSec)
    period=$(show $unit CPUQuotaPeriodUSec)
    high=$(show $unit MemoryHigh)
    weight=$(show $unit IOWeight)
    rbps=$(show_all $unit IOReadBandwidthMax)
    wiops=$(show_all $unit IOWriteIOPSMax)
    echo "vm: $unit: CPUQuotaPerSecUSec=$quota CPUQuotaPeriodUSec=$period MemoryHigh=$high IOWeight=$weight IOReadBandwidthMax=$rbps IOWriteIOPSMax=$wiops"
    # The driver names the disk by path: /dev/block/MAJ:MIN with udev, else
    # the node in /dev (this guest has no udev).
    path=/dev/vda
    [ -e /dev/block/$dev ] && path=/dev/block/$dev
    systemctl daemon-reload
    sleep 1
    cpumax=$(cat $cg/cpu.max 2>/dev/null)
    memhigh=$(cat $cg/memory.high 2>/dev/null)
    ioweight=$(cat $cg/io.weight 2>/dev/null)
    iomax=$(cat $cg/io.max 2>/dev/null)
    echo "vm: after daemon-reload: cpu.max=$cpumax memory.high=$memhigh io.weight=$ioweight io.max=$iomax"
    sd_ward delete --force sdp >/dev/null 2>&1
    # 20 ms per 50 ms is 400 ms per second; blkio weight 500 is io.weight
    # 4950, as the cgroupfs driver converts it.
    if [ "$quota" != 400ms ] || [ "$period" != 50ms ]; then
        not_ok $name "CPUQuotaPerSecUSec=$quota CPUQuotaPeriodUSec=$period, want 400ms and 50ms"
    elif [ "$high" != 33554432 ]; then
        not_ok $name "MemoryHigh=$high, want 33554432 (from linux.resources.unified)"
    elif [ "$weight" != 4950 ]; then
        not_ok $name "IOWeight=$weight, want 4950"
    elif [ "$rbps" != "$path 1048576" ] || [ "$wiops" != "$path 100" ]; then
        not_ok $name "IOReadBandwidthMax='$rbps' IOWriteIOPSMax='$wiops', want '$path 1048576' and '$path 100' ($(grep -i 'daemon-reload\|block node' /tmp/sdp.out | head -n 2 | tr '\n' ' '))"
    elif [ "$cpumax" != "20000 50000" ] || [ "$memhigh" != 33554432 ] || [ "$ioweight" != "default 4950" ]; then
        not_ok $name "after daemon-reload: cpu.max='$cpumax' memory.high=$memhigh io.weight='$ioweight', want '20000 50000', 33554432, 'default 4950'"
    elif [ "$iomax" != "$dev rbps=1048576 wbps=max riops=max wiops=100" ]; then
        not_ok $name "after daemon-reload: io.max='$iomax'"
    else
        ok $name
    fi
}

# hardened allows what CRI-O and podman set: a ...Sec name in seconds is
# systemd's ...USec, and a GVariant string reaches the unit as a string.
test_allowed_annotation_reaches_the_unit() {
    name=systemd_annotation_property_reaches_the_unit
    unit=ward-sda.scope
    # JSON: "org.systemd.property.CollectMode":"\"inactive-or-failed\"".
    bundle sda '"sleep","1000"' \
        's|"linux":{|"annotations":{"org.systemd.property.TimeoutStopSec":"7","org.systemd.property.CollectMode":"\\\"inactive-or-failed\\\""},"linux":{|'
    if ! sd_ward run -d --bundle /bundles/sda sda </dev/null >/tmp/sda.out 2>&1; then
        not_ok $name "run -d: $(head -n 3 /tmp/sda.out | tr '\n' ' ')"
        sd_ward delete --force sda >/dev/null 2>&1
        return
    fi
    timeout=$(show $unit TimeoutStopUSec)
    collect=$(show $unit CollectMode)
    echo "vm: $unit: TimeoutStopUSec=$timeout CollectMode=$collect"
    sd_ward delete --force sda >/dev/null 2>&1
    if [ "$timeout" != 7s ] || [ "$collect" != inactive-or-failed ]; then
        not_ok $name "TimeoutStopUSec=$timeout CollectMode=$collect, want 7s and inactive-or-failed (the annotations did not reach the unit)"
    else
        ok $name
    fi
}

# DeviceAllow would add systemd's own device rules to the scope: hardened
# refuses it, naming the annotation, before a unit is started.
test_refused_annotation_leaves_no_unit() {
    name=systemd_annotation_refused_by_policy_leaves_no_unit
    unit=ward-sdd.scope
    bundle sdd '"true"' \
        's|"linux":{|"annotations":{"org.systemd.property.DeviceAllow":"@as []"},"linux":{|'
    sd_ward create --bundle /bundles/sdd sdd </dev/null >/tmp/sdd.out 2>&1
    rc=$?
    state=$(show $unit ActiveState)
    sd_ward delete --force sdd >/dev/null 2>&1
    if [ $rc -eq 0 ]; then
        not_ok $name "create exited 0 with an org.systemd.property.DeviceAllow annotation under hardened"
    elif ! grep -q 'annotations contains org.systemd.property.DeviceAllow' /tmp/sdd.out; then
        not_ok $name "the refusal does not name the annotation: $(head -n 3 /tmp/sdd.out | tr '\n' ' ')"
    elif [ "$state" = active ]; then
        not_ok $name "a refused create left $unit $state"
    else
        ok $name
    fi
}

test_period_memory_high_and_io_are_unit_properties
test_allowed_annotation_reaches_the_unit
test_refused_annotation_leaves_no_unit
