# Sourced by tests/clients/podman/smoke.sh: what contrib/podman/README.md
# tells a user to do, and the config podman generates for a default container.

# `podman --runtime ward` with ward registered by contrib/podman's
# containers.conf (merged into this run's CONTAINERS_CONF) and the policy
# from the WARD_POLICY it puts in conmon's environment: the README's command,
# a failing command's error, and the policy the container really ran under.
podman_contrib_way() {
    prun 60 ward --rm "$podman_image" sh -c 'echo hello; exit 7'
    if [ $rc -eq 7 ] && [ "$out" = hello ]; then
        podman_verdict ward-conf conf-run
    else
        podman_verdict ward-conf conf-run "$(podman_outcome)"
    fi
    prun 60 ward --rm "$podman_image" /nonexistent
    if [ $rc -eq 127 ] && [[ "$err" == *'/nonexistent'* ]]; then
        podman_verdict ward-conf conf-missing-command
    else
        podman_verdict ward-conf conf-missing-command "expected exit 127 naming /nonexistent: $(podman_outcome)"
    fi
    local id policy
    prun 60 ward -d "$podman_image"
    id=$out
    if [ $rc -ne 0 ]; then
        podman_verdict ward-conf conf-policy "$(podman_outcome)"
    else
        policy=$("$ward" --root "$podman_dir/state/ward-conf" policy show "$id" 2>&1)
        if [[ "$policy" == *'"name": "baseline"'* ]]; then
            podman_verdict ward-conf conf-policy
        else
            podman_verdict ward-conf conf-policy "not run under baseline: $(printf '%s' "$policy" | head -c 300)"
        fi
    fi
    pm rm -f -t 0 "$id" >/dev/null 2>&1
    podman_check_nothing_left ward-conf conf-nothing-left
}

# podman's config.json for a container of the image's default command with
# no option (other than this run's cgroup parent and the private settings
# above), under ward, with host-specific values replaced by placeholders. It
# must equal tests/data/clients/podman-default.json (the lead derives the
# baseline policy from these captures); WARD_UPDATE_CLIENT_CONFIGS=1 rewrites
# the file instead.
podman_default_config() {
    local fixture=$repo/tests/data/clients/podman-default.json id config
    prun 60 "$podman_ward" -d "$podman_image"
    id=$out
    if [ $rc -ne 0 ]; then
        podman_verdict ward default-container "$(podman_outcome)"
        pm rm -f -t 0 "$id" >/dev/null 2>&1
        return
    fi
    podman_verdict ward default-container
    config=$(pm inspect -f '{{.OCIConfigPath}}' "$id")
    python3 "$podman_tools/normalize-config.py" "$config" "$id" "$podman_dir" "$podman_cgroup_parent" \
        >"$podman_dir/podman-default.json"
    pm rm -f -t 0 "$id" >/dev/null 2>&1
    if [ "${WARD_UPDATE_CLIENT_CONFIGS:-}" = 1 ]; then
        mkdir -p "${fixture%/*}"
        cp "$podman_dir/podman-default.json" "$fixture"
    fi
    if cmp -s "$podman_dir/podman-default.json" "$fixture"; then
        podman_verdict ward default-config
    else
        podman_verdict ward default-config "differs from ${fixture#"$repo"/}: $(diff "$fixture" \
            "$podman_dir/podman-default.json" 2>&1 | head -8 | tr '\n' ' ')"
    fi
}
