# Sourced by systemd-tests.sh: the guest really runs systemd on cgroup v2,
# with the private socket the systemd cgroup driver talks D-Bus over.

test_systemd_is_pid1() {
    name=systemd_is_pid1
    comm=$(cat /proc/1/comm)
    state=$(systemctl is-system-running 2>&1)
    fstype=$(stat -f -c %T $cgroot)
    if [ "$comm" != systemd ]; then
        not_ok $name "pid 1 is '$comm'"
    elif [ "$fstype" != cgroup2fs ]; then
        not_ok $name "$cgroot is $fstype, want cgroup2fs"
    # "starting": this very service is what the boot still waits for.
    elif [ "$state" != running ] && [ "$state" != starting ]; then
        not_ok $name "systemctl is-system-running says '$state'"
    else
        ok $name
    fi
}

# As root the driver connects to /run/systemd/private, never to the
# system bus (which logind needs, for the rootless cases' user manager):
# cases/20-systemd-driver.sh checks in ward's debug log that it did.
test_systemd_private_socket() {
    name=systemd_private_socket
    if [ ! -S /run/systemd/private ]; then
        not_ok $name "/run/systemd/private is not a socket"
    elif ! systemctl show -p Delegate init.scope | grep -qx 'Delegate=no'; then
        not_ok $name "systemctl show of init.scope: $(systemctl show -p Delegate init.scope 2>&1)"
    else
        ok $name
    fi
}

test_systemd_is_pid1
test_systemd_private_socket
