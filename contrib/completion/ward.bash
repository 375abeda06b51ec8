# bash completion for ward(8): verbs, global and verb flags, container IDs
# (from `ward list -q` under the --root on the command line) and signals.
# Install: cp ward.bash /usr/share/bash-completion/completions/ward

_ward_ids() {
    local root_args=()
    [[ -n $1 ]] && root_args=(--root "$1")
    ward "${root_args[@]}" list -q 2>/dev/null
}

_ward() {
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}

    local globals="--debug --log --log-format --root --criu --systemd-cgroup --rootless --help --version"
    local verbs="create start run state kill delete list spec features help
                 checkpoint events exec pause ps restore resume update audit"

    # Find the verb: the first word that is neither a global flag nor its value.
    local i verb="" verb_at=0 root=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        local w=${COMP_WORDS[i]}
        case $w in
        --root | -root) root=${COMP_WORDS[i + 1]}; ((i++)) ;;
        --log | -log | --log-format | -log-format | --criu | -criu | --rootless | -rootless) ((i++)) ;;
        --root=* | -root=*) root=${w#*=} ;;
        -*) ;;
        *) verb=$w; verb_at=$i; break ;;
        esac
    done

    # Values of flags that take one.
    case $prev in
    --root | -root | --bundle | -bundle | -b)
        COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --log | -log | --pid-file | -pid-file | --console-socket | -console-socket | --criu | -criu)
        COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --log-format | -log-format)
        COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
    --rootless | -rootless)
        [[ -z $verb ]] && { COMPREPLY=($(compgen -W "auto true false" -- "$cur")); return; } ;;
    --format | -format | -f)
        [[ $verb == list ]] && { COMPREPLY=($(compgen -W "table json" -- "$cur")); return; }
        [[ $verb == audit ]] && { COMPREPLY=($(compgen -W "table json sarif" -- "$cur")); return; } ;;
    --policy | -policy)
        [[ $verb == audit ]] &&
            { COMPREPLY=($(compgen -W "ward:hardened ward:baseline ward:compat" -- "$cur") $(compgen -f -- "$cur")); return; } ;;
    --container | -container)
        [[ $verb == audit ]] && { COMPREPLY=($(compgen -W "$(_ward_ids "$root")" -- "$cur")); return; } ;;
    --pid | -pid)
        return ;;
    --preserve-fds | -preserve-fds)
        return ;;
    esac

    if [[ -z $verb ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$globals" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$verbs" -- "$cur"))
        fi
        return
    fi

    local create_flags="--bundle --console-socket --pid-file --no-pivot --no-new-keyring --preserve-fds --help"
    local flags="--help"
    case $verb in
    create) flags=$create_flags ;;
    run) flags="$create_flags --detach --keep --no-subreaper" ;;
    kill) flags="--all --help" ;;
    delete) flags="--force --help" ;;
    list) flags="--format --quiet --help" ;;
    spec) flags="--bundle --rootless --help" ;;
    audit) flags="--policy --format --compare --container --pid --help" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
        return
    fi

    # Count the positional arguments already given to the verb.
    local args=0
    for ((i = verb_at + 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --bundle | -b | --pid-file | --console-socket | --preserve-fds | --format | -f | --policy | --container | --pid) ((i++)) ;;
        -*) ;;
        *) ((args++)) ;;
        esac
    done

    case $verb in
    start | state | delete | kill)
        if ((args == 0)); then
            COMPREPLY=($(compgen -W "$(_ward_ids "$root")" -- "$cur"))
        elif [[ $verb == kill ]] && ((args == 1)); then
            COMPREPLY=($(compgen -W "$(compgen -A signal | sed 's/^SIG//')" -- "$cur"))
        fi
        ;;
    help)
        ((args == 0)) && COMPREPLY=($(compgen -W "$verbs" -- "$cur"))
        ;;
    audit)
        # A config file or bundle; with --compare also ward's own defaults.
        COMPREPLY=($(compgen -W "ward:hardened ward:baseline ward:compat" -- "$cur") $(compgen -f -- "$cur"))
        ;;
    esac
}

complete -F _ward ward
