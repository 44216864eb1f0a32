// The SQLite store's ID completion (find_ids_with_prefix in
// caseload/store/service_users.hpp). An actor's rows are a few index ranges,
// each in ID order from the prefix: a worker's caseload (the keyworker
// index), each service a manager manages (the service index), everyone for
// a lead (the ID index). Merged, they give the matches in ID order, so a TAB
// reads about as many index entries as it offers IDs, at any register size.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>

#include "caseload/store/service_users.hpp"
#include "caseload/text.hpp"
#include "merged_walk.hpp"

namespace caseload::store {

namespace {

// One index range: a keyworker's or a service's rows of one status, or
// (neither) all rows through the ID index.
struct IdRange {
    const char* column = nullptr;  // "keyworker_id", "service_id" or nullptr
    Key key = 0;
    const char* status = nullptr;  // "active", "left" or nullptr (any; ID index only)
};

// Beyond this many services a lead's completion walks the ID index instead.
constexpr std::size_t kMostServiceRanges = 40;

std::string range_sql(const IdRange& range, bool has_prefix, bool descending) {
    std::string sql = "SELECT uid, service_id, keyworker_id FROM service_user ";
    std::vector<std::string> where;
    if (range.column) {
        // The index is named so that the planner never sorts a whole service.
        sql += range.column == std::string_view("keyworker_id")
                   ? "INDEXED BY service_user_keyworker "
                   : "INDEXED BY service_user_service ";
        where.push_back(std::string(range.column) + " = ?3");
    }
    if (range.status) where.push_back("status = ?4");
    if (has_prefix) where.push_back("uid >= ?1 AND uid < ?2");
    if (!where.empty()) sql += "WHERE " + join(where, " AND ");
    return sql + (descending ? " ORDER BY uid DESC" : " ORDER BY uid");
}

std::vector<IdRange> actor_ranges(const Directory& dir, const StaffMember& me, SuAction action,
                                  IdStatus status) {
    std::vector<const char*> statuses;
    if (status != IdStatus::left) statuses.push_back("active");
    if (status != IdStatus::active) statuses.push_back("left");
    std::vector<IdRange> ranges;
    if (me.lead && status == IdStatus::any) return {IdRange{}};
    // A lead of very many services: one walk of the ID index, keeping the
    // status asked for, costs less than preparing a range for each.
    if (me.lead && dir.services.size() > kMostServiceRanges)
        return {IdRange{nullptr, 0, statuses.front()}};
    // A superset of what may() allows, checked row by row.
    if (action != SuAction::allocate && !me.lead)
        for (const char* s : statuses) ranges.push_back({"keyworker_id", me.key, s});
    for (const auto& service : dir.services)
        if (me.lead || me.is_manager_of(service.key))
            for (const char* s : statuses) ranges.push_back({"service_id", service.key, s});
    return ranges;
}

MergedWalk open_walk(SQLite::Database& db, const std::vector<IdRange>& ranges,
                     const std::string& low, const std::string& high, bool descending) {
    std::vector<std::unique_ptr<SQLite::Statement>> statements;
    for (const auto& range : ranges) {
        auto q =
            std::make_unique<SQLite::Statement>(db, range_sql(range, !low.empty(), descending));
        if (!low.empty()) {
            q->bind(1, low);
            q->bind(2, high);
        }
        if (range.column) q->bind(3, range.key);
        if (range.status) q->bind(4, range.status);
        statements.push_back(std::move(q));
    }
    return MergedWalk(std::move(statements), descending);
}

}  // namespace

IdPrefixMatches find_ids_with_prefix(Database& db, const Directory& dir, const StaffMember& me,
                                     SuAction action, IdStatus status, const std::string& low,
                                     const std::string& high, std::size_t max_ids) {
    const std::vector<IdRange> ranges = actor_ranges(dir, me, action, status);
    IdPrefixMatches found;
    if (ranges.empty()) return found;
    auto allowed = [&](SQLite::Statement& row) {
        return may(me, action, row.getColumn(1).getInt64(), row.getColumn(2).getInt64());
    };
    MergedWalk forward = open_walk(db.sql(), ranges, low, high, false);
    while (found.ids.size() <= max_ids) {
        SQLite::Statement* row = forward.next();
        if (!row) return found;
        if (allowed(*row)) found.ids.push_back(row->getColumn(0).getString());
    }
    // Too many: the last match of all, walking the same ranges backwards.
    MergedWalk backward = open_walk(db.sql(), ranges, low, high, true);
    while (SQLite::Statement* row = backward.next())
        if (allowed(*row)) {
            found.last = row->getColumn(0).getString();
            break;
        }
    return found;
}

std::vector<std::string> id_completion_statements(const Directory& dir, const StaffMember& me,
                                                  SuAction action, IdStatus status,
                                                  bool has_prefix) {
    std::vector<std::string> statements;
    for (const auto& range : actor_ranges(dir, me, action, status))
        statements.push_back(range_sql(range, has_prefix, false));
    return statements;
}

std::string explain_query_plan(Database& db, const std::string& sql) {
    SQLite::Statement q(db.sql(), "EXPLAIN QUERY PLAN " + sql);
    std::string plan;
    while (q.executeStep()) plan += q.getColumn(3).getString() + "\n";
    return plan;
}

}  // namespace caseload::store
