#include "caseload/maintenance.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SQLiteCpp/Statement.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "caseload/error.hpp"
#include "caseload/id.hpp"
#include "caseload/text.hpp"

namespace caseload {

std::vector<CheckProblem> check_register(Database& db) {
    std::vector<CheckProblem> problems;
    auto& sql = db.sql();
    {
        SQLite::Statement q(sql, "PRAGMA integrity_check");
        while (q.executeStep()) {
            std::string row = q.getColumn(0).getString();
            if (row != "ok") problems.push_back({"integrity", row});
        }
    }
    {
        SQLite::Statement q(sql, "PRAGMA foreign_key_check");
        while (q.executeStep())
            problems.push_back({"foreign-keys",
                                fmt::format("row {} of {} refers to a missing row of {}",
                                            q.getColumn(1).getString(), q.getColumn(0).getString(),
                                            q.getColumn(2).getString())});
    }
    {
        SQLite::Statement q(sql,
                            "SELECT su.uid, sv.code, st.username, st.active FROM service_user su "
                            "JOIN service sv ON sv.id = su.service_id "
                            "JOIN staff st ON st.id = su.keyworker_id "
                            "WHERE su.status = 'active' AND (st.active = 0 OR NOT EXISTS "
                            "(SELECT 1 FROM staff_role r WHERE r.staff_id = su.keyworker_id AND "
                            "r.service_id = su.service_id AND r.role = 'worker'))");
        while (q.executeStep())
            problems.push_back(
                {"keyworker", fmt::format("'{}': keyworker {} is not an active worker of {}",
                                          q.getColumn(0).getString(), q.getColumn(2).getString(),
                                          q.getColumn(1).getString())});
    }
    {
        SQLite::Statement q(sql,
                            "SELECT su.uid, n.code, sv.code FROM su_need x "
                            "JOIN service_user su ON su.id = x.su_id "
                            "JOIN service sv ON sv.id = su.service_id "
                            "JOIN star_need n ON n.id = x.need_id WHERE n.star_id <> sv.star_id");
        while (q.executeStep())
            problems.push_back({"needs", fmt::format("'{}': need {} is not of the Star of {}",
                                                     q.getColumn(0).getString(),
                                                     q.getColumn(1).getString(),
                                                     q.getColumn(2).getString())});
    }
    {
        SQLite::Statement q(sql, "SELECT uid FROM service_user");
        while (q.executeStep()) {
            std::string id = q.getColumn(0).getString();
            if (auto problem = id_format_problem(id); problem || trim(id) != id)
                problems.push_back(
                    {"ids", fmt::format("'{}' {}", printable(id),
                                        problem ? *problem : "has surrounding white space")});
        }
        SQLite::Statement d(sql,
                            "SELECT lower(uid), count(*) FROM service_user GROUP BY lower(uid) "
                            "HAVING count(*) > 1");
        while (d.executeStep())
            problems.push_back({"ids", fmt::format("'{}' is stored {} times (IDs ignore case)",
                                                   d.getColumn(0).getString(),
                                                   d.getColumn(1).getInt())});
    }
    {
        // An event's service user exists, or was erased (and the erasure is recorded).
        SQLite::Statement q(sql,
                            "SELECT e.id, e.su_id FROM event e WHERE e.su_id IS NOT NULL "
                            "AND NOT EXISTS (SELECT 1 FROM service_user su WHERE su.id = e.su_id) "
                            "AND NOT EXISTS (SELECT 1 FROM event x WHERE x.su_id = e.su_id AND "
                            "x.action = 'su.erase')");
        while (q.executeStep())
            problems.push_back({"events", fmt::format("event {} refers to service user key {}, "
                                                      "which neither exists nor was erased",
                                                      q.getColumn(0).getInt64(),
                                                      q.getColumn(1).getInt64())});
    }
    return problems;
}

int backup_register(Database& db, const std::string& target,
                    const std::function<void(int, int)>& progress) {
    int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            throw Error(Exit::conflict, fmt::format("{} already exists", printable(target, 200)),
                        "a backup never overwrites a file; choose a new name or remove the old one");
        throw Error(Exit::failure,
                    fmt::format("cannot create {}: {}", printable(target, 200), std::strerror(errno)),
                    "check that the directory exists and is writable");
    }
    ::fchmod(fd, 0600);
    ::close(fd);
    sqlite3* dest = nullptr;
    auto fail = [&](const std::string& what) {
        if (dest) sqlite3_close(dest);
        std::error_code ec;
        std::filesystem::remove(target, ec);
        throw Error(Exit::failure, fmt::format("backup to {} failed: {}", printable(target, 200), what),
                    "check the disk space and try again; the register itself is unchanged");
    };
    if (sqlite3_open_v2(target.c_str(), &dest, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
        fail(dest ? sqlite3_errmsg(dest) : "cannot open");
    sqlite3_backup* backup = sqlite3_backup_init(dest, "main", db.sql().getHandle(), "main");
    if (!backup) fail(sqlite3_errmsg(dest));
    int rc;
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(static_cast<long>(db.wait_seconds() * 1000) + 60000);
    // Copy in steps so that writers get the lock between them; a step that
    // meets a busy or locked source is simply retried.
    while (true) {
        rc = sqlite3_backup_step(backup, 256);
        if (progress) progress(sqlite3_backup_remaining(backup), sqlite3_backup_pagecount(backup));
        if (rc == SQLITE_DONE) break;
        if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            if (rc != SQLITE_OK) {
                if (std::chrono::steady_clock::now() > deadline) {
                    sqlite3_backup_finish(backup);
                    dest = (sqlite3_close(dest), nullptr);
                    std::error_code ec;
                    std::filesystem::remove(target, ec);
                    throw Error(Exit::busy, "the register stayed busy during the backup",
                                "try again later, or give --wait SECONDS");
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
            continue;
        }
        sqlite3_backup_finish(backup);
        fail(sqlite3_errstr(rc));
    }
    int pages = sqlite3_backup_pagecount(backup);
    rc = sqlite3_backup_finish(backup);
    if (rc != SQLITE_OK) fail(sqlite3_errstr(rc));
    // The copy is a self-contained file: no WAL beside it.
    sqlite3_exec(dest, "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr);
    sqlite3_close(dest);
    ::chmod(target.c_str(), 0600);
    return pages;
}

}  // namespace caseload
