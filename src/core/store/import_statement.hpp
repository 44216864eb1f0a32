#pragma once
// SQLite, directly, for the import's statements (src/core/store/import_*.cpp):
// the bulk path runs a million times.
#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace caseload::store {

inline void check_sqlite(sqlite3* db, int rc, int expected = SQLITE_OK) {
    if (rc != expected) throw SQLite::Exception(db, rc);
}

class ImportStatement {
  public:
    ImportStatement(sqlite3* db, const char* sql) : db_(db) {
        check_sqlite(db_,
                     sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr));
    }
    ~ImportStatement() { sqlite3_finalize(stmt_); }
    ImportStatement(const ImportStatement&) = delete;
    ImportStatement& operator=(const ImportStatement&) = delete;

    void bind(int i, std::int64_t v) { check_sqlite(db_, sqlite3_bind_int64(stmt_, i, v)); }
    // The text must stay alive until the next bind of i (or the end).
    void bind_static(int i, std::string_view v) {
        if (v.data() == nullptr)
            check_sqlite(db_, sqlite3_bind_null(stmt_, i));
        else
            check_sqlite(db_, sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()),
                                                SQLITE_STATIC));
    }
    void bind_null(int i) { check_sqlite(db_, sqlite3_bind_null(stmt_, i)); }
    // Runs a statement that returns no row.
    void exec() {
        int rc = sqlite3_step(stmt_);
        sqlite3_reset(stmt_);
        check_sqlite(db_, rc, SQLITE_DONE);
    }
    bool step() {
        int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        check_sqlite(db_, rc, SQLITE_DONE);
        return false;
    }
    void reset() { sqlite3_reset(stmt_); }
    std::int64_t int64(int column) { return sqlite3_column_int64(stmt_, column); }
    std::optional<std::string> text(int column) {
        if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
        return std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column)),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
    }

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace caseload::store
