#pragma once
// The register's SQLite file: location rules, opening, schema and write transactions.
#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>

namespace caseload {

constexpr int kSchemaVersion = 5;
constexpr int kApplicationId = 0x43534c44;  // "CSLD"

// --db, else $CASELOAD_DB, else $XDG_DATA_HOME/caseload/caseload.db, else
// ~/.local/share/caseload/caseload.db.
std::string resolve_database_path(const std::optional<std::string>& flag);

class Database {
  public:
    // Opens an existing register. Throws Error(not_found) when there is none,
    // Error(invalid) when the file is not a caseload register or is newer than
    // this program, Error(conflict) when it needs 'db upgrade' (unless allow_old).
    static Database open(const std::string& path, double wait_seconds, bool allow_old = false);

    // Creates a new register file with mode 0600 and the current schema.
    // Throws Error(conflict) when the file exists.
    static Database create(const std::string& path, double wait_seconds);

    SQLite::Database& sql() { return *db_; }
    const std::string& path() const { return path_; }
    double wait_seconds() const { return wait_seconds_; }
    int schema_version();

    // Runs the forward migrations; returns the versions applied (from, to).
    std::pair<int, int> upgrade();

    // Moves the WAL's content into the database and truncates the WAL, so that
    // overwritten bytes (a renamed or erased ID) leave no copy behind. Waits
    // for other connections' reads as long as --wait; false when one still
    // holds an older snapshot (the move is then partial: the database file
    // keeps pages that reader may need until a later complete checkpoint).
    bool checkpoint_truncate();

    Database(Database&&) = default;
    Database& operator=(Database&&) = default;

  private:
    Database(std::string path, double wait_seconds, int flags);
    void configure_connection();

    std::unique_ptr<SQLite::Database> db_;
    std::string path_;
    double wait_seconds_ = 5;
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

}  // namespace caseload
