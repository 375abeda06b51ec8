# Verified starts behind containerd and podman (issue 13): a client unpacks
# the image itself and hands ward a bundle with no ward annotation and no
# ward signature; ward runs it only when its rootfs is, file for file, an
# image of ward's store that the policy admits now. The policy is baseline's
# rules (what client configs need) with a trust section as hardened has one:
# only ward.test/busybox signed by this run's key, unverified refused.
#
# Everything lives under $CLIENT_TMP: the keys, the signed layouts, three
# stores (the image signed by the trusted key; the same image unsigned; the
# same image signed by another key), the private containerd and podman.
. "$repo/tests/clients/containerd.sh"
. "$repo/tests/clients/trust-lib.sh"

if ! install containerd runc umoci busybox-static podman conmon python3; then
    skip trust "apt-get install failed: $(tail -1 "$CLIENT_TMP/apt.log")"
    exit 0
fi

logs=$CLIENT_TMP/logs
mkdir -p "$logs"
if ! trust_setup >"$logs/trust-setup.log" 2>&1; then
    not_ok trust-setup "$(tail -3 "$logs/trust-setup.log" | tr '\n' ' ')"
    exit 0
fi

containerd_config >/dev/null
containerd_up trust || exit 0
. "$repo/tests/clients/trust-containerd.sh"

. "$repo/tests/clients/containerd-checks.sh"
# The tampered image first: no verified start of its layers has happened
# yet, so nothing is cached for them.
trust_checks ctr tampered-refused signed-runs unsigned-refused other-key-refused cached-start \
    tampered-after-cache-refused
trust_ctr_cleanup
left=$(containerd_leftovers) || left="the leftovers check itself failed (exit $?)"
if [ -z "$left" ]; then ok trust-ctr-leftovers; else not_ok trust-ctr-leftovers "$(tr '\n' ' ' <<<"$left")"; fi
containerd_stop

. "$repo/tests/clients/trust-podman.sh"
