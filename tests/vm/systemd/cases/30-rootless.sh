# Sourced by systemd-tests.sh: ward run by an unprivileged user whose
# systemd user manager (user@UID.service, started by `loginctl
# enable-linger`) has a cgroup subtree delegated to it, as on a desktop or
# a server with lingering users. ward runs as that user (setpriv, with the
# session's XDG_RUNTIME_DIR) inside a transient scope of the user's
# manager (`systemd-run --user --scope`), so its own cgroup is in the
# delegated subtree; limits must bite there.

rl_user=wardrl
rl_home=/home/$rl_user

# as_rl CMD...: CMD as the test user with its session's environment;
# DBUS_SESSION_BUS_ADDRESS only when RL_BUS is set.
as_rl() {
    setpriv --reuid "$rl_uid" --regid "$rl_gid" --init-groups \
        env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$rl_home" \
        XDG_RUNTIME_DIR="/run/user/$rl_uid" \
        ${RL_BUS:+DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$rl_uid/bus} \
        timeout 60 "$@"
}
# rl_scope CMD...: CMD as the user in a new transient scope of its manager
# (the natural way into the delegated subtree from outside it).
rl_scope() {
    as_rl systemd-run --user --scope --quiet -- "$@"
}
# rl_bundle NAME ARGS [SED-EXPR]: $rl_home/bundles/NAME from the rootless
# template (`ward spec --rootless`, the user's ids mapped to 0), args and an
# optional edit as the bundle helper does.
rl_bundle() {
    mkdir -p "$rl_home/bundles/$1"
    sed -e "s|\"args\":\[\"sh\"\]|\"args\":[$2]|" -e "${3:-}" \
        -e "s|4000000001|$rl_uid|; s|4000000002|$rl_gid|" \
        /bundle/config.rootless.json >"$rl_home/bundles/$1/config.json"
    chown -R "$rl_uid:$rl_gid" "$rl_home/bundles"
}
# rl_cgroup PID: the process's cgroup as the host sees it.
rl_cgroup() {
    sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null
}

# The user, its subordinate ids, and its manager (up to 60 s under TCG).
rl_setup() {
    rl_skip=
    touch /etc/subuid /etc/subgid
    if ! useradd -m -s /bin/sh "$rl_user" >/tmp/rl-useradd.out 2>&1; then
        rl_skip="useradd $rl_user: $(first_line /tmp/rl-useradd.out)"
        return
    fi
    rl_uid=$(id -u "$rl_user")
    rl_gid=$(id -g "$rl_user")
    rl_manager=$cgroot/user.slice/user-$rl_uid.slice/user@$rl_uid.service
    if ! loginctl enable-linger "$rl_user" >/tmp/rl-linger.out 2>&1; then
        rl_skip="loginctl enable-linger: $(first_line /tmp/rl-linger.out)"
        return
    fi
    i=0
    while [ $i -lt 600 ]; do
        if [ "$(systemctl is-active "user@$rl_uid.service")" = active ] &&
            [ -S "/run/user/$rl_uid/bus" ] && [ -S "/run/user/$rl_uid/systemd/private" ]; then
            return
        fi
        sleep 0.1
        i=$((i + 1))
    done
}

# What the rootless cases stand on: the manager runs with its subtree
# delegated (owned by the user, memory and pids available), the session's
# sockets exist, the user has a subordinate range, and systemd-run puts a
# command of the user's into a scope of that subtree.
test_rootless_user_manager() {
    name=rootless_user_manager_delegated
    state=$(systemctl is-active "user@$rl_uid.service")
    delegate=$(systemctl show -p Delegate --value "user@$rl_uid.service")
    owner=$(stat -c %u "$rl_manager" 2>/dev/null)
    controllers=$(cat "$rl_manager/cgroup.controllers" 2>/dev/null)
    subuid=$(grep "^$rl_user:" /etc/subuid)
    scope_cg=$(rl_scope cat /proc/self/cgroup 2>&1 | sed -n 's/^0:://p')
    echo "vm: rootless: user@$rl_uid.service $state Delegate=$delegate owner=$owner controllers='$controllers' subuid=$subuid systemd-run scope: $scope_cg"
    has_controllers=no
    echo "$controllers" | grep -qw memory && echo "$controllers" | grep -qw pids &&
        has_controllers=yes
    if [ "$state" != active ] || [ "$owner" != "$rl_uid" ]; then
        not_ok $name "user@$rl_uid.service is '$state', its cgroup owned by '$owner'"
    elif [ $has_controllers = no ]; then
        not_ok $name "$rl_manager/cgroup.controllers is '$controllers', want memory and pids"
    elif [ -z "$subuid" ]; then
        not_ok $name "no range for $rl_user in /etc/subuid"
    elif [ "$(stat -c %u "/run/user/$rl_uid")" != "$rl_uid" ]; then
        not_ok $name "/run/user/$rl_uid is not the user's"
    else
        case $scope_cg in
        "/user.slice/user-$rl_uid.slice/user@$rl_uid.service/"*.scope) ok $name ;;
        *) not_ok $name "systemd-run --user --scope ran in '$scope_cg'" ;;
        esac
    fi
}

rl_setup
if [ -n "$rl_skip" ]; then
    skip rootless_user_manager_delegated "$rl_skip"
else
    test_rootless_user_manager
fi
