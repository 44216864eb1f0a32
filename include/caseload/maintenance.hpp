#pragma once
// db check, db backup: the register's integrity and its copies.
#include <functional>
#include <string>
#include <vector>

#include "caseload/database.hpp"

namespace caseload {

struct CheckProblem {
    std::string check;  // integrity, foreign-keys, keyworker, needs, ids, events
    std::string detail;
};

// SQLite's integrity_check and foreign_key_check, plus the domain's invariants.
std::vector<CheckProblem> check_register(Database& db);

struct BackupResult {
    int pages = 0;
    std::vector<CheckProblem> problems;  // of the copy's integrity check
};

// Online backup through SQLite's backup API, looping until done (busy pages
// are retried), into a temporary file beside the target, synced and renamed
// to the target when complete (never over an existing file); mode 0600.
// The copy's integrity is checked: a damaged copy is refused with
// Error(invalid) and removed, unless keep_damaged.
BackupResult backup_register(Database& db, const std::string& target, bool keep_damaged = false,
                             const std::function<void(int remaining, int total)>& progress = {});

}  // namespace caseload
