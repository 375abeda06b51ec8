# Sourced by guest-tests.sh: linux.resources.devices, enforced by the cgroup
# v2 device program (BPF_PROG_TYPE_CGROUP_DEVICE) on a pure cgroup v2 kernel.
# The template's rules are ward spec's: deny everything ("a *:* rwm"); ward
# adds its standard set (null, zero, full, random, urandom, tty, ptmx, pts).

# The built-in policy refuses CAP_MKNOD and linux.devices; these tests need
# both (and CAP_SYSLOG, to open /dev/kmsg for reading), so they run under a
# policy that only warns about them.
cat >/tmp/devices-policy.json <<'EOF'
{"name": "vm-devices",
 "description": "warns only: the device tests need CAP_MKNOD, CAP_SYSLOG and linux.devices",
 "rules": {"capabilities": {"action": "warn", "allowed": []},
           "devices": {"action": "warn", "allowed": []}}}
EOF

# /dev/kmsg (1:11): outside the standard set, built into every kernel; a
# write-only open needs no privilege, a read-only one CAP_SYSLOG.
kmsg_node='{"path":"/dev/kmsg","type":"c","major":1,"minor":11,"fileMode":384}'

# devices_run NAME SCRIPT [SED-EXPR]: runs the checker commands of SCRIPT
# (";"-separated) in a container with CAP_MKNOD and CAP_SYSLOG and
# /dev/kmsg from linux.devices; its output is in /tmp/NAME.out.
devices_run() {
    caps='"CAP_MKNOD","CAP_SYSLOG"'
    bundle "$1" "\"sh\",\"-c\",\"$2; true\"" \
        "s|\"bounding\":\[\]|\"bounding\":[$caps]|; s|\"effective\":\[\]|\"effective\":[$caps]|; s|\"permitted\":\[\]|\"permitted\":[$caps]|; s|\"linux\":{|\"linux\":{\"devices\":[$kmsg_node],|; ${3:-}"
    ward --policy /tmp/devices-policy.json run -b "/bundles/$1" "$1" </dev/null \
        >"/tmp/$1.out" 2>"/tmp/$1.err"
}

# want NAME LINE...: every LINE is in /tmp/NAME.out, else the test fails
# naming the first one missing.
want() {
    name=$1
    shift
    for line in "$@"; do
        if ! grep -qxF "$line" "/tmp/$name.out"; then
            not_ok "$name" "no '$line' in: $(tr '\n' '|' <"/tmp/$name.out") $(first_line "/tmp/$name.err")"
            return
        fi
    done
    ok "$name"
}

test_devices_standard_set() {
    devices_run devices_standard_set_opens \
        "/checker open /dev/null rw; /checker open /dev/zero r; /checker open /dev/urandom r; /checker open /dev/ptmx rw"
    want devices_standard_set_opens "open /dev/null rw: ok" "open /dev/zero r: ok" \
        "open /dev/urandom r: ok" "open /dev/ptmx rw: ok"
}

test_devices_mknod_denied() {
    devices_run devices_mknod_outside_allowed_set_eperm \
        "/checker mknod /dev/mem c 1 1; /checker mknod /dev/sda b 8 0; /checker mknod /dev/null2 c 1 3"
    want devices_mknod_outside_allowed_set_eperm "mknod /dev/mem: error EPERM" \
        "mknod /dev/sda: error EPERM" "mknod /dev/null2: ok"
}

# The node exists (ward made it during setup) but the rules do not allow it.
test_devices_open_denied() {
    devices_run devices_open_outside_allowed_set_eperm \
        "/checker ls /dev; /checker open /dev/kmsg r; /checker open /dev/kmsg w"
    want devices_open_outside_allowed_set_eperm "entry: kmsg char 1:11" \
        "open /dev/kmsg r: error EPERM" "open /dev/kmsg w: error EPERM"
}

# "allow c 1:11 r" after the template's deny-all: read-only opens work,
# write opens and mknod of the same device do not.
test_devices_allowed_read_only() {
    devices_run devices_allowed_read_only \
        "/checker open /dev/kmsg r; /checker open /dev/kmsg w; /checker open /dev/kmsg rw; /checker mknod /dev/kmsg2 c 1 11" \
        's|"access":"rwm"}\]|"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"r"}]|'
    want devices_allowed_read_only "open /dev/kmsg r: ok" "open /dev/kmsg w: error EPERM" \
        "open /dev/kmsg rw: error EPERM" "mknod /dev/kmsg2: error EPERM"
}

test_devices_standard_set
test_devices_mknod_denied
test_devices_open_denied
test_devices_allowed_read_only
