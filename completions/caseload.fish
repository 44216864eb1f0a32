# fish completion for caseload(1)
#
# Commands and options are listed here (tests/e2e/docs.sh checks them against
# the program); values from the register (staff, services, Stars, needs, the
# IDs you may see) come from the program itself:
#   caseload [--db PATH] [--as USER] _complete values KIND [PREFIX] [CONTEXT...]

# Options that take a value, so that their values are not taken for commands.
set -g __caseload_valued --db --as --format --wait --organisation --lead --name --login \
    --id-pattern --id-pattern-description --description \
    --star --worker --manager --service --keyworker --dob --age-band --gender --ethnicity \
    --need --to --add --remove --set --clear --date --confirm --on-error --rejects --kind \
    --reason -n --count --by --suppress-below --su --actor --since --limit --started --until \
    --of --color --colour --action

# The words typed before the cursor, with options and their values left out:
# the group, the command and its arguments.
function __caseload_words
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    set -l group
    for t in $tokens
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $t
            case '--*=*'
                continue
            case '-*'
                # "staff add --lead" and "org pattern --clear" are flags;
                # "init --lead" and "su edit --clear" take a value.
                if contains -- $t $__caseload_valued
                    set skip 1
                    test "$t" = --lead; and test "$group" != init; and set skip 0
                    test "$t" = --clear; and test "$group" = org; and set skip 0
                end
                continue
        end
        test -z "$group"; and set group $t
        echo $t
    end
end

# True when the command typed so far is exactly "$argv" (e.g. su add).
function __caseload_is
    set -l words (__caseload_words)
    set -l n (count $argv)
    test (count $words) -ge $n; or return 1
    test "$words[1..$n]" = "$argv"
end

# True when no command group has been given yet.
function __caseload_needs_group
    test (count (__caseload_words)) -eq 0
end

# True when group $argv[1] has been given but not its command.
function __caseload_needs_command
    set -l words (__caseload_words)
    test (count $words) -eq 1; and test "$words[1]" = "$argv[1]"
end

# True when the command is "$argv" and N arguments follow it (N = the last word).
function __caseload_arg_count
    set -l n $argv[-1]
    set -e argv[-1]
    __caseload_is $argv; or return 1
    set -l words (__caseload_words)
    test (math (count $words) - (count $argv)) -eq $n
end

# The first argument after the command (the service user's ID); always one
# word, empty when there is none yet.
function __caseload_first_arg
    set -l words (__caseload_words)
    if test (count $words) -ge 3
        echo $words[3]
    else
        echo ''
    end
end

# The value of option $argv[1] on the command line; always one word.
function __caseload_option_value
    set -l tokens (commandline -opc)
    for i in (seq (count $tokens))
        if test "$tokens[$i]" = "$argv[1]"
            set -l next (math $i + 1)
            if test $next -le (count $tokens)
                echo $tokens[$next]
                return
            end
        else if string match -q -- "$argv[1]=*" $tokens[$i]
            string replace -- "$argv[1]=" '' $tokens[$i]
            return
        end
    end
    echo ''
end

# Values from the program: __caseload_values KIND [CONTEXT...].
function __caseload_values
    set -l tokens (commandline -opc)
    set -l global
    for i in (seq (count $tokens))
        switch $tokens[$i]
            case --db --as
                set -l next (math $i + 1)
                test $next -le (count $tokens); and set -a global $tokens[$i] $tokens[$next]
            case '--db=*' '--as=*'
                set -a global $tokens[$i]
        end
    end
    set -l token (commandline -ct)
    string match -q -- '--*=*' $token; and set token (string replace -r -- '^--[^=]*=' '' $token)
    set -l values ($tokens[1] $global _complete values $argv[1] $token $argv[2..-1] 2>/dev/null)
    printf '%s\n' $values
    # Too many IDs to offer: the helper gives only the prefix they all share.
    # fish ends a lone candidate with a space; a second, longer one (as
    # cobra's completions do) makes it insert just the shared prefix, so that
    # the user types on. '…' is in no ID, so the second is never an ID.
    if test "$argv[1]" = id; and test (count $values) -eq 1
        set -l under ($tokens[1] $global _complete values id $values[1] $argv[2..-1] 2>/dev/null)
        test (count $under) -eq 0; or return 0
        printf '%s\t%s\n' "$values[1]…" 'more IDs than can be listed: type on'
    end
end

complete -c caseload -f

# Options of the program itself, before or after any command.
complete -c caseload -l db -r -F -d 'The register file'
complete -c caseload -l as -x -a '(__caseload_values staff)' -d 'Act as another staff member (leads)'
complete -c caseload -l format -x -a 'table json jsonl csv tsv html md' -d 'Output format'
complete -c caseload -l json -d 'Same as --format json'
complete -c caseload -l wait -x -d 'Seconds to wait for a busy register'
complete -c caseload -s q -l quiet -d 'Print only data and errors'
complete -c caseload -l no-header -d 'Tables, csv and tsv without their heading line'
complete -c caseload -l utc -d 'Show times in UTC'
complete -c caseload -n __caseload_needs_group -l version -d 'Print the version'
complete -c caseload -s h -l help -d 'Print help'

# Command groups.
complete -c caseload -n __caseload_needs_group -a init -d 'Create a register and its first lead'
complete -c caseload -n __caseload_needs_group -a org -d 'The organisation and its settings'
complete -c caseload -n __caseload_needs_group -a service -d 'Services and the Star each uses'
complete -c caseload -n __caseload_needs_group -a staff -d 'Staff, their OS logins and their roles'
complete -c caseload -n __caseload_needs_group -a star -d 'The catalogue of Stars and their needs'
complete -c caseload -n __caseload_needs_group -a options -d 'The allowed values of each drop-down field'
complete -c caseload -n __caseload_needs_group -a su -d 'Service users: add, look up, list, change, import'
complete -c caseload -n __caseload_needs_group -a id -d 'The anonymity guard and generated IDs'
complete -c caseload -n __caseload_needs_group -a words -d "The organisation's own guard words"
complete -c caseload -n __caseload_needs_group -a report -d 'Count service users by a dimension'
complete -c caseload -n __caseload_needs_group -a benchmark -d 'Benchmark files shared between organisations'
complete -c caseload -n __caseload_needs_group -a log -d 'The audit trail'
complete -c caseload -n __caseload_needs_group -a db -d 'Integrity check, online backup, upgrade'

# init
complete -c caseload -n '__caseload_is init' -l organisation -x -d "The organisation's name"
complete -c caseload -n '__caseload_is init' -l lead -x -d 'Username of the first lead'
complete -c caseload -n '__caseload_is init' -l name -x -d "The lead's display name"
complete -c caseload -n '__caseload_is init' -l login -x -d 'OS login of the lead'
complete -c caseload -n '__caseload_is init' -l id-pattern -x -d 'A regular expression that new IDs must match'
complete -c caseload -n '__caseload_is init' -l id-pattern-description -x -d 'What the ID pattern asks for, in words'

# org
complete -c caseload -n '__caseload_needs_command org' -a show -d "Show the organisation's name and settings"
complete -c caseload -n '__caseload_needs_command org' -a pattern -d 'Set or clear the pattern new IDs must match (lead)'
complete -c caseload -n '__caseload_is org pattern' -l description -x -d 'What the pattern asks for, in words'
complete -c caseload -n '__caseload_is org pattern' -l clear -d 'Remove the pattern'

# service
complete -c caseload -n '__caseload_needs_command service' -a add -d 'Add a service (lead)'
complete -c caseload -n '__caseload_needs_command service' -a list -d 'List the services'
complete -c caseload -n '__caseload_needs_command service' -a show -d 'Show one service'
complete -c caseload -n '__caseload_is service add' -l name -x -d "The service's name"
complete -c caseload -n '__caseload_is service add' -l star -x -a '(__caseload_values star)' -d 'The Star it uses'
complete -c caseload -n '__caseload_arg_count service show 0' -a '(__caseload_values service)'

# staff
complete -c caseload -n '__caseload_needs_command staff' -a add -d 'Add a staff member (lead)'
complete -c caseload -n '__caseload_needs_command staff' -a list -d 'List staff'
complete -c caseload -n '__caseload_needs_command staff' -a show -d 'Show one staff member'
complete -c caseload -n '__caseload_needs_command staff' -a grant -d 'Give a staff member roles (lead)'
complete -c caseload -n '__caseload_needs_command staff' -a revoke -d 'Take roles from a staff member (lead)'
complete -c caseload -n '__caseload_needs_command staff' -a deactivate -d 'Stop a staff member acting (lead)'
complete -c caseload -n '__caseload_needs_command staff' -a activate -d 'Let a staff member act again (lead)'
complete -c caseload -n '__caseload_is staff add' -l name -x -d 'Display name'
complete -c caseload -n '__caseload_is staff add' -l login -x -d 'OS login that acts as this staff member'
complete -c caseload -n '__caseload_is staff add' -l no-check-login -d 'Accept a login this machine does not know'
for c in add grant revoke
    complete -c caseload -n "__caseload_is staff $c" -l lead -d 'Organisation lead (administrator)'
    complete -c caseload -n "__caseload_is staff $c" -l worker -x -a '(__caseload_values service)' -d 'Worker in SERVICE'
    complete -c caseload -n "__caseload_is staff $c" -l manager -x -a '(__caseload_values service)' -d 'Manager of SERVICE'
end
for c in show grant revoke deactivate
    complete -c caseload -n "__caseload_arg_count staff $c 0" -a '(__caseload_values staff)'
end
complete -c caseload -n '__caseload_arg_count staff activate 0' -a '(__caseload_values staff --inactive)'

# star
complete -c caseload -n '__caseload_needs_command star' -a list -d 'List the Stars'
complete -c caseload -n '__caseload_needs_command star' -a show -d "List a Star's support needs"
complete -c caseload -n '__caseload_needs_command star' -a add -d "Add your organisation's own Star (lead)"
complete -c caseload -n '__caseload_arg_count star show 0' -a '(__caseload_values star)'
complete -c caseload -n '__caseload_arg_count star add 0' -F

# options
complete -c caseload -n '__caseload_needs_command options' -a gender -d 'The allowed gender values'
complete -c caseload -n '__caseload_needs_command options' -a ethnicity -d 'The allowed ethnicity values'
complete -c caseload -n '__caseload_needs_command options' -a age-band -d 'The allowed age band values'

# su
complete -c caseload -n '__caseload_needs_command su' -a add -d 'Add one service user'
complete -c caseload -n '__caseload_needs_command su' -a show -d 'Show one service user'
complete -c caseload -n '__caseload_needs_command su' -a list -d 'List the service users you may see'
complete -c caseload -n '__caseload_needs_command su' -a rename -d "Change a service user's ID"
complete -c caseload -n '__caseload_needs_command su' -a allocate -d 'Reallocate to another worker'
complete -c caseload -n '__caseload_needs_command su' -a needs -d 'List or change support needs'
complete -c caseload -n '__caseload_needs_command su' -a edit -d 'Change the optional details'
complete -c caseload -n '__caseload_needs_command su' -a leave -d 'Mark as having left'
complete -c caseload -n '__caseload_needs_command su' -a return -d 'Mark as active again'
complete -c caseload -n '__caseload_needs_command su' -a erase -d 'Remove a record completely (lead)'
complete -c caseload -n '__caseload_needs_command su' -a import -d 'Add service users from a CSV or JSON-lines file'
complete -c caseload -n '__caseload_needs_command su' -a export -d 'Write the service users you may see'

complete -c caseload -n '__caseload_is su add' -l generate -d 'Generate a safe ID'
complete -c caseload -n '__caseload_is su add' -l service -x -a '(__caseload_values service)' -d 'Service code'
complete -c caseload -n '__caseload_is su add' -l keyworker -x -a '(__caseload_values keyworker --service (__caseload_option_value --service))' -d 'Keyworker'
complete -c caseload -n '__caseload_is su add' -l need -x -a '(__caseload_values need --service (__caseload_option_value --service))' -d "A need of the service's Star"
complete -c caseload -n '__caseload_is su add' -l confirm-anonymous -d 'Confirm the ID is anonymous'
complete -c caseload -n '__caseload_is su add' -l ids-to -r -F -d 'Also append the new ID to this file'
complete -c caseload -n '__caseload_is su add' -l started -x -d 'The day support began (default: today)'
complete -c caseload -n '__caseload_is su edit' -l started -x -d 'The day support began'
for c in add edit
    complete -c caseload -n "__caseload_is su $c" -l dob -x -d 'Date of birth, YYYY-MM-DD or DD/MM/YYYY'
    complete -c caseload -n "__caseload_is su $c" -l age-band -x -a '(__caseload_values age-band)' -d 'Age band'
    complete -c caseload -n "__caseload_is su $c" -l gender -x -a '(__caseload_values gender)' -d 'Gender'
    complete -c caseload -n "__caseload_is su $c" -l ethnicity -x -a '(__caseload_values ethnicity)' -d 'Ethnicity'
end
complete -c caseload -n '__caseload_is su edit' -l clear -x -a 'dob age-band gender ethnicity' -d 'Remove a detail'

for c in list export
    complete -c caseload -n "__caseload_is su $c" -l service -x -a '(__caseload_values service)' -d 'Only this service'
    complete -c caseload -n "__caseload_is su $c" -l keyworker -x -a '(__caseload_values keyworker)' -d "Only this keyworker's caseload"
    complete -c caseload -n "__caseload_is su $c" -l need -x -a '(__caseload_values need)' -d 'Only people with this need'
    complete -c caseload -n "__caseload_is su $c" -l include-left -d 'Include people who have left'
    complete -c caseload -n "__caseload_is su $c" -l left -d 'Only people who have left'
end

for c in show rename allocate needs edit
    complete -c caseload -n "__caseload_arg_count su $c 0" -a '(__caseload_values id)'
end
complete -c caseload -n '__caseload_arg_count su leave 0' -a '(__caseload_values id --status active)'
complete -c caseload -n '__caseload_arg_count su return 0' -a '(__caseload_values id --status left)'
complete -c caseload -n '__caseload_arg_count su erase 0' -a '(__caseload_values id --for erase)'

complete -c caseload -n '__caseload_is su rename' -l generate -d 'Generate a safe new ID'
complete -c caseload -n '__caseload_is su rename' -l confirm-anonymous -d 'Confirm the new ID is anonymous'
complete -c caseload -n '__caseload_is su rename' -l ids-to -r -F -d 'Also append OLD -> NEW to this file'
complete -c caseload -n '__caseload_is su allocate' -l to -x -a '(__caseload_values keyworker --su (__caseload_first_arg))' -d 'The new keyworker'
complete -c caseload -n '__caseload_is su needs' -l add -x -a '(__caseload_values need --su (__caseload_first_arg) --not-held)' -d 'Add a need'
complete -c caseload -n '__caseload_is su needs' -l remove -x -a '(__caseload_values need --su (__caseload_first_arg) --held)' -d 'Remove a need'
complete -c caseload -n '__caseload_is su needs' -l set -x -a '(__caseload_values need --su (__caseload_first_arg))' -d 'Replace the needs with this list'
complete -c caseload -n '__caseload_is su leave' -l date -x -d 'The day they left'
complete -c caseload -n '__caseload_is su erase' -l confirm -x -a '(__caseload_first_arg)' -d 'The same ID again'

complete -c caseload -n '__caseload_arg_count su import 0' -F -a '-' -d 'a file, or - for standard input'
complete -c caseload -n '__caseload_is su import' -l input-format -x -a 'csv jsonl' -d 'What the file holds'
complete -c caseload -n '__caseload_is su import' -l force -d 'Replace an existing rejects file'
complete -c caseload -n '__caseload_is su import' -l ids-to -r -F -d 'Also append the generated IDs to this file'
complete -c caseload -n '__caseload_is su import' -l dry-run -d 'Check everything, keep nothing'
complete -c caseload -n '__caseload_is su import' -l on-error -x -a 'abort skip' -d 'What a bad row does'
complete -c caseload -n '__caseload_is su import' -l rejects -r -F -d 'Write the bad rows to this CSV'
complete -c caseload -n '__caseload_is su import' -l skip-existing -d 'Skip rows already there with the same data'
complete -c caseload -n '__caseload_is su import' -l generate-ids -d 'Generate IDs for rows without one'
complete -c caseload -n '__caseload_is su import' -l confirm-anonymous -d 'Confirm IDs with warnings are anonymous'

# id
complete -c caseload -n '__caseload_needs_command id' -a check -d 'Explain what an ID must not contain'
complete -c caseload -n '__caseload_needs_command id' -a scan -d 'Re-check every stored ID'
complete -c caseload -n '__caseload_needs_command id' -a new -d 'Make IDs nobody has to invent'
complete -c caseload -n '__caseload_is id check' -l ask-name -d "Check against the person's real name too"
complete -c caseload -n '__caseload_is id new' -s n -l count -x -d 'How many'
complete -c caseload -n '__caseload_is id new' -l service -x -a '(__caseload_values service)' -d 'Prefix with this service code'

# words
complete -c caseload -n '__caseload_needs_command words' -a list -d 'List the guard words'
complete -c caseload -n '__caseload_needs_command words' -a add -d 'Add words IDs must not contain'
complete -c caseload -n '__caseload_needs_command words' -a allow -d 'Allow words the guard would flag'
complete -c caseload -n '__caseload_needs_command words' -a remove -d 'Remove guard words'
complete -c caseload -n '__caseload_is words add' -l kind -x -a 'name address' -d 'name or address'
complete -c caseload -n '__caseload_is words add' -l reason -x -d 'Why (kept in the audit trail)'
complete -c caseload -n '__caseload_is words allow' -l reason -x -d 'Why (kept in the audit trail)'
complete -c caseload -n '__caseload_is words remove' -a '(__caseload_values word)'

# report
complete -c caseload -n '__caseload_is report' -l by -x -a '(__caseload_values dimension)' -d 'Segment by this dimension'
complete -c caseload -n '__caseload_is report' -l service -x -a '(__caseload_values service)' -d 'Only this service'
complete -c caseload -n '__caseload_is report' -l keyworker -x -a '(__caseload_values keyworker)' -d "Only this keyworker's caseload"
complete -c caseload -n '__caseload_is report' -l need -x -a '(__caseload_values need)' -d 'Only people with this need'
complete -c caseload -n '__caseload_is report' -l include-left -d 'Also count people who have left'
complete -c caseload -n '__caseload_is report' -l compare -d "Add the percentages of the people on the same Star (or: --compare benchmark)"
complete -c caseload -n '__caseload_is report' -l suppress-below -x -d 'Hide counts under N'
complete -c caseload -n '__caseload_is report' -l since -x -d 'The period starts on this day'
complete -c caseload -n '__caseload_is report' -l until -x -d 'The period ends on this day'
complete -c caseload -n '__caseload_is report' -l of -x -a 'started left' -d 'The date --by month|quarter|year groups by'
complete -c caseload -n '__caseload_is report' -l flow -d 'Per period: active at start, started, left, active at end'
complete -c caseload -n '__caseload_is report' -l hide-empty -d 'Leave out values that count 0'
complete -c caseload -n '__caseload_is report' -l color -x -a 'auto always never' -d 'Colour the bars and the sign of a difference'
complete -c caseload -n '__caseload_is report' -l colour -x -a 'auto always never' -d 'Colour the bars and the sign of a difference'

# benchmark
complete -c caseload -n '__caseload_needs_command benchmark' -a export -d "Write this organisation's benchmark file (lead)"
complete -c caseload -n '__caseload_needs_command benchmark' -a add -d "Store another organisation's file (lead)"
complete -c caseload -n '__caseload_needs_command benchmark' -a list -d 'List the stored benchmark files'
complete -c caseload -n '__caseload_needs_command benchmark' -a remove -d 'Remove a stored benchmark file (lead)'
complete -c caseload -n '__caseload_is benchmark export' -l star -x -a '(__caseload_values star)' -d 'The Star'
complete -c caseload -n '__caseload_is benchmark export' -l as-name -x -d "A pseudonym instead of the organisation's name"
complete -c caseload -n '__caseload_is benchmark export' -s o -l output -r -F -d 'Write to this new file'
complete -c caseload -n '__caseload_is benchmark export' -l suppress-below -x -d 'Hide counts under N (default 8)'
complete -c caseload -n '__caseload_arg_count benchmark add 0' -F
complete -c caseload -n '__caseload_is benchmark list' -l star -x -a '(__caseload_values star)' -d "Only this Star's"

# log
complete -c caseload -n '__caseload_is log' -l su -x -a '(__caseload_values id)' -d 'Only events about this service user'
complete -c caseload -n '__caseload_is log' -l actor -x -a '(__caseload_values staff)' -d 'Only events by this staff member'
complete -c caseload -n '__caseload_is log' -l since -x -a 'today yesterday 7d 30d' -d 'Only events on or after this day'
complete -c caseload -n '__caseload_is log' -l until -x -a 'today yesterday' -d 'Only events on or before this day'
complete -c caseload -n '__caseload_is log' -l action -x -a 'su su.add su.allocate su.edit su.erase su.import su.leave su.needs su.rename su.return staff staff.add staff.grant staff.revoke staff.deactivate staff.activate words words.add words.allow words.remove org org.pattern org.pattern.clear service.add star.add allow' -d 'Only this action, or a group'
complete -c caseload -n '__caseload_is log' -l limit -x -d 'At most this many events'

# db
complete -c caseload -n '__caseload_needs_command db' -a check -d "Check the register's integrity (lead)"
complete -c caseload -n '__caseload_needs_command db' -a backup -d 'Copy the register while in use'
complete -c caseload -n '__caseload_needs_command db' -a upgrade -d 'Migrate to this schema version'
complete -c caseload -n '__caseload_arg_count db backup 0' -F
complete -c caseload -n '__caseload_is db backup' -l force -d 'Keep the copy even when it fails the integrity check'
