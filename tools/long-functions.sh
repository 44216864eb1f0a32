#!/usr/bin/env bash
# Lists the functions of src/ longer than LIMIT lines (default 150), longest
# first, as "lines file:line name" (universal-ctags gives where each ends).
# Run it from the top of a checkout.
# Usage: tools/long-functions.sh [LIMIT] [DIR...]
set -euo pipefail
limit=${1:-150}
shift || true
# Run from the top of a checkout.
ctags -x --c++-kinds=f --fields=+ne --_xformat='%{end} %n %F %N' --languages=C++ -R "${@:-src}" 2>/dev/null |
    awk -v limit="$limit" '$1 != "" && $1 >= $2 { n = $1 - $2 + 1; if (n > limit) print n, $3 ":" $2, $4 }' |
    sort -rn
