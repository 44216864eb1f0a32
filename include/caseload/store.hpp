#pragma once
// The store: every SQL statement of caseload lives behind the functions
// declared here (and in caseload/store/*.hpp), named for what they do. The
// domain (register, records, admin, report, maintenance) decides *what* to
// read or write and who may; the store decides *how*.
//
// Layers: src/cli (parse, call the core, format) -> the domain in src/core
// (rules, roles, validation) -> the store (src/core/store/*.cpp) -> SQLite.
// src/cli holds no SQL and includes no SQLiteCpp header; tests/e2e/layers.sh
// keeps it so.
//
// One engine today, SQLite, implemented in src/core/store/sqlite_*.cpp over
// the connection `Database` (caseload/database.hpp, in sqlite_database.cpp).
// Upkeep is the SQLite engine's own (sqlite_maintenance.cpp: check_register,
// backup_register of caseload/maintenance.hpp). The functions take the
// store handle (`Database&`) and plain domain types (Key, ServiceUser,
// filters, rows): no SQLite type crosses this interface, so a PostgreSQL
// store can implement the same functions (a second engine turns Database
// into an abstract class with these as its verbs; callers do not change).
//
// Engine-specific, and so inside the SQLite store only:
//   - the connection setup: WAL, foreign_keys, secure_delete, synchronous,
//     the busy timeout from --wait (sqlite_database.cpp);
//   - the write lock: WriteTransaction is BEGIN IMMEDIATE (PostgreSQL: BEGIN
//     with lock_timeout);
//   - identity and versioning: application_id, user_version, the 0600 file;
//   - Database::scrub (a WAL checkpoint with TRUNCATE) behind the guarantee
//     "no old bytes of a renamed or erased ID remain";
//   - check_file_integrity and check_register (PRAGMA integrity_check,
//     foreign_key_check) and backup_register's sqlite3_backup_*;
//   - the report counts' SQL (caseload/store/reports.hpp): the population as
//     conditions, GROUP BY along the indexes, rows streamed by the C API;
//   - find_ids_with_prefix's planner steering (+uid, the row-count switch);
//   - storage_failure: SQLite result codes mapped to caseload's exit codes
//     (PostgreSQL would map SQLSTATE 55P03/40001 to busy, 42501 to denied).
// The import's own write (the virtual-table feed) is in
// caseload/store/import_feed.hpp.
//
// Database::sql() hands out the SQLite connection to the store's own files;
// caseload/database.hpp only forward-declares its type, so no SQLiteCpp
// header reaches a file that does not include one itself (src/cli never
// does). A second engine turns Database into an interface and moves sql()
// into the SQLite implementation.
#include "caseload/database.hpp"
#include "caseload/store/audit.hpp"
#include "caseload/store/benchmarks.hpp"
#include "caseload/store/directory.hpp"
#include "caseload/store/reports.hpp"
#include "caseload/store/service_users.hpp"
#include "caseload/store/upkeep.hpp"
