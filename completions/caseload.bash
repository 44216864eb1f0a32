# bash completion for caseload(1)                          -*- shell-script -*-
#
# Commands and options are listed here (tests/e2e/docs.sh checks them against
# the program); values from the register (staff, services, Stars, needs, the
# IDs you may see) come from the program itself:
#   caseload [--db PATH] [--as USER] _complete values KIND [PREFIX] [CONTEXT...]

# The commands of each group.
_caseload_commands() {
    case $1 in
        "") echo "init org service staff star options su id words report benchmark log db" ;;
        org) echo "show pattern" ;;
        service) echo "add list show" ;;
        staff) echo "add list show grant revoke deactivate activate" ;;
        star) echo "list show add" ;;
        options) echo "gender ethnicity age-band" ;;
        su) echo "add show list rename allocate needs edit leave return erase import export" ;;
        id) echo "check scan new" ;;
        words) echo "list add allow remove" ;;
        benchmark) echo "export add list remove" ;;
        db) echo "check backup upgrade" ;;
    esac
}

# The options of each command; a trailing '=' marks an option that takes a value.
_caseload_options() {
    case $1 in
        "init") echo "--organisation= --lead= --name= --login= --id-pattern= --id-pattern-description=" ;;
        "org pattern") echo "--description= --clear" ;;
        "service add") echo "--name= --star=" ;;
        "staff add") echo "--name= --login= --no-check-login --lead --worker= --manager=" ;;
        "staff grant" | "staff revoke") echo "--lead --worker= --manager=" ;;
        "su add") echo "--generate --service= --keyworker= --dob= --age-band= --gender= --ethnicity= --need= --started= --confirm-anonymous --ids-to=" ;;
        "su list" | "su export") echo "--service= --keyworker= --need= --include-left --left" ;;
        "su rename") echo "--generate --confirm-anonymous --ids-to=" ;;
        "su allocate") echo "--to=" ;;
        "su needs") echo "--add= --remove= --set=" ;;
        "su edit") echo "--dob= --age-band= --gender= --ethnicity= --started= --clear=" ;;
        "su leave") echo "--date=" ;;
        "su erase") echo "--confirm=" ;;
        "db backup") echo "--force" ;;
        "su import") echo "--input-format= --dry-run --on-error= --rejects= --force --skip-existing --generate-ids --ids-to= --confirm-anonymous" ;;
        "id check") echo "--ask-name" ;;
        "id new") echo "-n= --count= --service=" ;;
        "words add") echo "--kind= --reason=" ;;
        "words allow") echo "--reason=" ;;
        "report") echo "--by= --service= --keyworker= --need= --include-left --compare --suppress-below= --since= --until= --of= --flow --hide-empty --color= --colour=" ;;
        "benchmark export") echo "--star= --as-name= -o= --output= --suppress-below=" ;;
        "benchmark list") echo "--star=" ;;
        "log") echo "--su= --actor= --since= --until= --action= --limit=" ;;
    esac
}

# Options of the program itself, accepted before or after any command.
_caseload_global_options="--db= --as= --format= --json --wait= -q --quiet --no-header --utc --version -h --help"

# Does option $2 of command $1 take a value?
_caseload_takes_value() {
    local opt
    for opt in $(_caseload_options "$1") $_caseload_global_options; do
        [[ $opt == "$2=" ]] && return 0
    done
    return 1
}

# Values from the program: _caseload_values KIND [CONTEXT...], matching $cur.
_caseload_values() {
    local kind=$1
    shift
    local IFS=$'\n'
    COMPREPLY+=($("$_caseload_bin" "${_caseload_global[@]}" _complete values "$kind" "$cur" "$@" 2>/dev/null))
    # Too many IDs to offer: the helper gives only the prefix they all share;
    # no space after it, so that the user can type on.
    if [[ $kind == id ]] && ((${#COMPREPLY[@]} == 1)) &&
        [[ -z $("$_caseload_bin" "${_caseload_global[@]}" _complete values id "${COMPREPLY[0]}" "$@" 2>/dev/null) ]]; then
        compopt -o nospace 2>/dev/null
    fi
}

_caseload_words() {
    local IFS=' '
    COMPREPLY+=($(compgen -W "$*" -- "$cur"))
}

_caseload_files() {
    if declare -F _filedir >/dev/null; then
        _filedir "$@"
    else
        local IFS=$'\n'
        COMPREPLY+=($(compgen -f -- "$cur"))
    fi
}

# The value of option $1 on the command line, if given.
_caseload_option_value() {
    local i
    for ((i = 1; i < cword; i++)); do
        if [[ ${words[i]} == "$1" ]]; then
            echo "${words[i + 1]}"
            return
        elif [[ ${words[i]} == "$1="* ]]; then
            echo "${words[i]#*=}"
            return
        fi
    done
}

# Completes the value of option $prev of command $path.
_caseload_option_values() {
    local su=${args[0]-}
    case $prev in
        --db | --rejects | --ids-to | -o | --output) _caseload_files ;;
        --as | --actor) _caseload_values staff ;;
        --of) _caseload_words started left ;;
        --color | --colour) _caseload_words auto always never ;;
        --action) _caseload_words su su.add su.allocate su.edit su.erase su.import su.leave su.needs su.rename su.return staff staff.add staff.grant staff.revoke staff.deactivate staff.activate words words.add words.allow words.remove org org.pattern org.pattern.clear service.add star.add allow ;;
        --format)
            if [[ $path == "report" ]]; then
                _caseload_words table json jsonl csv tsv html md
            else
                _caseload_words table json jsonl csv tsv
            fi
            ;;
        --input-format) _caseload_words csv jsonl ;;
        --service | --worker | --manager) _caseload_values service ;;
        --star) _caseload_values star ;;
        --keyworker)
            if [[ $path == "su add" ]]; then
                _caseload_values keyworker --service "$(_caseload_option_value --service)"
            else
                _caseload_values keyworker
            fi
            ;;
        --to) _caseload_values keyworker --su "$su" ;;
        --gender) _caseload_values gender ;;
        --ethnicity) _caseload_values ethnicity ;;
        --age-band) _caseload_values age-band ;;
        --need)
            if [[ $path == "su add" ]]; then
                _caseload_values need --service "$(_caseload_option_value --service)"
            else
                _caseload_values need
            fi
            ;;
        --add) _caseload_values need --su "$su" --not-held ;;
        --remove) _caseload_values need --su "$su" --held ;;
        --set) _caseload_values need --su "$su" ;;
        --by) _caseload_values dimension ;;
        --clear) _caseload_words dob age-band gender ethnicity ;;
        --on-error) _caseload_words abort skip ;;
        --kind) _caseload_words name address ;;
        --su) _caseload_values id ;;
        --confirm) [[ -n $su ]] && _caseload_words "$su" ;;
        *) ;;  # free text: names, dates, numbers
    esac
}

# Completes positional argument number $1 (from 0) of command $path.
_caseload_positional() {
    local n=$1
    case $path in
        "su show" | "su needs" | "su edit" | "su allocate" | "su rename")
            ((n == 0)) && _caseload_values id
            ;;
        "su leave") ((n == 0)) && _caseload_values id --status active ;;
        "su return") ((n == 0)) && _caseload_values id --status left ;;
        "su erase") ((n == 0)) && _caseload_values id --for erase ;;
        "su import")
            if ((n == 0)); then
                [[ -z $cur || $cur == - ]] && COMPREPLY+=(-)
                _caseload_files
            fi
            ;;
        "star add" | "db backup") ((n == 0)) && _caseload_files ;;
        "benchmark add")
            if ((n == 0)); then
                [[ -z $cur || $cur == - ]] && COMPREPLY+=(-)
                _caseload_files
            fi
            ;;
        "service show") ((n == 0)) && _caseload_values service ;;
        "star show") ((n == 0)) && _caseload_values star ;;
        "staff show" | "staff grant" | "staff revoke" | "staff deactivate")
            ((n == 0)) && _caseload_values staff
            ;;
        "staff activate") ((n == 0)) && _caseload_values staff --inactive ;;
        "words remove") _caseload_values word ;;
    esac
}

_caseload() {
    local cur prev words cword split=false
    if declare -F _init_completion >/dev/null; then
        _init_completion -s || return
    else
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        # Without bash-completion, '=' splits "--service=HO" into three words.
        if [[ $prev == = ]] && ((cword >= 2)); then
            prev=${COMP_WORDS[COMP_CWORD - 2]}
            split=true
        fi
    fi
    COMPREPLY=()

    local _caseload_bin=${words[0]}
    [[ $_caseload_bin == "~/"* ]] && _caseload_bin=$HOME/${_caseload_bin#"~/"}
    local -a _caseload_global=() args=()
    local group="" command="" path="" i w value_next=false

    # Walk the words before the cursor: the command, its options and arguments.
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if $value_next; then
            [[ $w == = ]] || value_next=false  # "--opt = value" without bash-completion
            continue
        fi
        case $w in
            --db | --as)
                local v=${words[i + 1]-}
                [[ $v == "~/"* ]] && v=$HOME/${v#"~/"}
                ((i + 1 < cword)) && _caseload_global+=("$w" "$v")
                value_next=true
                continue
                ;;
            --db=* | --as=*)
                _caseload_global+=("$w")
                continue
                ;;
            --*=*) continue ;;
            -*)
                _caseload_takes_value "$path" "$w" && value_next=true
                continue
                ;;
        esac
        if [[ -z $group ]]; then
            group=$w
            path=$w
        elif [[ -z $command && -n $(_caseload_commands "$group") ]]; then
            command=$w
            path="$group $w"
        else
            args+=("$w")
        fi
    done

    # The value of an option.
    if $split || { [[ $prev == -* ]] && _caseload_takes_value "$path" "$prev"; }; then
        _caseload_option_values
        return
    fi

    # Options.
    if [[ $cur == -* ]]; then
        local opt list=() seen=" "
        for opt in $(_caseload_options "$path") $_caseload_global_options; do
            opt=${opt%=}
            [[ $seen == *" $opt "* ]] && continue
            seen+="$opt "
            list+=("$opt")
        done
        COMPREPLY=($(compgen -W "${list[*]}" -- "$cur"))
        return
    fi

    # A command group, or one of its commands.
    if [[ -z $group ]]; then
        _caseload_words "$(_caseload_commands "")"
        return
    fi
    if [[ -z $command && -n $(_caseload_commands "$group") ]]; then
        _caseload_words "$(_caseload_commands "$group")"
        return
    fi

    _caseload_positional "${#args[@]}"
}

complete -F _caseload caseload
