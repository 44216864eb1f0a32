#pragma once
// db check, db backup: the register's integrity and its copies.
#include <functional>
#include <string>
#include <vector>

#include "caseload/database.hpp"

namespace caseload {

struct CheckProblem {
    std::string check;   // integrity, foreign-keys, keyworker, needs, ids, events
    std::string detail;
};

// SQLite's integrity_check and foreign_key_check, plus the domain's invariants.
std::vector<CheckProblem> check_register(Database& db);

// Online backup through SQLite's backup API, looping until done (busy pages
// are retried), into a new file created with mode 0600. Returns pages copied.
int backup_register(Database& db, const std::string& target,
                    const std::function<void(int remaining, int total)>& progress = {});

}  // namespace caseload
