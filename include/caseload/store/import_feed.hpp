#pragma once
// The import's SQL: the reads it makes of the register and its write (the
// write stage of src/core/import/ calls these; nothing else of the import
// speaks SQL).
//
// Engine-specific (SQLite), all of it: the virtual tables that feed one
// INSERT ... SELECT each, the page cache, foreign keys off for the write,
// the rowid arithmetic, BEGIN IMMEDIATE. A PostgreSQL engine would COPY the
// rows into a temporary table and INSERT ... SELECT from it, inside the
// same kind of write object. Engine-neutral: the shapes of the calls, the
// rows they are given (caseload/import_rows.hpp) and the errors they throw
// (caseload::Error with the Exit codes).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caseload/database.hpp"
#include "caseload/import_rows.hpp"

namespace caseload::store {

// A service user as the register holds it, in the import's compact form, to
// compare with a row of the file. Option values the file cannot have are 255.
struct StoredServiceUser {
    std::string id;
    importer::Row row;
    std::vector<std::uint32_t> needs;  // sorted
};

// Reads of the register for an import, in whatever transaction is open
// (none, the snapshot below, or the write).
class ImportLookup {
  public:
    explicit ImportLookup(Database& db);
    ~ImportLookup();
    ImportLookup(const ImportLookup&) = delete;
    ImportLookup& operator=(const ImportLookup&) = delete;

    // No service user at all (then nothing needs looking up).
    bool register_empty();
    // Whether a service user has this ID (any case): for generated IDs.
    bool id_in_use(std::string_view id);
    // The service user with this ID (any case), if any.
    std::optional<StoredServiceUser> find(std::string_view id);

  private:
    struct Statements;
    Database& db_;
    std::unique_ptr<Statements> statements_;
};

// A consistent read of the register for an import that writes nothing (its
// conflicts are still reported), taking no write lock. Ends on destruction.
class ImportReadSnapshot {
  public:
    explicit ImportReadSnapshot(Database& db);
    ~ImportReadSnapshot();
    ImportReadSnapshot(const ImportReadSnapshot&) = delete;
    ImportReadSnapshot& operator=(const ImportReadSnapshot&) = delete;

  private:
    Database& db_;
};

// The rows to write, a chunk at a time, in the order of their case-folded
// IDs: each call of `next` gives the next chunk (its rows in order, their
// state set; only kGood rows are written), nullptr at the end. Called on the
// writing thread, while the insert runs: a chunk may still be being checked.
struct ImportFeed {
    std::function<const importer::Table*()> next;
    std::uint32_t today = 0;  // yyyymmdd: the start date of rows that give none
    std::function<void(std::uint64_t rows)> progress;  // rows written so far, now and then
};

// The import's write transaction: begun (waiting up to --wait) when made,
// rolled back on destruction unless committed. Everything the import reads
// from here on (ImportLookup, the audit event) is inside it.
class ImportWrite {
  public:
    explicit ImportWrite(Database& db);
    ~ImportWrite();
    ImportWrite(const ImportWrite&) = delete;
    ImportWrite& operator=(const ImportWrite&) = delete;

    // Inserts the good rows of the feed and their needs, each pointing at
    // `event`, created and updated `now`; returns the rows written.
    // Error(failure) when the register did not take them as expected;
    // Error(conflict) when a service, keyworker or need a written row names
    // is gone (checked inside the transaction, after the rows).
    std::uint64_t insert(const ImportFeed& feed, Key event, const std::string& now);
    // The audit event's detail, once the counts are known (the streaming
    // import writes before it has seen every row).
    void set_event_detail(Key event, const std::string& detail);
    void commit();

  private:
    class ForeignKeysOff;
    Database& db_;
    std::unique_ptr<ForeignKeysOff> foreign_keys_;  // on again after the transaction ends
    std::optional<WriteTransaction> tx_;
};

}  // namespace caseload::store
