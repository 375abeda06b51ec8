# bash completion for ward(8): verbs, global and verb flags, container IDs
# (from `ward list -q` under the --root on the command line) and signals.
# Install: cp ward.bash /usr/share/bash-completion/completions/ward

_ward_ids() {
    local root_args=()
    [[ -n $1 ]] && root_args=(--root "$1")
    ward "${root_args[@]}" list -q 2>/dev/null
}

# The names of the store's images (first column of `ward image ls`).
_ward_images() {
    ward image ls 2>/dev/null | awk 'NR > 1 { print $1 }'
}

_ward() {
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}

    local globals="--debug --log --log-format --root --criu --systemd-cgroup --rootless --help --version"
    local verbs="create start run state kill delete list spec features help
                 checkpoint events exec pause ps restore resume update audit
                 bundle image key sign verify policy profile"

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
    --image | -image)
        COMPREPLY=($(compgen -W "$(_ward_images)" -- "$cur")); return ;;
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

    local create_flags="--bundle --console-socket --pid-file --no-pivot --no-new-keyring --preserve-fds --image --help"
    local flags="--help"
    case $verb in
    create) flags=$create_flags ;;
    run) flags="$create_flags --detach --keep --no-subreaper" ;;
    kill) flags="--all --help" ;;
    delete) flags="--force --help" ;;
    list) flags="--format --quiet --help" ;;
    spec) flags="--bundle --rootless --help" ;;
    audit) flags="--policy --format --compare --container --pid --help" ;;
    bundle) flags="--image --help" ;;
    esac

    # Count the positional arguments already given to the verb, and find
    # where ward's own flags end (the parser's FlagsEnd): at the command
    # after the id for run/create --image, after DIR for bundle create.
    local args=0 image="" command_at=-1
    for ((i = verb_at + 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --) command_at=$args; break ;;
        --image | -image) image=1; ((i++)) ;;
        --bundle | -b | --pid-file | --console-socket | --preserve-fds | --format | -f | --policy | --container | --pid) ((i++)) ;;
        -*) ;;
        *)
            if [[ ($verb == run || $verb == create) && -n $image && $args -eq 1 ]] ||
                [[ $verb == bundle && $args -eq 2 ]]; then
                command_at=$args
                break
            fi
            ((args++)) ;;
        esac
    done
    # In the command: what follows is the container's, not ward's.
    if ((command_at >= 0)); then
        COMPREPLY=($(compgen -f -- "$cur"))
        return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
        return
    fi

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
    run | create)
        # With --image, the word after the id is the command.
        [[ -n $image ]] && ((args == 1)) && COMPREPLY=($(compgen -c -- "$cur"))
        ;;
    bundle)
        if ((args == 0)); then
            COMPREPLY=($(compgen -W "create" -- "$cur"))
        elif ((args == 1)); then
            COMPREPLY=($(compgen -d -- "$cur"))
        else
            COMPREPLY=($(compgen -c -- "$cur"))
        fi
        ;;
    audit)
        # A config file or bundle; with --compare also ward's own defaults.
        COMPREPLY=($(compgen -W "ward:hardened ward:baseline ward:compat" -- "$cur") $(compgen -f -- "$cur"))
        ;;
    esac
}

complete -F _ward ward
