#include "caseload/database.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SQLiteCpp/Exception.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "caseload/error.hpp"
#include "caseload/text.hpp"
#include "schema.sql.hpp"

namespace caseload {

namespace fs = std::filesystem;

std::string resolve_database_path(const std::optional<std::string>& flag) {
    if (flag && !flag->empty()) return *flag;
    if (const char* env = std::getenv("CASELOAD_DB"); env && *env) return env;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return (fs::path(xdg) / "caseload" / "caseload.db").string();
    const char* home = std::getenv("HOME");
    return (fs::path(home && *home ? home : ".") / ".local" / "share" / "caseload" / "caseload.db")
        .string();
}

namespace {

int busy_timeout_ms(double wait_seconds) {
    if (wait_seconds < 0) wait_seconds = 0;
    if (wait_seconds > 86400) wait_seconds = 86400;
    return static_cast<int>(wait_seconds * 1000);
}

std::string busy_message(const std::string& path, double wait_seconds) {
    return fmt::format(
        "the register {} is busy (another caseload is writing) and stayed busy "
        "for {:g} s",
        printable(path, 200), wait_seconds);
}

}  // namespace

[[noreturn]] void rethrow_sqlite(const std::exception& e, const std::string& path,
                                 double wait_seconds) {
    const auto* sql = dynamic_cast<const SQLite::Exception*>(&e);
    if (!sql) throw Error(Exit::failure, e.what());
    std::string shown = printable(path, 200);
    switch (sql->getErrorCode()) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            throw Error(Exit::busy, busy_message(path, wait_seconds),
                        "try again later, or give --wait SECONDS to wait longer");
        case SQLITE_READONLY:
            throw Error(Exit::denied, fmt::format("the register {} is read-only for you", shown),
                        "ask its owner for write access (the file and its directory must be "
                        "writable), or use a command that only reads");
        case SQLITE_NOTADB:
            throw Error(Exit::invalid,
                        fmt::format("{} is not a caseload register (not an SQLite "
                                    "database)",
                                    shown),
                        "check --db or CASELOAD_DB");
        case SQLITE_CANTOPEN:
            // The OS refusing the file is a matter of rights (exit 6), not a
            // missing file: a register is mode 0600, its owner's alone.
            if (::access(path.c_str(), R_OK | W_OK) != 0 &&
                (errno == EACCES || errno == EPERM || errno == EROFS))
                throw Error(Exit::denied,
                            fmt::format("you may not open the register {}: {}", shown,
                                        std::strerror(errno)),
                            "run the command as the login that owns it, or ask its owner for read "
                            "and write access to the file and its directory");
            throw Error(Exit::not_found, fmt::format("cannot open the register {}", shown),
                        "check that the file and its directory exist and that you may read "
                        "and write them");
        case SQLITE_FULL:
            throw Error(Exit::failure, fmt::format("the disk holding {} is full", shown),
                        "free some space and run the command again; nothing was written");
        case SQLITE_CORRUPT:
            throw Error(Exit::failure, fmt::format("the register {} is damaged", shown),
                        "run 'caseload db check', and restore from a backup if it fails");
        default:
            throw Error(Exit::failure,
                        fmt::format("database error on {}: {}", shown, sql->getErrorStr()),
                        "run 'caseload db check'; if this keeps happening, report it");
    }
}

Database::Database(std::string path, double wait_seconds, int flags)
    : path_(std::move(path)), wait_seconds_(wait_seconds) {
    db_ = std::make_unique<SQLite::Database>(path_, flags, busy_timeout_ms(wait_seconds));
}

void Database::configure_connection() {
    // Per connection: these are not stored in the file.
    db_->exec("PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA synchronous = FULL;");
}

Database Database::open(const std::string& path, double wait_seconds, bool allow_old) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        std::string parent = fs::path(path).parent_path().string();
        throw Error(Exit::not_found,
                    fmt::format("there is no register at {}", printable(path, 200)),
                    "create one with 'caseload init --organisation NAME --lead USERNAME', or "
                    "point --db or CASELOAD_DB at an existing register");
    }
    if (fs::is_directory(path, ec))
        throw Error(
            Exit::invalid, fmt::format("{} is a directory, not a register", printable(path, 200)),
            "give the path of the register file itself, e.g. --db /var/lib/caseload/caseload.db");
    try {
        Database db(path, wait_seconds, SQLite::OPEN_READWRITE);
        db.configure_connection();
        int app_id = db.sql().execAndGet("PRAGMA application_id").getInt();
        int version = db.schema_version();
        if (app_id != kApplicationId)
            throw Error(Exit::invalid,
                        fmt::format("{} is an SQLite database but not a caseload register",
                                    printable(path, 200)),
                        "check --db or CASELOAD_DB; 'caseload init' creates a register");
        if (version > kSchemaVersion)
            throw Error(Exit::invalid,
                        fmt::format("the register {} has schema version {}, newer than this "
                                    "caseload knows ({})",
                                    printable(path, 200), version, kSchemaVersion),
                        "use a newer caseload with this register; it was not changed");
        if (version < kSchemaVersion && !allow_old)
            throw Error(Exit::conflict,
                        fmt::format("the register {} has schema version {}; this caseload needs "
                                    "version {}",
                                    printable(path, 200), version, kSchemaVersion),
                        "run 'caseload db backup FILE' and then 'caseload db upgrade'");
        return db;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        rethrow_sqlite(e, path, wait_seconds);
    }
}

namespace {

// Why a new register could not be made, as an exit code: a place the user may
// not write is "denied"; a path that cannot hold a file (a file where a
// directory should be, a name too long) is bad input; the rest is a failure.
Exit creation_refusal(int error) {
    switch (error) {
        case EACCES:
        case EPERM:
        case EROFS:
            return Exit::denied;
        case ENOTDIR:
        case ENAMETOOLONG:
        case ENOENT:
        case EISDIR:
            return Exit::invalid;
        default:
            return Exit::failure;
    }
}

}  // namespace

Database Database::create(const std::string& path, double wait_seconds) {
    fs::path file(path);
    std::error_code ec;
    if (fs::exists(file, ec))
        throw Error(Exit::conflict, fmt::format("{} already exists", printable(path, 200)),
                    "a register is created once; use it with --db, or choose another path");
    if (file.has_parent_path() && !fs::exists(file.parent_path(), ec)) {
        fs::create_directories(file.parent_path(), ec);
        if (ec)
            throw Error(creation_refusal(ec.value()),
                        fmt::format("cannot create the directory {}: {}",
                                    printable(file.parent_path().string(), 200), ec.message()),
                        "create it yourself, or choose another path with --db");
        // A private directory for a private register.
        fs::permissions(file.parent_path(), fs::perms::owner_all, fs::perm_options::replace, ec);
    }
    // Create the file ourselves so that it is 0600 from its first byte;
    // SQLite gives its -wal and -shm files the same mode.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        throw Error(creation_refusal(errno),
                    fmt::format("cannot create {}: {}", printable(path, 200), std::strerror(errno)),
                    "check that the directory exists and is writable, or choose another path");
    ::fchmod(fd, 0600);
    ::close(fd);
    try {
        Database db(path, wait_seconds, SQLite::OPEN_READWRITE);
        db.sql().exec("PRAGMA journal_mode = WAL");
        db.configure_connection();
        db.sql().exec(fmt::format("PRAGMA application_id = {}", kApplicationId));
        db.upgrade();
        return db;
    } catch (const Error&) {
        fs::remove(path, ec);
        throw;
    } catch (const std::exception& e) {
        fs::remove(path, ec);
        rethrow_sqlite(e, path, wait_seconds);
    }
}

int Database::schema_version() {
    return db_->execAndGet("PRAGMA user_version").getInt();
}

std::pair<int, int> Database::upgrade() {
    WriteTransaction tx(*this);
    int from = schema_version();
    constexpr int kCount = sizeof(schema::kMigrations) / sizeof(schema::kMigrations[0]);
    for (int v = from; v < kCount; ++v) db_->exec(schema::kMigrations[v]);
    db_->exec(fmt::format("PRAGMA user_version = {}", kCount));
    tx.commit();
    return {from, kCount};
}

bool Database::checkpoint_truncate() {
    const int rc = sqlite3_wal_checkpoint_v2(db_->getHandle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                             nullptr, nullptr);
    if (rc == SQLITE_OK) return true;
    if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED) return false;
    throw SQLite::Exception(db_->getHandle(), rc);
}

WriteTransaction::WriteTransaction(Database& db) : db_(db) {
    try {
        db_.sql().exec("BEGIN IMMEDIATE");
    } catch (const std::exception& e) {
        rethrow_sqlite(e, db_.path(), db_.wait_seconds());
    }
}

WriteTransaction::~WriteTransaction() {
    if (!done_) {
        try {
            db_.sql().exec("ROLLBACK");
        } catch (...) {
            // Nothing to do: SQLite rolls back an unfinished transaction itself.
        }
    }
}

void WriteTransaction::commit() {
    db_.sql().exec("COMMIT");
    done_ = true;
}

}  // namespace caseload
