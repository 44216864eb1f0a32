#!/usr/bin/env bash
# Issue 18: every SQL statement lives in the store (src/core/store/), behind
# functions named for what they do. The CLI holds no SQL and includes no
# SQLiteCpp or sqlite3 header; the rest of the core holds no SQL either, but
# for the files listed in STILL_SQL below, each with the reason (the list
# only shrinks). See docs/ARCHITECTURE.md.
. "$(dirname "$0")/lib.sh"
SOURCE_DIR=${CASELOAD_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$SOURCE_DIR" || exit 1

# SQL in a string literal: a keyword of a statement, in capitals, after a
# quote and on the same line (messages and hints are in lower case).
SQL_IN_LITERAL='"[^"]*\b(SELECT|INSERT|UPDATE|DELETE|PRAGMA|BEGIN|COMMIT|ROLLBACK|CREATE|DROP|ALTER|VACUUM|ATTACH|WITH RECURSIVE)\b'

# Core files that still hold SQL, outside src/core/store/ (the import's is in
# src/core/store/import_*.cpp since the import-18 merge).
STILL_SQL=(
    src/core/schema.sql.hpp      # the SQLite schema and its migrations (kMigrations), the SQLite engine's own text
)

sql_files() { # DIR...: the files with SQL in a string literal
    grep -rlE --include='*.cpp' --include='*.hpp' --include='*.h' "$SQL_IN_LITERAL" "$@" 2>/dev/null | LC_ALL=C sort
}

t "the CLI holds no SQL"
found=$(sql_files src/cli src/main.cpp)
if [ -z "$found" ]; then pass; else fail "SQL in: $(echo $found)"; fi

t "the CLI includes no SQLiteCpp or sqlite3 header"
found=$(grep -rlE '#include\s*[<"](SQLiteCpp/|sqlite3\.h)' src/cli src/main.cpp | LC_ALL=C sort)
if [ -z "$found" ]; then pass; else fail "engine headers in: $(echo $found)"; fi

t "the core's public headers include no SQLiteCpp or sqlite3 header"
# The CLI includes caseload/*.hpp; an engine header in one of them would
# reach every CLI file (database.hpp only forward-declares SQLite::Database).
found=$(grep -rlE '#include\s*[<"](SQLiteCpp/|sqlite3\.h)' include | LC_ALL=C sort)
if [ -z "$found" ]; then pass; else fail "engine headers in: $(echo $found)"; fi

t "the core's public headers include only public headers"
found=$(grep -rlE '#include\s*"\.\.?/' include | LC_ALL=C sort)
if [ -z "$found" ]; then pass; else fail "private includes in: $(echo $found)"; fi

t "the CLI names no SQLite type"
found=$(grep -rlE '\bSQLite::|\bsqlite3_' src/cli src/main.cpp | LC_ALL=C sort)
if [ -z "$found" ]; then pass; else fail "SQLite types in: $(echo $found)"; fi

t "the core outside src/core/store holds no SQL (but the files listed in this suite)"
for file in $(sql_files src/core include); do
    case $file in src/core/store/* | include/caseload/store/*) continue ;; esac
    allowed=no
    for f in "${STILL_SQL[@]}"; do [ "$file" = "$f" ] && allowed=yes; done
    if [ $allowed = yes ]; then pass; else fail "SQL outside the store: $file"; fi
done
pass

t "the check sees SQL where there is some"
# A check that cannot fail is a defect: the store itself must be found.
found=$(sql_files src/core/store)
if [ -n "$found" ]; then pass; else fail "no SQL found in src/core/store: the pattern is wrong"; fi

finish
