// The SQLite store's audit trail (caseload/store/audit.hpp).
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include "caseload/store/audit.hpp"
#include "caseload/text.hpp"

namespace caseload::store {

void list_audit_events(Database& db, const AuditEventFilter& filter,
                       const std::function<void(const AuditEventRow&)>& visit) {
    std::vector<std::string> where;
    if (filter.service_user)
        where.push_back(fmt::format(
            "(e.su_id = {0} OR e.id = (SELECT created_event FROM service_user WHERE id = {0}))",
            *filter.service_user));
    if (filter.staff)
        where.push_back(fmt::format("(e.actor_id = {0} OR e.lead_id = {0})", *filter.staff));
    // Times are stored in UTC as YYYY-MM-DDTHH:MM:SSZ: a day is a text range.
    // The values are dates and known action names, checked by the caller.
    if (filter.since) where.push_back(fmt::format("e.at >= '{}'", *filter.since));
    if (filter.before) where.push_back(fmt::format("e.at < '{}'", *filter.before));
    if (filter.action) where.push_back(fmt::format("e.action = '{}'", *filter.action));
    if (filter.action_group)
        where.push_back(fmt::format("e.action LIKE '{}.%'", *filter.action_group));
    std::string sql =
        "SELECT e.id, e.at, e.actor_id, e.lead_id, e.action, e.su_id, e.detail, su.uid, "
        "su.service_id, su.keyworker_id FROM event e LEFT JOIN service_user su ON su.id = "
        "e.su_id";
    if (!where.empty()) sql += " WHERE " + join(where, " AND ");
    sql += " ORDER BY e.id";
    if (filter.newest)
        sql = fmt::format("SELECT * FROM ({} DESC LIMIT {}) ORDER BY 1", sql, filter.newest);
    SQLite::Statement q(db.sql(), sql);
    while (q.executeStep()) {
        AuditEventRow row;
        row.at = q.getColumn(1).getString();
        row.actor = q.getColumn(2).getInt64();
        if (!q.getColumn(3).isNull()) row.lead = q.getColumn(3).getInt64();
        row.action = q.getColumn(4).getString();
        if (!q.getColumn(5).isNull()) row.service_user = q.getColumn(5).getInt64();
        row.detail = q.getColumn(6).getString();
        if (!q.getColumn(7).isNull()) row.uid = q.getColumn(7).getString();
        row.service = q.getColumn(8).getInt64();
        row.keyworker = q.getColumn(9).getInt64();
        visit(row);
    }
}

}  // namespace caseload::store
