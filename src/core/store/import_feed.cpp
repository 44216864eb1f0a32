// The import's write (caseload/store/import_feed.hpp): SQLite's side of it.
#include <fmt/format.h>
#include <sqlite3.h>

#include <new>
#include <unordered_set>

#include "caseload/error.hpp"
#include "caseload/store/import_feed.hpp"
#include "import_statement.hpp"

namespace caseload::store {

using importer::kGood;
using importer::Row;
using importer::Table;

namespace {

// ---------------------------------------------------------------------------
// The rows to write, as SQLite sees them: two eponymous virtual tables that
// one INSERT ... SELECT each reads in ID order. SQLite then opens its cursors
// (the table, its three indexes, the foreign keys' parents) once, not once per
// row, and no value is bound: the cells come straight from the compact rows.

enum class SourceKind { users, needs };

// What the tables read while an import writes.
struct WriteSource {
    const Table* table = nullptr;
    const std::vector<importer::SortKey>* order = nullptr;
    std::int64_t base = 0;    // the rowid before the first new service user (needs)
    std::uint32_t today = 0;  // yyyymmdd: the start date of rows that give none
    const std::function<void(std::uint64_t)>* progress = nullptr;
};

struct SourceSlot {
    SourceKind kind;
    WriteSource* source = nullptr;  // set only while an import writes
};

struct SourceVtab : sqlite3_vtab {
    SourceSlot* slot = nullptr;
};

struct SourceCursor : sqlite3_vtab_cursor {
    WriteSource* source = nullptr;
    SourceKind kind = SourceKind::users;
    std::size_t pos = 0;     // in the order
    std::uint32_t need = 0;  // the need of the row at pos (needs)
    std::uint64_t good = 0;  // rows to write passed so far, including the one at pos
    char dob[16] = {};
    char started[16] = {};

    const Row& row() const { return source->table->rows[(*source->order)[pos].row]; }
    bool at_end() const { return pos >= source->order->size(); }
    bool wanted() const {
        const Row& r = row();
        return r.state == kGood && (kind == SourceKind::users || r.needs_count > 0);
    }
    // Moves to the first wanted row at or after pos.
    void settle() {
        for (; !at_end(); ++pos) {
            if (row().state != kGood) continue;
            ++good;
            if (kind == SourceKind::needs && row().needs_count == 0) continue;
            if (kind == SourceKind::users && source->progress && *source->progress &&
                (good & 4095) == 0)
                (*source->progress)(good);
            return;
        }
    }
};

int source_connect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out,
                   char** error) {
    auto* slot = static_cast<SourceSlot*>(aux);
    int rc = sqlite3_declare_vtab(db, slot->kind == SourceKind::users
                                          ? "CREATE TABLE x(uid TEXT, service_id INTEGER, "
                                            "keyworker_id INTEGER, date_of_birth TEXT, age_band "
                                            "TEXT, gender TEXT, ethnicity TEXT, started_on TEXT)"
                                          : "CREATE TABLE x(su_id INTEGER, need_id INTEGER)");
    if (rc != SQLITE_OK) return rc;
    auto* vtab = new (std::nothrow) SourceVtab();
    if (!vtab) return SQLITE_NOMEM;
    vtab->slot = slot;
    *out = vtab;
    (void)error;
    return SQLITE_OK;
}

int source_best_index(sqlite3_vtab*, sqlite3_index_info* info) {
    info->estimatedCost = 1e6;
    info->estimatedRows = 1000000;
    return SQLITE_OK;
}

int source_disconnect(sqlite3_vtab* vtab) {
    delete static_cast<SourceVtab*>(vtab);
    return SQLITE_OK;
}

int source_open(sqlite3_vtab* vtab, sqlite3_vtab_cursor** out) {
    auto* slot = static_cast<SourceVtab*>(vtab)->slot;
    if (!slot->source) return SQLITE_MISUSE;  // only while an import writes
    auto* cursor = new (std::nothrow) SourceCursor();
    if (!cursor) return SQLITE_NOMEM;
    cursor->source = slot->source;
    cursor->kind = slot->kind;
    *out = cursor;
    return SQLITE_OK;
}

int source_close(sqlite3_vtab_cursor* cursor) {
    delete static_cast<SourceCursor*>(cursor);
    return SQLITE_OK;
}

int source_filter(sqlite3_vtab_cursor* base, int, const char*, int, sqlite3_value**) {
    auto* c = static_cast<SourceCursor*>(base);
    c->pos = 0;
    c->need = 0;
    c->good = 0;
    c->settle();
    return SQLITE_OK;
}

int source_next(sqlite3_vtab_cursor* base) {
    auto* c = static_cast<SourceCursor*>(base);
    if (c->kind == SourceKind::needs && ++c->need < c->row().needs_count) return SQLITE_OK;
    c->need = 0;
    ++c->pos;
    c->settle();
    return SQLITE_OK;
}

int source_eof(sqlite3_vtab_cursor* base) {
    return static_cast<SourceCursor*>(base)->at_end() ? 1 : 0;
}

void result_text(sqlite3_context* ctx, std::string_view text) {
    if (text.data() == nullptr)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_text(ctx, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

int source_column(sqlite3_vtab_cursor* base, sqlite3_context* ctx, int column) {
    auto* c = static_cast<SourceCursor*>(base);
    const Row& r = c->row();
    const Table& t = *c->source->table;
    if (c->kind == SourceKind::needs) {
        if (column == 0)
            sqlite3_result_int64(ctx, c->source->base + static_cast<std::int64_t>(c->good));
        else
            sqlite3_result_int64(ctx, t.needs[r.needs_offset + c->need]);
        return SQLITE_OK;
    }
    switch (column) {
        case 0:
            result_text(ctx, t.id(r));
            break;
        case 1:
            sqlite3_result_int64(ctx, r.service);
            break;
        case 2:
            sqlite3_result_int64(ctx, r.keyworker);
            break;
        case 3:
            if (r.dob == 0)
                sqlite3_result_null(ctx);
            else
                sqlite3_result_text(ctx, c->dob,
                                    static_cast<int>(importer::format_date(r.dob, c->dob)),
                                    SQLITE_TRANSIENT);
            break;
        case 4:
            result_text(ctx, importer::option_code(age_band_options(), r.age_band));
            break;
        case 5:
            result_text(ctx, importer::option_code(gender_options(), r.gender));
            break;
        case 6:
            result_text(ctx, importer::option_code(ethnicity_options(), r.ethnicity));
            break;
        case 7:  // not given: the day of the import
            sqlite3_result_text(ctx, c->started,
                                static_cast<int>(importer::format_date(
                                    r.started ? r.started : c->source->today, c->started)),
                                SQLITE_TRANSIENT);
            break;
        default:
            sqlite3_result_null(ctx);
    }
    return SQLITE_OK;
}

int source_rowid(sqlite3_vtab_cursor* base, sqlite3_int64* rowid) {
    auto* c = static_cast<SourceCursor*>(base);
    *rowid = static_cast<sqlite3_int64>(c->pos) * 65536 + c->need;
    return SQLITE_OK;
}

const sqlite3_module kSourceModule = [] {
    sqlite3_module m{};
    m.iVersion = 1;
    m.xCreate = nullptr;  // eponymous only: the table is the module's name
    m.xConnect = source_connect;
    m.xBestIndex = source_best_index;
    m.xDisconnect = source_disconnect;
    m.xDestroy = source_disconnect;
    m.xOpen = source_open;
    m.xClose = source_close;
    m.xFilter = source_filter;
    m.xNext = source_next;
    m.xEof = source_eof;
    m.xColumn = source_column;
    m.xRowid = source_rowid;
    return m;
}();

// Registers the two tables on a connection for the time of one write.
class WriteSources {
  public:
    WriteSources(sqlite3* db, WriteSource& source) : db_(db) {
        users_ = new SourceSlot{SourceKind::users, &source};
        needs_ = new SourceSlot{SourceKind::needs, &source};
        check_sqlite(db_,
                     sqlite3_create_module_v2(db_, "caseload_import_users", &kSourceModule, users_,
                                              [](void* p) { delete static_cast<SourceSlot*>(p); }));
        check_sqlite(db_,
                     sqlite3_create_module_v2(db_, "caseload_import_needs", &kSourceModule, needs_,
                                              [](void* p) { delete static_cast<SourceSlot*>(p); }));
    }
    ~WriteSources() {
        // The connection may outlive this import: the tables then refuse to open.
        users_->source = nullptr;
        needs_->source = nullptr;
    }
    WriteSources(const WriteSources&) = delete;
    WriteSources& operator=(const WriteSources&) = delete;

  private:
    sqlite3* db_;
    SourceSlot* users_;
    SourceSlot* needs_;
};

}  // namespace

// Foreign-key enforcement off for one connection, on again at the end.
class ImportWrite::ForeignKeysOff {
  public:
    explicit ForeignKeysOff(SQLite::Database& db) : db_(db) {
        db_.exec("PRAGMA foreign_keys = OFF");
    }
    ~ForeignKeysOff() {
        try {
            db_.exec("PRAGMA foreign_keys = ON");
        } catch (...) {
            // The connection is closing anyway; every new one turns them on.
        }
    }
    ForeignKeysOff(const ForeignKeysOff&) = delete;
    ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

  private:
    SQLite::Database& db_;
};

ImportWrite::ImportWrite(Database& db) : db_(db) {
    // A bigger page cache for this connection: the indexes' hot pages stay in memory.
    db_.sql().exec("PRAGMA cache_size = -65536");
    // Foreign keys: every key a row refers to comes from the Directory and
    // is checked again inside the transaction (check_references); su_need
    // refers to the rows written here (checked by their count and keys).
    // SQLite's own checks would seek once per row and need: off for this
    // write (outside a transaction, as SQLite requires), on again afterwards.
    foreign_keys_ = std::make_unique<ForeignKeysOff>(db_.sql());
    tx_.emplace(db_);
}

ImportWrite::~ImportWrite() {
    tx_.reset();  // rolls back when not committed, before foreign keys are on again
}

void ImportWrite::commit() {
    tx_->commit();
}

// Every service, keyworker and need that a row to write refers to still
// exists (inside the write transaction: nothing can remove it meanwhile).
void ImportWrite::check_references(const Table& table) {
    sqlite3* db = db_.sql().getHandle();
    std::unordered_set<std::uint32_t> services, staff, needs;
    for (const Row& r : table.rows) {
        if (r.state != kGood) continue;
        services.insert(r.service);
        staff.insert(r.keyworker);
        for (std::uint32_t n = 0; n < r.needs_count; ++n)
            needs.insert(table.needs[r.needs_offset + n]);
    }
    auto check = [&](const char* sql, const std::unordered_set<std::uint32_t>& keys) {
        ImportStatement q(db, sql);
        for (std::uint32_t key : keys) {
            q.bind(1, key);
            const bool found = q.step();
            q.reset();
            if (!found)
                throw Error(Exit::conflict,
                            "the register changed while the file was checked (a service, staff "
                            "member or need it names is gone); nothing was written",
                            "run the import again");
        }
    };
    check("SELECT 1 FROM service WHERE id = ?", services);
    check("SELECT 1 FROM staff WHERE id = ?", staff);
    check("SELECT 1 FROM star_need WHERE id = ?", needs);
}

std::uint64_t ImportWrite::insert(const ImportFeed& feed, std::uint64_t to_add, Key event,
                                  const std::string& now) {
    sqlite3* db = db_.sql().getHandle();
    WriteSource source;
    source.table = feed.table;
    source.order = feed.order;
    source.today = feed.today;
    source.progress = &feed.progress;
    WriteSources sources(db, source);
    // AUTOINCREMENT: each new rowid is above both the largest rowid and the
    // sequence, so the new rows get base+1, base+2, ... (checked below).
    std::int64_t base = 0;
    {
        ImportStatement q(db,
                          "SELECT max(coalesce((SELECT max(id) FROM service_user), 0), "
                          "coalesce((SELECT seq FROM sqlite_sequence WHERE name = "
                          "'service_user'), 0))");
        q.step();
        base = q.int64(0);
    }
    {
        ImportStatement insert(
            db,
            "INSERT INTO service_user (uid, service_id, keyworker_id, date_of_birth, "
            "age_band, gender, ethnicity, created_at, updated_at, created_event, "
            "started_on) SELECT uid, service_id, keyworker_id, date_of_birth, age_band, "
            "gender, ethnicity, ?1, ?1, ?2, started_on FROM caseload_import_users");
        insert.bind_static(1, now);
        insert.bind(2, event);
        insert.exec();
    }
    const auto written = static_cast<std::uint64_t>(sqlite3_changes64(db));
    if (written != to_add ||
        sqlite3_last_insert_rowid(db) != base + static_cast<std::int64_t>(to_add))
        throw Error(Exit::failure,
                    fmt::format("internal: the import wrote {} rows (last key {}), expected {} "
                                "after key {}; nothing was written",
                                written, sqlite3_last_insert_rowid(db), to_add, base),
                    "this is a bug; please report it");
    std::uint64_t need_rows = 0;
    for (const importer::SortKey& k : *feed.order)
        if (feed.table->rows[k.row].state == kGood)
            need_rows += feed.table->rows[k.row].needs_count;
    if (need_rows > 0) {
        source.base = base;
        ImportStatement insert(db,
                               "INSERT INTO su_need (su_id, need_id) SELECT su_id, need_id FROM "
                               "caseload_import_needs");
        insert.exec();
        if (static_cast<std::uint64_t>(sqlite3_changes64(db)) != need_rows)
            throw Error(Exit::failure,
                        "internal: the import wrote the wrong number of needs; nothing was written",
                        "this is a bug; please report it");
    }
    return written;
}

}  // namespace caseload::store
