#pragma once
// The register's SQLite file: location rules, opening, schema and write transactions.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "caseload/error.hpp"

// The engine's connection type is only named here, never defined: code that
// reaches the connection (the SQLite store in src/core/store, unit tests)
// includes SQLiteCpp itself, and src/cli cannot (tests/e2e/layers.sh).
namespace SQLite {
class Database;
}

namespace caseload {

constexpr int kSchemaVersion = 8;
constexpr int kApplicationId = 0x43534c44;  // "CSLD"

// --db, else $CASELOAD_DB, else $XDG_DATA_HOME/caseload/caseload.db, else
// ~/.local/share/caseload/caseload.db.
std::string resolve_database_path(const std::optional<std::string>& flag);

// What scrub() achieved.
enum class Scrub {
    done,      // the WAL is empty: the overwritten bytes are in no file
    deferred,  // the database file holds them no longer, but other commands kept the WAL
               // from being emptied; the next command that can empties it
    reader,    // another program's read still needs the old pages; a later command finishes
    no_space,  // the disk is full; a later command finishes
};

// Files of the register (itself, its -wal and -shm) that others (not owner,
// not group) may read or write, each as "PATH (mode 0644)".
std::vector<std::string> files_open_to_others(const std::string& path);

class Database {
  public:
    // Opens an existing register. Throws Error(not_found) when there is none,
    // Error(invalid) when the file is not a caseload register or is newer than
    // this program, Error(conflict) when it needs 'db upgrade' (unless allow_old).
    static Database open(const std::string& path, double wait_seconds, bool allow_old = false);

    // Creates a new register file with mode 0600 and the current schema.
    // Throws Error(conflict) when the file exists.
    static Database create(const std::string& path, double wait_seconds);

    // The SQLite connection, for the SQLite store's own files only.
    SQLite::Database& sql() { return *db_; }
    const std::string& path() const { return path_; }
    double wait_seconds() const { return wait_seconds_; }
    int schema_version();

    // Runs the forward migrations; returns the versions applied (from, to).
    std::pair<int, int> upgrade();

    // Inside a write transaction whose overwritten bytes (a renamed or
    // erased ID) must leave every file: records that a scrub is pending, so
    // that a command killed before scrub() ends, or a scrub that cannot
    // finish, is completed by a later command.
    void mark_scrub_pending();

    // After the commit: moves the WAL's content into the database and
    // truncates the WAL. Never holds the write lock while it waits: each try
    // takes the lock only when it can finish at once, and tries again for up
    // to budget_seconds. When done, the pending mark is cleared.
    Scrub scrub(double budget_seconds);

    // The journal mode the file had when opened, when it was not WAL (a
    // backup put back with cp): open switched it to WAL, or could not (a
    // read-only file), which journal_mode() then shows.
    const std::optional<std::string>& journal_mode_found() const { return journal_mode_found_; }
    std::string journal_mode();

    // Out of line: the connection's type is complete only in sqlite_database.cpp.
    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;
    ~Database();

  private:
    Database(std::string path, double wait_seconds, int flags);
    void configure_connection();
    void ensure_wal();
    void finish_pending_scrub();
    bool scrub_pending();
    void clear_scrub_pending();

    std::unique_ptr<SQLite::Database> db_;
    std::string path_;
    double wait_seconds_ = 5;
    std::optional<std::string> journal_mode_found_;
};

// BEGIN IMMEDIATE: a writer takes the lock up front, waiting up to --wait,
// then Error(busy). Rolls back unless committed.
class WriteTransaction {
  public:
    explicit WriteTransaction(Database& db);
    ~WriteTransaction();
    void commit();
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;

  private:
    Database& db_;
    bool done_ = false;
};

// Maps an SQLite failure to the exit codes of spec §5, with a message that
// names the register.
[[noreturn]] void rethrow_sqlite(const std::exception& e, const std::string& path,
                                 double wait_seconds);

// The Error for a failure of the store that reached the top unmapped (any
// exception of the engine), or nullopt when `e` is not one.
std::optional<Error> storage_failure(const std::exception& e, const std::string& path,
                                     double wait_seconds);

}  // namespace caseload
