// The import's reads of the register (caseload/store/import_feed.hpp).
#include <algorithm>

#include "caseload/dates.hpp"
#include "caseload/store/import_feed.hpp"
#include "import_statement.hpp"

namespace caseload::store {

namespace {

std::uint8_t index_or_max(const OptionList& list, const std::optional<std::string>& v) {
    if (!v) return 0;
    for (std::size_t i = 0; i < list.values.size(); ++i)
        if (list.values[i].code == *v) return static_cast<std::uint8_t>(i + 1);
    return 255;  // a value no row of the file can have
}

std::uint32_t packed_or_zero(const std::optional<std::string>& text) {
    if (!text) return 0;
    auto date = parse_date(*text);
    return date ? importer::pack_date(date->iso()) : 0;
}

}  // namespace

// Prepared on first use: most imports into an empty register need none.
struct ImportLookup::Statements {
    explicit Statements(sqlite3* db)
        : find(db,
               "SELECT id, uid, service_id, keyworker_id, date_of_birth, age_band, gender, "
               "ethnicity, started_on FROM service_user WHERE uid = ?"),
          needs(db, "SELECT need_id FROM su_need WHERE su_id = ?"),
          in_use(db, "SELECT 1 FROM service_user WHERE uid = ?") {}
    ImportStatement find;
    ImportStatement needs;
    ImportStatement in_use;
};

ImportLookup::ImportLookup(Database& db) : db_(db) {}
ImportLookup::~ImportLookup() = default;

bool ImportLookup::register_empty() {
    return db_.sql().execAndGet("SELECT EXISTS (SELECT 1 FROM service_user)").getInt() == 0;
}

bool ImportLookup::id_in_use(std::string_view id) {
    if (!statements_) statements_ = std::make_unique<Statements>(db_.sql().getHandle());
    auto& q = statements_->in_use;
    q.bind_static(1, id);
    const bool hit = q.step();
    q.reset();
    return hit;
}

std::optional<StoredServiceUser> ImportLookup::find(std::string_view id) {
    if (!statements_) statements_ = std::make_unique<Statements>(db_.sql().getHandle());
    auto& find = statements_->find;
    auto& needs = statements_->needs;
    find.bind_static(1, id);
    if (!find.step()) {
        find.reset();
        return std::nullopt;
    }
    StoredServiceUser e;
    Key key = find.int64(0);
    e.id = find.text(1).value_or("");
    e.row.service = static_cast<std::uint32_t>(find.int64(2));
    e.row.keyworker = static_cast<std::uint32_t>(find.int64(3));
    e.row.dob = packed_or_zero(find.text(4));
    e.row.age_band = index_or_max(age_band_options(), find.text(5));
    e.row.gender = index_or_max(gender_options(), find.text(6));
    e.row.ethnicity = index_or_max(ethnicity_options(), find.text(7));
    e.row.started = packed_or_zero(find.text(8));
    find.reset();
    needs.bind(1, key);
    while (needs.step()) e.needs.push_back(static_cast<std::uint32_t>(needs.int64(0)));
    needs.reset();
    std::sort(e.needs.begin(), e.needs.end());
    return e;
}

ImportReadSnapshot::ImportReadSnapshot(Database& db) : db_(db) {
    db_.sql().exec("BEGIN");
}

ImportReadSnapshot::~ImportReadSnapshot() {
    try {
        db_.sql().exec("ROLLBACK");
    } catch (...) {
        // Nothing was written; the connection ends the transaction when it closes.
    }
}

}  // namespace caseload::store
