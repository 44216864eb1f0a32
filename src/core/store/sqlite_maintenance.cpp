#include "caseload/maintenance.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <csignal>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <random>
#include <thread>

#include "caseload/error.hpp"
#include "caseload/id.hpp"
#include "caseload/signals.hpp"
#include "caseload/text.hpp"

namespace caseload {

namespace {

// Whether service_user has a unique index on uid alone, in NOCASE order.
bool has_unique_nocase_uid_index(SQLite::Database& sql) {
    SQLite::Statement q(sql,
                        "SELECT 1 FROM pragma_index_list('service_user') l "
                        "WHERE l.\"unique\" = 1 AND (SELECT count(*) FROM "
                        "pragma_index_xinfo(l.name) x WHERE x.key = 1) = 1 AND EXISTS "
                        "(SELECT 1 FROM pragma_index_xinfo(l.name) x WHERE x.key = 1 AND "
                        "x.name = 'uid' AND x.coll = 'NOCASE')");
    return q.executeStep();
}

// Every check but integrity_check, on the register's own connection.
void check_the_rest(SQLite::Database& sql,
                    const std::function<void(const char*, const std::function<void()>&)>& section,
                    std::vector<CheckProblem>& problems) {
    section("foreign-keys", [&] {
        SQLite::Statement q(sql, "PRAGMA foreign_key_check");
        while (q.executeStep())
            problems.push_back(
                {"foreign-keys",
                 fmt::format("row {} of {} refers to a missing row of {}",
                             q.getColumn(1).getString(), printable(q.getColumn(0).getString()),
                             printable(q.getColumn(2).getString()))});
    });
    section("keyworker", [&] {
        SQLite::Statement q(sql,
                            "SELECT su.uid, sv.code, st.username, st.active FROM service_user su "
                            "JOIN service sv ON sv.id = su.service_id "
                            "JOIN staff st ON st.id = +su.keyworker_id "
                            "WHERE su.status = 'active' AND (st.active = 0 OR NOT EXISTS "
                            "(SELECT 1 FROM staff_role r WHERE r.staff_id = su.keyworker_id AND "
                            "r.service_id = su.service_id AND r.role = 'worker'))");
        while (q.executeStep())
            problems.push_back(
                {"keyworker", fmt::format("'{}': keyworker {} is not an active worker of {}",
                                          printable(q.getColumn(0).getString()),
                                          printable(q.getColumn(2).getString()),
                                          printable(q.getColumn(1).getString()))});
    });
    section("needs", [&] {
        SQLite::Statement q(sql,
                            "SELECT su.uid, n.code, sv.code FROM su_need x "
                            "CROSS JOIN service_user su ON su.id = x.su_id "
                            "JOIN service sv ON sv.id = +su.service_id "
                            "JOIN star_need n ON n.id = x.need_id WHERE n.star_id <> sv.star_id");
        while (q.executeStep())
            problems.push_back({"needs", fmt::format("'{}': need {} is not of the Star of {}",
                                                     printable(q.getColumn(0).getString()),
                                                     printable(q.getColumn(1).getString()),
                                                     printable(q.getColumn(2).getString()))});
    });
    section("ids", [&] {
        SQLite::Statement q(sql, "SELECT uid FROM service_user");
        while (q.executeStep()) {
            std::string id = q.getColumn(0).getString();
            if (auto problem = id_format_problem(id); problem || trim(id) != id)
                problems.push_back(
                    {"ids", fmt::format("'{}' {}", printable(id),
                                        problem ? *problem : "has surrounding white space")});
        }
        // A unique NOCASE index on uid (the schema's) already forbids two
        // IDs that differ only in case, and integrity_check has checked it
        // against the table: the duplicate search would repeat that.
        if (has_unique_nocase_uid_index(sql)) return;
        SQLite::Statement d(sql,
                            "SELECT lower(uid), count(*) FROM service_user GROUP BY lower(uid) "
                            "HAVING count(*) > 1");
        while (d.executeStep())
            problems.push_back({"ids", fmt::format("'{}' is stored {} times (IDs ignore case)",
                                                   printable(d.getColumn(0).getString()),
                                                   d.getColumn(1).getInt())});
    });
    section("events", [&] {
        // An event's service user exists, or was erased (and the erasure is recorded).
        SQLite::Statement q(sql,
                            "SELECT e.id, e.su_id FROM event e WHERE e.su_id IS NOT NULL "
                            "AND NOT EXISTS (SELECT 1 FROM service_user su WHERE su.id = e.su_id) "
                            "AND NOT EXISTS (SELECT 1 FROM event x WHERE x.su_id = e.su_id AND "
                            "x.action = 'su.erase')");
        while (q.executeStep())
            problems.push_back(
                {"events", fmt::format("event {} refers to service user key {}, "
                                       "which neither exists nor was erased",
                                       q.getColumn(0).getInt64(), q.getColumn(1).getInt64())});
    });
}

}  // namespace

std::vector<CheckProblem> check_register(Database& db) {
    std::vector<CheckProblem> problems;
    auto& sql = db.sql();
    // A damaged file may fail a query part-way: that is one more problem to
    // list, not a reason to stop checking.
    auto section_into = [](std::vector<CheckProblem>& into, const char* check,
                           const std::function<void()>& run) {
        try {
            run();
        } catch (const SQLite::Exception& e) {
            const int code = e.getErrorCode() & 0xFF;
            if (code != SQLITE_CORRUPT && code != SQLITE_NOTADB && code != SQLITE_IOERR) throw;
            into.push_back({check, fmt::format("cannot be checked: the file is damaged ({})",
                                               printable(e.getErrorStr(), 200))});
        }
    };
    auto section = [&](const char* check, const std::function<void()>& run) {
        section_into(problems, check, run);
    };
    // integrity_check reads every page on one core; the other checks run
    // beside it, on this connection, while it runs on a second one (issue 19:
    // the whole check in about the time of integrity_check alone).
    std::vector<CheckProblem> integrity;
    std::exception_ptr integrity_failed;
    std::thread integrity_thread([&] {
        try {
            section_into(integrity, "integrity", [&] {
                SQLite::Database own(db.path(), SQLite::OPEN_READONLY,
                                     static_cast<int>(db.wait_seconds() * 1000));
                SQLite::Statement q(own, "PRAGMA integrity_check");
                while (q.executeStep()) {
                    // One row may hold several lines ("*** in database main ***\nPage 4: ...").
                    for (const auto& line : split(q.getColumn(0).getString(), '\n'))
                        if (!line.empty() && line != "ok" && !line.starts_with("***"))
                            integrity.push_back({"integrity", printable(line, 500)});
                }
            });
        } catch (...) {
            integrity_failed = std::current_exception();
        }
    });
    try {
        check_the_rest(sql, section, problems);
    } catch (...) {
        integrity_thread.join();
        throw;
    }
    integrity_thread.join();
    if (integrity_failed) std::rethrow_exception(integrity_failed);
    problems.insert(problems.begin(), integrity.begin(), integrity.end());
    return problems;
}

namespace {

// The Error for a backup file that cannot be created, by what stopped it.
[[noreturn]] void cannot_create(const std::string& target, int error) {
    const std::string shown = printable(target, 200);
    switch (error) {
        case EEXIST:
            throw Error(
                Exit::conflict, fmt::format("{} already exists", shown),
                "a backup never overwrites a file; choose a new name or remove the old one");
        case ENOENT:
        case ENOTDIR:
            throw Error(Exit::not_found,
                        fmt::format("cannot create {}: its directory does not exist", shown),
                        "create the directory first, or choose another path");
        case EACCES:
        case EPERM:
        case EROFS:
            throw Error(Exit::denied,
                        fmt::format("cannot create {}: {}", shown, std::strerror(error)),
                        "choose a directory you may write to");
        default:
            throw Error(Exit::failure,
                        fmt::format("cannot create {}: {}", shown, std::strerror(error)),
                        "check that the directory exists and is writable, and the disk has space");
    }
}

}  // namespace

namespace {

// The partial copy of a running backup: removed however the backup ends
// (by a signal too), unless it was renamed to the target.
struct PartialCopy {
    std::string path;
    RemoveOnSignal on_signal, journal_on_signal;
    explicit PartialCopy(std::string p)
        : path(std::move(p)), on_signal(path), journal_on_signal(path + "-journal") {}
    // The name was taken by another file: not ours to remove.
    void keep_others_file() {
        on_signal.release();
        journal_on_signal.release();
        path.clear();
    }
    ~PartialCopy() {
        if (path.empty()) return;
        std::error_code ec;
        std::filesystem::remove(path, ec);
        std::filesystem::remove(path + "-journal", ec);
    }
    PartialCopy(const PartialCopy&) = delete;
    PartialCopy& operator=(const PartialCopy&) = delete;
};

// ".NAME.partial-PID-RANDOM" beside the target. A copy left by a backup that
// was killed outright (kill -9) is removed by the next backup to that name.
std::string partial_copy_prefix(const std::filesystem::path& target) {
    return "." + target.filename().string() + ".partial-";
}

void remove_stale_partial_copies(const std::filesystem::path& target) {
    const std::string prefix = partial_copy_prefix(target);
    const auto dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with(prefix)) continue;
        const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
        if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
            std::filesystem::remove(entry.path(), ec);
    }
}

bool fsync_path(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

// Puts the finished copy at its name, never over an existing file.
void publish_copy(const std::string& partial, const std::string& target) {
    int rc = ::renameat2(AT_FDCWD, partial.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
        // A file system without RENAME_NOREPLACE: a hard link is as atomic.
        rc = ::link(partial.c_str(), target.c_str());
        if (rc == 0) ::unlink(partial.c_str());
    }
    if (rc != 0) cannot_create(target, errno);
    const auto dir = std::filesystem::path(target).parent_path();
    fsync_path(dir.empty() ? "." : dir.string(), O_RDONLY | O_DIRECTORY);
}

std::vector<CheckProblem> integrity_problems(sqlite3* copy) {
    std::vector<CheckProblem> problems;
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(copy, "PRAGMA integrity_check(100)", -1, &q, nullptr) != SQLITE_OK) {
        problems.push_back({"integrity", printable(sqlite3_errmsg(copy), 200)});
        return problems;
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
        for (const auto& line : split(text ? text : "", '\n'))
            if (!line.empty() && line != "ok" && !line.starts_with("***"))
                problems.push_back({"integrity", printable(line, 500)});
    }
    if (rc != SQLITE_DONE) problems.push_back({"integrity", printable(sqlite3_errmsg(copy), 200)});
    sqlite3_finalize(q);
    return problems;
}

}  // namespace

BackupResult backup_register(Database& db, const std::string& target, bool keep_damaged,
                             const std::function<void(int, int)>& progress) {
    // Never over an existing file (nor through a symbolic link).
    struct stat existing {};
    if (::lstat(target.c_str(), &existing) == 0) cannot_create(target, EEXIST);
    const std::filesystem::path target_path(target);
    remove_stale_partial_copies(target_path);
    // The copy is made under a temporary name in the same directory and
    // renamed when complete: a backup that is stopped leaves no partial file
    // under the name asked for. Ours from its first byte, mode 0600.
    // The name is registered for removal before the file exists, so that no
    // moment is left in which a signal would leave it behind.
    std::unique_ptr<PartialCopy> guard;
    std::string partial;
    std::random_device random;
    for (int attempt = 0;; ++attempt) {
        partial = (target_path.parent_path() / fmt::format("{}{}-{:06x}",
                                                           partial_copy_prefix(target_path),
                                                           ::getpid(), random() & 0xFFFFFF))
                      .string();
        guard = std::make_unique<PartialCopy>(partial);
        int fd =
            ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd >= 0) {
            ::fchmod(fd, 0600);
            ::close(fd);
            break;
        }
        const int error = errno;
        guard->keep_others_file();
        guard.reset();
        if (error != EEXIST || attempt == 100) cannot_create(target, error);
    }

    sqlite3* source = db.sql().getHandle();
    sqlite3* dest = nullptr;
    sqlite3_backup* backup = nullptr;
    bool reading = false;
    auto cleanup = [&] {
        if (backup) sqlite3_backup_finish(backup);
        backup = nullptr;
        if (dest) sqlite3_close(dest);
        dest = nullptr;
        if (reading) sqlite3_exec(source, "ROLLBACK", nullptr, nullptr, nullptr);
        reading = false;
    };
    auto fail = [&](const std::string& what) {
        cleanup();
        throw Error(Exit::failure,
                    fmt::format("backup to {} failed: {}", printable(target, 200), what),
                    "check the disk space and try again; the register itself is unchanged");
    };
    auto busy = [&] {
        cleanup();
        throw Error(
            Exit::busy,
            fmt::format("the register {} stayed busy during the backup", printable(db.path(), 200)),
            "try again later, or give --wait SECONDS to wait longer");
    };

    // One read transaction for the whole copy: the copy is the register as it
    // was at this moment, and writers in other processes carry on meanwhile
    // (WAL). Without it each step would start a new read, and every commit
    // made between two steps would restart the backup from its first page, so
    // a large register with busy writers might never be copied.
    int rc = sqlite3_exec(source, "BEGIN DEFERRED; SELECT count(*) FROM sqlite_schema;", nullptr,
                          nullptr, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_exec(source, "ROLLBACK", nullptr, nullptr, nullptr);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) busy();
        fail(sqlite3_errmsg(source));
    }
    reading = true;

    if (sqlite3_open_v2(partial.c_str(), &dest, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
        fail(dest ? sqlite3_errmsg(dest) : "cannot open");
    backup = sqlite3_backup_init(dest, "main", source, "main");
    if (!backup) fail(sqlite3_errmsg(dest));
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(static_cast<long>(db.wait_seconds() * 1000));
    // Copy in steps (for the progress line); a step that meets a busy or
    // locked database is retried until --wait runs out.
    while (true) {
        rc = sqlite3_backup_step(backup, 1024);
        if (progress) progress(sqlite3_backup_remaining(backup), sqlite3_backup_pagecount(backup));
        if (rc == SQLITE_DONE) break;
        if (rc == SQLITE_OK) continue;
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            if (std::chrono::steady_clock::now() > deadline) busy();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
        }
        fail(sqlite3_errstr(rc));
    }
    BackupResult result;
    result.pages = sqlite3_backup_pagecount(backup);
    rc = sqlite3_backup_finish(backup);
    backup = nullptr;
    if (rc != SQLITE_OK) fail(sqlite3_errstr(rc));
    sqlite3_exec(source, "COMMIT", nullptr, nullptr, nullptr);
    reading = false;

    // The copy is a self-contained file: rollback journal, no WAL beside it
    // (Database::open puts a copy put back with cp into WAL mode again).
    rc = sqlite3_exec(dest, "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(sqlite3_errmsg(dest));
    result.problems = integrity_problems(dest);
    if (sqlite3_close(dest) != SQLITE_OK) fail("cannot close the copy");
    dest = nullptr;
    if (!result.problems.empty() && !keep_damaged) {
        std::vector<std::string> details;
        for (std::size_t i = 0; i < result.problems.size() && i < 20; ++i)
            details.push_back(fmt::format("  {}", result.problems[i].detail));
        throw Error(Exit::invalid,
                    fmt::format("the register {} is damaged: its copy fails SQLite's integrity "
                                "check ({} problem{}); no backup was made",
                                printable(db.path(), 200), result.problems.size(),
                                result.problems.size() == 1 ? "" : "s"),
                    "run 'caseload db check'; to keep a copy anyway (to rescue what is left), "
                    "give --force",
                    std::move(details));
    }
    if (!fsync_path(partial, O_RDONLY)) fail("cannot sync the copy to the disk");
    publish_copy(partial, target);
    ::chmod(target.c_str(), 0600);
    return result;
}

}  // namespace caseload
