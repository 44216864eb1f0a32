#pragma once
// The store's upkeep: integrity checks of the file. See caseload/store.hpp.
#include <string>
#include <vector>

#include "caseload/maintenance.hpp"

namespace caseload::store {

// SQLite's own check of the register's file, opened apart from Database::open
// (for a register too damaged to load). Problems name tables and pages, never
// a person. A file that cannot be read at all is one problem.
std::vector<CheckProblem> check_file_integrity(const std::string& path, double wait_seconds);

}  // namespace caseload::store
