#!/usr/bin/env bash
# Issue 7: the man pages and the three completion files cover every command
# and option of the program, as the program itself lists them
# ('caseload _complete commands'); the pages render without a groff warning;
# every command's --help has a description, its options and examples.
. "$(dirname "$0")/lib.sh"
SOURCE_DIR=${CASELOAD_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAN_DIR=$SOURCE_DIR/man
COMPLETIONS=$SOURCE_DIR/completions
# The completions run 'caseload' from PATH, as a user's shell would.
mkdir -p "$SCRATCH/bin"
ln -s "$(cd "$(dirname "$CASELOAD_BIN")" && pwd)/$(basename "$CASELOAD_BIN")" "$SCRATCH/bin/caseload"
export PATH="$SCRATCH/bin:$PATH"

t "the helper lists every command"
run _complete commands
expect_status 0
printf '%s\n' "$out" >"$SCRATCH/commands.txt"
expect_out_has "caseload	-h --help --version"
for path in "caseload init" "caseload su add" "caseload su show" "caseload su list" "caseload id check" \
    "caseload staff add" "caseload report" "caseload log" "caseload db backup"; do
    if grep -q "^$path	" "$SCRATCH/commands.txt"; then pass; else fail "no line for '$path'"; fi
done
expect_out_lacks "_complete"
# The helper builds the whole tree itself: it agrees with what --help lists.
children() { # PATH: the commands the helper lists under PATH
    awk -F'\t' -v p="$1" '{ n = split($1, w, " "); q = w[1]; for (i = 2; i < n; i++) q = q " " w[i]; if (n > 1 && q == p) print w[n] }' \
        "$SCRATCH/commands.txt" | LC_ALL=C sort | tr '\n' ' '
}
help_commands() { # the "Subcommands:" of --help output on stdin
    awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1; next } on && /^$/ { exit }' |
        LC_ALL=C sort | tr '\n' ' '
}
run --help
expect_eq "$(printf '%s\n' "$out" | help_commands)" "$(children caseload)" "(commands of 'caseload --help')"
for group in $(children caseload); do
    run "$group" --help
    expect_status 0
    expect_eq "$(printf '%s\n' "$out" | help_commands)" "$(children "caseload $group")" "(commands of 'caseload $group --help')"
done

t "man pages render without warnings"
pages=("$MAN_DIR"/*.1)
expect_eq "${#pages[@]}" "14" "(man pages: caseload.1 and one per command group)"
for page in "${pages[@]}"; do
    warnings=$(groff -man -ww -z "$page" 2>&1)
    if [ -z "$warnings" ]; then pass; else fail "$(basename "$page"): $warnings"; fi
    # The page's name in .TH matches its file.
    name=$(basename "$page" .1)
    th=$(awk '/^\.TH/ { print $2; exit }' "$page" | sed 's/\\-/-/g' | tr 'A-Z' 'a-z')
    expect_eq "$th" "$name" "(.TH of $(basename "$page"))"
    # What man itself says, with its own checks.
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
    if [ -z "$warnings" ]; then pass; else fail "man -l $(basename "$page"): $warnings"; fi
done

# Every page as plain text, one line per paragraph line, no wrapping.
mkdir -p "$SCRATCH/text"
for page in "${pages[@]}"; do
    groff -man -Tascii -rLL=3000n -P-c -P-b -P-o -P-u "$page" 2>/dev/null \
        >"$SCRATCH/text/$(basename "$page" .1).txt"
done

t "man pages cover every command and option"
# For "caseload su add": the page caseload-su, a heading that starts with
# "caseload su add", and each option in that command's section. The program's
# global options must be in caseload(1).
python3 - "$SCRATCH/commands.txt" "$SCRATCH/text" >"$SCRATCH/man-coverage.txt" <<'PY'
import os, re, sys
commands, text_dir = sys.argv[1], sys.argv[2]
def load(name):
    path = os.path.join(text_dir, name + ".txt")
    return open(path).read().splitlines() if os.path.exists(path) else None
paths = [line.rstrip("\n").partition("\t")[0] for line in open(commands)]
groups = {p.split()[1] for p in paths if len(p.split()) == 2}
leaves = {p for p in paths if not any(q.startswith(p + " ") for q in paths)}
for line in open(commands):
    path, _, opts = line.rstrip("\n").partition("\t")
    words = path.split()
    page = "caseload" if len(words) == 1 else "caseload-" + words[1]
    lines = load(page)
    if lines is None:
        print(f"FAIL no man page {page}.1 for '{path}'")
        continue
    options = opts.split()
    if len(words) == 1:
        section = lines
    else:
        # The command's section: from its heading (a sub-heading, or the
        # synopsis for a command without sub-commands) to the next heading.
        start = None
        for i, l in enumerate(lines):
            if re.match(r"^ {0,3}" + re.escape(path) + r"(\s|$)", l):
                start = i
                break
        if start is None:
            joined = "\n".join(lines)
            if len(words) == 2 and words[1] in groups and re.search(re.escape(path) + r"\b", joined):
                start = 0   # a group: mentioned in its page
            else:
                print(f"FAIL {page}.1 has no heading for '{path}'")
                continue
        section = [lines[start]]
        for l in lines[start + 1:]:
            if start > 0 and re.match(r"^ {0,3}\S", l):
                break
            section.append(l)
        if start == 0:
            section = lines
    body = "\n".join(section)
    for opt in options:
        if not re.search(r"(^|[^-\w])" + re.escape(opt) + r"($|[^-\w])", body):
            print(f"FAIL {page}.1: '{path}' lacks {opt} in its section")
    # An example: an indented line that runs the command.
    if path in leaves and len(words) > 1 and not re.search(r"(?m)^ {7,}" + re.escape(path) + r"\b", body):
        print(f"FAIL {page}.1: '{path}' has no example")
    print(f"ok {path}")
PY
while IFS= read -r line; do
    case $line in
        ok*) pass ;;
        FAIL*) CURRENT="man pages: ${line#FAIL }"; fail "${line#FAIL }" ;;
    esac
done <"$SCRATCH/man-coverage.txt"
t "man pages cover every command and option"
if [ -s "$SCRATCH/man-coverage.txt" ]; then pass; else fail "the coverage check printed nothing"; fi

t "caseload(1) has the sections of the issue"
main=$SCRATCH/text/caseload.txt
for section in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS ENVIRONMENT FILES "EXIT STATUS" SECURITY EXAMPLES "SEE ALSO"; do
    if grep -q "^$section\$" "$main"; then pass; else fail "no section $section"; fi
done
for variable in CASELOAD_DB CASELOAD_USER NO_COLOR XDG_DATA_HOME CASELOAD_TODAY /var/lib/caseload "network filesystem"; do
    if grep -qF -- "$variable" "$main"; then pass; else fail "caseload(1) does not mention $variable"; fi
done
# The whole exit status table of spec §5, one entry per code.
exit_status=$(sed -n '/^EXIT STATUS$/,/^SECURITY$/p' "$main")
for code in 0 1 2 3 4 5 6 7 8; do
    if printf '%s\n' "$exit_status" | grep -qE "^ +$code\b"; then pass; else fail "EXIT STATUS lacks $code"; fi
done
for page in "${pages[@]}"; do
    name=$(basename "$page" .1)
    [ "$name" = caseload ] && continue
    if grep -q "${name}(1)" "$main"; then pass; else fail "caseload(1) does not refer to $name(1)"; fi
done
if grep -q "no small-number suppression by default" "$SCRATCH/text/caseload-report.txt" &&
    grep -qF -- "--suppress-below N" "$SCRATCH/text/caseload-report.txt"; then pass; else
    fail "caseload-report(1) must say there is no small-number suppression by default"
fi

t "the completion files name every command and option"
for file in caseload.bash _caseload caseload.fish; do
    missing=()
    while IFS=$'\t' read -r path options; do
        words=($path)
        for word in "${words[@]:1}"; do
            grep -qE -- "(^|[^-a-z])$word([^-a-z]|\$)" "$COMPLETIONS/$file" || missing+=("command '$word'")
        done
        for opt in $options; do
            pattern=$opt
            # fish names options as "-l name" and "-s n".
            if [ "$file" = caseload.fish ]; then
                case $opt in
                    --*) pattern="-l ${opt#--}" ;;
                    -*) pattern="-s ${opt#-}" ;;
                esac
            fi
            grep -qE -- "(^|[^-a-z])$pattern([^-a-z]|\$)" "$COMPLETIONS/$file" || missing+=("$opt ($path)")
        done
    done <"$SCRATCH/commands.txt"
    if [ ${#missing[@]} -eq 0 ]; then pass; else fail "$file lacks: ${missing[*]}"; fi
done

t "bash: the options of each command are exactly the program's"
# The bash file's tables, read by bash itself.
bash_lists=$(bash --norc --noprofile -c '
    source "$1"
    while IFS=$'"'\t'"' read -r path options; do
        words=($path)
        group=${words[1]-} command=${words[2]-}
        if [ -z "$group" ]; then
            echo "caseload|$(_caseload_commands "")|${_caseload_global_options//=/}"
        elif [ -z "$command" ]; then
            o=$(_caseload_options "$group")
            echo "$path|$(_caseload_commands "$group")|${o//=/}"
        else
            o=$(_caseload_options "$group $command")
            echo "$path||${o//=/}"
        fi
    done <"$2"' bash "$COMPLETIONS/caseload.bash" "$SCRATCH/commands.txt")
while IFS=$'\t' read -r path options; do
    line=$(printf '%s\n' "$bash_lists" | grep "^$path|")
    IFS='|' read -r _ commands bash_options <<<"$line"
    # Sub-commands the program has under this path.
    expected_commands=$(awk -F'\t' -v p="$path" '{ n = split($1, w, " "); q = w[1]; for (i = 2; i < n; i++) q = q " " w[i]; if (n > 1 && q == p) print w[n] }' \
        "$SCRATCH/commands.txt" | LC_ALL=C sort | tr '\n' ' ')
    got_commands=$(printf '%s\n' $commands | grep -v '^$' | LC_ALL=C sort | tr '\n' ' ')
    expect_eq "$got_commands" "$expected_commands" "(commands under '$path' in caseload.bash)"
    expected_options=$(printf '%s\n' $options | grep -v '^$' | LC_ALL=C sort | tr '\n' ' ')
    got_options=$(printf '%s\n' $bash_options | grep -v '^$' | LC_ALL=C sort | tr '\n' ' ')
    expect_eq "$got_options" "$expected_options" "(options of '$path' in caseload.bash)"
done <"$SCRATCH/commands.txt"

t "fish: the options each command offers are exactly the program's"
fish_script=$SCRATCH/fish-options.fish
{
    echo "source '$COMPLETIONS/caseload.fish'"
    while IFS=$'\t' read -r path options; do
        [ "$path" = caseload ] && continue
        # Only the command's own options: global ones are offered everywhere.
        echo "echo '>>> $path'; complete -C '$path -' | string replace -r '\t.*' '' | string match -r -- '^--?[a-z].*'"
    done <"$SCRATCH/commands.txt"
    echo "echo '>>> caseload'; complete -C 'caseload -' | string replace -r '\t.*' '' | string match -r -- '^--?[a-z].*'"
} >"$fish_script"
fish --no-config "$fish_script" >"$SCRATCH/fish-options.txt" 2>"$SCRATCH/fish-errors.txt"
if [ ! -s "$SCRATCH/fish-errors.txt" ]; then pass; else fail "fish: $(head -c 400 "$SCRATCH/fish-errors.txt")"; fi
globals=$(grep "^caseload	" "$SCRATCH/commands.txt" | cut -f2)
while IFS=$'\t' read -r path options; do
    got=$(awk -v p=">>> $path" '$0 == p { on = 1; next } /^>>> / { on = 0 } on' "$SCRATCH/fish-options.txt" | LC_ALL=C sort -u | tr '\n' ' ')
    if [ "$path" = caseload ]; then
        expected=$(printf '%s\n' $options | LC_ALL=C sort -u | tr '\n' ' ')
    else
        expected=$(printf '%s\n' $options $globals | grep -vx -- --version | LC_ALL=C sort -u | tr '\n' ' ')
    fi
    expect_eq "$got" "$expected" "(options fish offers for '$path')"
done <"$SCRATCH/commands.txt"

t "zsh: every command has a function and the file loads"
while IFS=$'\t' read -r path options; do
    words=($path)
    [ ${#words[@]} -lt 2 ] && continue
    fn="_caseload_$(printf '%s_' "${words[@]:1}" | sed 's/_$//; s/-/_/g')"
    if grep -qE "^$fn\(\)" "$COMPLETIONS/_caseload"; then pass; else fail "_caseload has no function $fn for '$path'"; fi
done <"$SCRATCH/commands.txt"

t "--help: a description, the options and examples for every command"
while IFS=$'\t' read -r path options; do
    [ "$path" = caseload ] && continue
    words=($path)
    run "${words[@]:1}" --help
    expect_status 0
    first=$(printf '%s\n' "$out" | head -1)
    if [ -n "$first" ] && [ "${first#Usage}" = "$first" ]; then pass; else fail "'$path --help' has no description line"; fi
    for opt in $options; do
        if printf '%s' "$out" | grep -qE -- "(^|[ ,])$opt([ ,=]|\$)"; then pass; else fail "'$path --help' lacks $opt"; fi
    done
    # A leaf command (no sub-commands) shows one or two examples.
    if ! grep -q "^$path " "$SCRATCH/commands.txt"; then
        if printf '%s' "$out" | grep -q "^Examples:"; then pass; else fail "'$path --help' has no examples"; fi
    fi
done <"$SCRATCH/commands.txt"
run
expect_status 0
for group in init org service staff star options su id words report log db; do expect_out_has "  $group "; done

finish
