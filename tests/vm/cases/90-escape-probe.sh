# Sourced by guest-tests.sh: the escape probe's attempts that need kernel
# files the build host's kernel does not have (/proc/sysrq-trigger,
# /proc/kcore, /dev/mem; x32 system calls, enabled here by syscall.x32=y;
# AF_VSOCK with the vsock module loaded). The attacks lane runs every other
# attempt on the host. Each attempt runs twice: on the guest itself, as root
# outside any container (the control: it must succeed, or the attempt
# proves nothing), and in a container under the guest's hardened policy,
# where it must be refused.

probe_attempt() {
    attempt=$1
    name=escape_$(echo "$attempt" | tr - _)
    control=$(escape-probe --only "$attempt" 2>&1 | grep "^attempt $attempt:")
    case $control in
    *": allowed: "*) ;;
    *)
        not_ok $name "could not run: the guest itself refuses it (${control:-no answer})"
        return
        ;;
    esac
    id=probe-$attempt
    bundle $id "\"/escape-probe\",\"--only\",\"$attempt\""
    ward run -b /bundles/$id $id </dev/null >/tmp/$id.out 2>/tmp/$id.err
    got=$(grep "^attempt $attempt:" /tmp/$id.out)
    ward delete --force $id >/dev/null 2>&1
    case $got in
    *": refused: "*) ok "$name (${got#*: refused: })" ;;
    *": allowed: "*) not_ok $name "NOT BLOCKED in a hardened container: ${got#*: allowed: }" ;;
    *) not_ok $name "could not run in the container: ${got:-$(first_line /tmp/$id.err)}" ;;
    esac
}

for attempt in write-sysrq-trigger read-kcore read-dev-mem socket-vsock socket-vsock-x32; do
    probe_attempt $attempt
done
