// The import's write (caseload/store/import_feed.hpp): SQLite's side of it.
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "caseload/error.hpp"
#include "caseload/store/import_feed.hpp"
#include "caseload/temp_file.hpp"
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

// The (row number from 1, need key) pairs of the rows written, for the needs
// table: held in memory up to kHeld pairs, then in a temporary file, so that
// memory stays bounded at any size.
class NeedPairs {
  public:
    // 16 MB; CASELOAD_IMPORT_RUN_KEYS (a testing aid, as in the import's
    // sorted runs) makes it that many pairs.
    NeedPairs() {
        if (const char* env = std::getenv("CASELOAD_IMPORT_RUN_KEYS"); env && *env)
            held_most_ = std::clamp<std::size_t>(std::strtoul(env, nullptr, 10), 2, held_most_);
    }

    void add(std::uint32_t row, std::uint32_t need) {
        held_.push_back(row);
        held_.push_back(need);
        ++count_;
        if (held_.size() >= 2 * held_most_) {
            if (!file_) file_ = std::make_unique<TempFile>("needs of the rows written");
            file_->append(reinterpret_cast<const char*>(held_.data()),
                          held_.size() * sizeof(std::uint32_t));
            held_.clear();
        }
    }
    std::uint64_t size() const { return count_; }
    // Reading, from the first pair: the spilled ones, then the held ones.
    void rewind() {
        read_ = 0;
        pos_ = 0;
        next_buffer();
    }
    bool at_end() const { return read_ >= count_; }
    std::uint32_t row() const { return (*current_)[pos_ * 2]; }
    std::uint32_t need() const { return (*current_)[pos_ * 2 + 1]; }
    void next() {
        ++read_;
        if (++pos_ * 2 >= current_->size()) next_buffer();
    }

  private:
    void next_buffer() {
        pos_ = 0;
        const std::uint64_t spilled = file_ ? file_->size() / (2 * sizeof(std::uint32_t)) : 0;
        if (read_ >= spilled) {
            current_ = &held_;
            return;
        }
        const std::uint64_t n = std::min<std::uint64_t>(spilled - read_, 8192);
        buffer_.resize(n * 2);
        file_->read(read_ * 2 * sizeof(std::uint32_t), reinterpret_cast<char*>(buffer_.data()),
                    n * 2 * sizeof(std::uint32_t));
        current_ = &buffer_;
    }

    std::size_t held_most_ = std::size_t{1} << 21;
    std::vector<std::uint32_t> held_, buffer_;
    const std::vector<std::uint32_t>* current_ = &held_;
    std::unique_ptr<TempFile> file_;
    std::uint64_t count_ = 0, read_ = 0;
    std::size_t pos_ = 0;
};

// What the tables read while an import writes. The users table pulls the
// chunks of the feed and notes, as it passes each row it gives, its needs
// (for the needs table, read afterwards) and the keys it refers to (checked
// once the rows are in).
struct WriteSource {
    const ImportFeed* feed = nullptr;
    std::int64_t base = 0;   // the rowid before the first new service user
    std::uint64_t good = 0;  // rows given to the users insert
    NeedPairs needs;
    std::vector<std::uint8_t> services, staff, need_keys;  // a flag per key referred to

    static void mark(std::vector<std::uint8_t>& seen, std::uint32_t key) {
        if (key >= seen.size()) seen.resize(std::size_t{key} * 2 + 16, 0);
        seen[key] = 1;
    }
    void take(const Table& t, const Row& r) {
        ++good;
        mark(services, r.service);
        mark(staff, r.keyworker);
        for (std::uint32_t n = 0; n < r.needs_count; ++n) {
            const std::uint32_t need = t.needs[r.needs_offset + n];
            mark(need_keys, need);
            needs.add(static_cast<std::uint32_t>(good), need);
        }
        if ((good & 4095) == 0 && feed->progress) feed->progress(good);
    }
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
    const Table* table = nullptr;  // users: the chunk at hand; nullptr at the end
    std::size_t pos = 0;           // users: in the chunk; needs: the pair
    char dob[16] = {};
    char started[16] = {};

    const Row& row() const { return table->rows[pos]; }
    bool at_end() const {
        return kind == SourceKind::users ? table == nullptr : source->needs.at_end();
    }
    // users: moves to the first good row at or after pos, pulling chunks.
    void settle() {
        while (table) {
            for (; pos < table->rows.size(); ++pos)
                if (table->rows[pos].state == kGood) {
                    source->take(*table, table->rows[pos]);
                    return;
                }
            table = source->feed->next();
            pos = 0;
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
    if (c->kind == SourceKind::users) {
        c->table = c->source->feed->next();
        c->settle();
    } else {
        c->source->needs.rewind();
    }
    return SQLITE_OK;
}

int source_next(sqlite3_vtab_cursor* base) {
    auto* c = static_cast<SourceCursor*>(base);
    ++c->pos;
    if (c->kind == SourceKind::users)
        c->settle();
    else
        c->source->needs.next();
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
    if (c->kind == SourceKind::needs) {
        const NeedPairs& pairs = c->source->needs;
        sqlite3_result_int64(ctx, column == 0 ? c->source->base + pairs.row() : pairs.need());
        return SQLITE_OK;
    }
    const Row& r = c->row();
    const Table& t = *c->table;
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
                                    r.started ? r.started : c->source->feed->today, c->started)),
                                SQLITE_TRANSIENT);
            break;
        default:
            sqlite3_result_null(ctx);
    }
    return SQLITE_OK;
}

int source_rowid(sqlite3_vtab_cursor* base, sqlite3_int64* rowid) {
    auto* c = static_cast<SourceCursor*>(base);
    *rowid = c->kind == SourceKind::users ? static_cast<sqlite3_int64>(c->source->good)
                                          : static_cast<sqlite3_int64>(c->pos);
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

namespace {

// Every service, keyworker and need that a written row refers to still
// exists (inside the write transaction: nothing can remove it meanwhile).
void check_references(sqlite3* db, const WriteSource& source) {
    auto check = [&](const char* sql, const std::vector<std::uint8_t>& seen) {
        ImportStatement q(db, sql);
        for (std::size_t key = 0; key < seen.size(); ++key) {
            if (!seen[key]) continue;
            q.bind(1, static_cast<std::int64_t>(key));
            const bool found = q.step();
            q.reset();
            if (!found)
                throw Error(Exit::conflict,
                            "the register changed while the file was checked (a service, staff "
                            "member or need it names is gone); nothing was written",
                            "run the import again");
        }
    };
    check("SELECT 1 FROM service WHERE id = ?", source.services);
    check("SELECT 1 FROM staff WHERE id = ?", source.staff);
    check("SELECT 1 FROM star_need WHERE id = ?", source.need_keys);
}

}  // namespace

void ImportWrite::set_event_detail(Key event, const std::string& detail) {
    ImportStatement q(db_.sql().getHandle(), "UPDATE event SET detail = ?1 WHERE id = ?2");
    q.bind_static(1, detail);
    q.bind(2, event);
    q.exec();
}

std::uint64_t ImportWrite::insert(const ImportFeed& feed, Key event, const std::string& now) {
    sqlite3* db = db_.sql().getHandle();
    WriteSource source;
    source.feed = &feed;
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
    if (written != source.good ||
        (written > 0 && sqlite3_last_insert_rowid(db) != base + static_cast<std::int64_t>(written)))
        throw Error(Exit::failure,
                    fmt::format("internal: the import wrote {} rows (last key {}), expected {} "
                                "after key {}; nothing was written",
                                written, sqlite3_last_insert_rowid(db), source.good, base),
                    "this is a bug; please report it");
    check_references(db, source);
    const std::uint64_t need_rows = source.needs.size();
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
