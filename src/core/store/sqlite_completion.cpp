// The SQLite store's ID completion (find_ids_with_prefix in
// caseload/store/service_users.hpp): specific to SQLite's planner, which it
// steers ("+uid", a row-count switch) so that a TAB stays fast on a large
// register.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>

#include "caseload/store/service_users.hpp"
#include "caseload/text.hpp"

namespace caseload::store {

namespace {

// An actor with at most this many service users has their rows read directly.
constexpr std::int64_t kDirectRows = 5000;

// The rows the completion reads and how it walks them.
struct IdWalk {
    SQLite::Database& db;
    const StaffMember& me;
    SuAction action;
    const std::string& low;
    const std::string& high;
    std::size_t max_ids;
    std::string status;  // " AND status = '...'" or empty
    IdPrefixMatches found;
    const std::string columns = "SELECT uid, service_id, keyworker_id FROM service_user WHERE ";

    // The rows of the prefix; "+uid" keeps SQLite off the ID index.
    std::string in_range(const std::string& column) const {
        return low.empty() ? std::string("1") : column + " >= ?1 AND " + column + " < ?2";
    }
    void bind_range(SQLite::Statement& q) const {
        if (!low.empty()) {
            q.bind(1, low);
            q.bind(2, high);
        }
    }
    bool allowed(SQLite::Statement& row) const {
        return may(me, action, row.getColumn(1).getInt64(), row.getColumn(2).getInt64());
    }
    void keep(SQLite::Statement& row) {
        if (allowed(row)) found.ids.push_back(row.getColumn(0).getString());
    }
    // The last match in NOCASE order, walking the query backwards.
    void last_of(SQLite::Statement& q, bool check_keys, const std::vector<Key>& keys,
                 SQLite::Statement* row) {
        while (q.executeStep()) {
            if (check_keys) {
                Key key = q.getColumn(0).getInt64();
                if (!std::binary_search(keys.begin(), keys.end(), key)) continue;
                row->reset();
                row->bind(1, key);
                if (!row->executeStep()) continue;
                if (!allowed(*row)) continue;
                found.last = row->getColumn(0).getString();
                return;
            }
            if (allowed(q)) {
                found.last = q.getColumn(0).getString();
                return;
            }
        }
    }
    void walk_id_index() {
        SQLite::Statement q(db, columns + in_range("uid") + status + " ORDER BY uid");
        bind_range(q);
        while (found.ids.size() <= max_ids && q.executeStep()) keep(q);
        if (found.ids.size() > max_ids) {
            SQLite::Statement back(db, columns + in_range("uid") + status + " ORDER BY uid DESC");
            bind_range(back);
            last_of(back, false, {}, nullptr);
        }
    }
    // All of them (a few thousand at most, or every row when nothing is
    // typed yet): the first max_ids in ID order, as for a lead.
    void read_all_own(const std::string& mine) {
        SQLite::Statement q(db, columns + mine + " AND " + in_range("+uid"));
        bind_range(q);
        std::vector<std::string> all;
        while (q.executeStep())
            if (allowed(q)) all.push_back(q.getColumn(0).getString());
        std::sort(all.begin(), all.end(), [](const std::string& x, const std::string& y) {
            return ascii_lower(x) < ascii_lower(y);
        });
        if (all.size() > max_ids) {
            found.last = all.back();
            all.resize(max_ids + 1);
        }
        found.ids = std::move(all);
    }
    // The keys of the actor's rows, then the ID index from the prefix,
    // keeping the keys that are theirs.
    void walk_own_keys(const std::string& mine) {
        std::vector<Key> keys;
        SQLite::Statement own(db, "SELECT id FROM service_user WHERE " + mine);
        while (own.executeStep()) keys.push_back(own.getColumn(0).getInt64());
        std::sort(keys.begin(), keys.end());
        SQLite::Statement walk(
            db, "SELECT id FROM service_user WHERE " + in_range("uid") + " ORDER BY uid");
        bind_range(walk);
        SQLite::Statement row(db, columns + "id = ?");
        while (found.ids.size() <= max_ids && walk.executeStep()) {
            Key key = walk.getColumn(0).getInt64();
            if (!std::binary_search(keys.begin(), keys.end(), key)) continue;
            row.reset();
            row.bind(1, key);
            if (row.executeStep()) keep(row);
        }
        if (found.ids.size() > max_ids) {
            SQLite::Statement back(
                db, "SELECT id FROM service_user WHERE " + in_range("uid") + " ORDER BY uid DESC");
            bind_range(back);
            last_of(back, true, keys, &row);
        }
    }
};

}  // namespace

// A lead sees everyone: walk the ID index from the prefix (but those who
// have left, when few, through the service index). An actor with a small
// share (a worker's caseload, a small service): read their own rows through
// the keyworker and service indexes. A larger share (a manager of a large
// service): the keys of their rows from those indexes, then the ID index from
// the prefix. Both read indexes only; rows are read for the answer.
IdPrefixMatches find_ids_with_prefix(Database& db, const Directory& dir, const StaffMember& me,
                                     SuAction action, IdStatus status, const std::string& low,
                                     const std::string& high, std::size_t max_ids) {
    IdWalk walk{db.sql(), me, action, low, high, max_ids, {}, {}};
    if (status == IdStatus::active) walk.status = " AND status = 'active'";
    if (status == IdStatus::left) walk.status = " AND status = 'left'";

    // The actor's own rows: a superset of what may() allows, checked per row.
    // A lead's are all rows; with a status, through the service index.
    std::vector<std::string> managed, parts;
    for (const auto& service : dir.services)
        if (me.lead || me.is_manager_of(service.key))
            managed.push_back(std::to_string(service.key));
    if (action != SuAction::allocate && !me.lead)
        parts.push_back("keyworker_id = " + std::to_string(me.key));
    if (!managed.empty()) parts.push_back("service_id IN (" + join(managed, ",") + ")");
    if (parts.empty()) return {};
    const std::string mine = "(" + join(parts, " OR ") + ")" + walk.status;
    if (me.lead && walk.status.empty()) {
        walk.walk_id_index();
        return std::move(walk.found);
    }
    SQLite::Statement count(db.sql(), "SELECT count(*) FROM (SELECT 1 FROM service_user WHERE " +
                                          mine + " LIMIT " + std::to_string(kDirectRows + 1) + ")");
    count.executeStep();
    if (count.getColumn(0).getInt64() <= kDirectRows)
        walk.read_all_own(mine);
    else if (me.lead)
        walk.walk_id_index();  // a lead and many rows of that status: the ID index meets them soon
    else
        walk.walk_own_keys(mine);
    return std::move(walk.found);
}

}  // namespace caseload::store
