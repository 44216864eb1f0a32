// The SQLite store's upkeep (caseload/store/upkeep.hpp).
#include <fmt/format.h>
#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include "caseload/store/upkeep.hpp"
#include "caseload/text.hpp"

namespace caseload::store {

std::vector<CheckProblem> check_file_integrity(const std::string& path, double wait_seconds) {
    std::vector<CheckProblem> problems;
    try {
        // Read and write, although it only reads: a read-only connection
        // could not remove the -wal and -shm it makes beside the file.
        SQLite::Database db(path, SQLite::OPEN_READWRITE, static_cast<int>(wait_seconds * 1000));
        SQLite::Statement q(db, "PRAGMA integrity_check");
        while (q.executeStep()) {
            // One row may hold several lines ("*** in database main ***\nPage 4: ...").
            for (const auto& line : split(q.getColumn(0).getString(), '\n'))
                if (!line.empty() && line != "ok" && !line.starts_with("***"))
                    problems.push_back({"integrity", printable(line, 500)});
        }
    } catch (const SQLite::Exception& e) {
        const int code = e.getErrorCode() & 0xFF;
        if (code != SQLITE_CORRUPT && code != SQLITE_NOTADB) throw;
        problems.push_back({"integrity", fmt::format("the file cannot be read: {}",
                                                     printable(e.getErrorStr(), 200))});
    }
    return problems;
}

}  // namespace caseload::store
