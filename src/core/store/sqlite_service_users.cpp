// The SQLite store's service users (caseload/store/service_users.hpp).
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "caseload/store/service_users.hpp"
#include "caseload/text.hpp"
#include "merged_walk.hpp"

namespace caseload::store {

namespace {

std::optional<std::string> optional_text(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getString();
}

constexpr const char* kSelectServiceUser =
    "SELECT su.id, su.uid, su.service_id, su.keyworker_id, su.date_of_birth, su.age_band, "
    "su.gender, su.ethnicity, su.status, su.left_on, su.created_at, su.updated_at, "
    "su.started_on, "
    "(SELECT group_concat(code, ';') FROM (SELECT n.code FROM su_need x JOIN star_need n ON "
    "n.id = x.need_id WHERE x.su_id = su.id ORDER BY n.position)) "
    "FROM service_user su ";

ServiceUser read_service_user(SQLite::Statement& q) {
    ServiceUser su;
    su.key = q.getColumn(0).getInt64();
    su.id = q.getColumn(1).getString();
    su.service_key = q.getColumn(2).getInt64();
    su.keyworker_key = q.getColumn(3).getInt64();
    su.date_of_birth = optional_text(q.getColumn(4));
    su.age_band = optional_text(q.getColumn(5));
    su.gender = optional_text(q.getColumn(6));
    su.ethnicity = optional_text(q.getColumn(7));
    su.status = q.getColumn(8).getString();
    su.left_on = optional_text(q.getColumn(9));
    su.created_at = q.getColumn(10).getString();
    su.updated_at = q.getColumn(11).getString();
    su.started_on = optional_text(q.getColumn(12));
    if (!q.getColumn(13).isNull()) su.needs = split(q.getColumn(13).getString(), ';');
    return su;
}

}  // namespace

std::optional<ServiceUser> find_service_user(Database& db, std::string_view id) {
    SQLite::Statement q(db.sql(), std::string(kSelectServiceUser) + "WHERE su.uid = ?");
    q.bind(1, std::string(trim(id)));
    if (!q.executeStep()) return std::nullopt;
    return read_service_user(q);
}

std::optional<ServiceUser> find_service_user_by_key(Database& db, Key key) {
    SQLite::Statement q(db.sql(), std::string(kSelectServiceUser) + "WHERE su.id = ?");
    q.bind(1, key);
    if (!q.executeStep()) return std::nullopt;
    return read_service_user(q);
}

bool service_user_id_in_use(Database& db, std::string_view id) {
    SQLite::Statement q(db.sql(), "SELECT 1 FROM service_user WHERE uid = ?");
    q.bind(1, std::string(id));
    return q.executeStep();
}

std::optional<ServiceUserPlace> find_service_user_place(Database& db, const std::string& id_key) {
    SQLite::Statement q(db.sql(),
                        "SELECT uid, service_id, keyworker_id FROM service_user WHERE uid = ?");
    q.bind(1, id_key);
    if (!q.executeStep()) return std::nullopt;
    return ServiceUserPlace{q.getColumn(0).getString(), q.getColumn(1).getInt64(),
                            q.getColumn(2).getInt64()};
}

void for_each_service_user(Database& db, const ServiceUserRows& rows,
                           const std::function<void(const ServiceUser&)>& visit) {
    std::vector<std::string> statuses;  // each one range of the indexes
    if (rows.status != ServiceUserRows::Status::left) statuses.push_back("su.status = 'active'");
    if (rows.status != ServiceUserRows::Status::active) statuses.push_back("su.status = 'left'");
    std::vector<std::string> where;
    std::vector<Key> binds;
    if (rows.service) {
        where.push_back("su.service_id = ?");
        binds.push_back(*rows.service);
    }
    if (rows.keyworker) {
        where.push_back("su.keyworker_id = ?");
        binds.push_back(*rows.keyworker);
    }
    if (!rows.any_of_needs.empty()) {
        std::vector<std::string> marks(rows.any_of_needs.size(), "?");
        where.push_back("su.id IN (SELECT su_id FROM su_need WHERE need_id IN (" +
                        join(marks, ",") + "))");
        for (Key k : rows.any_of_needs) binds.push_back(k);
    }
    auto statement = [&](std::vector<std::string> conditions) {
        conditions.insert(conditions.end(), where.begin(), where.end());
        std::string sql = kSelectServiceUser;
        if (!conditions.empty()) sql += "WHERE " + join(conditions, " AND ");
        auto q = std::make_unique<SQLite::Statement>(db.sql(), sql + " ORDER BY su.uid");
        for (std::size_t i = 0; i < binds.size(); ++i) q->bind(static_cast<int>(i + 1), binds[i]);
        return q;
    };
    if (!rows.scope_keyworker) {  // a lead: one statement
        std::vector<std::string> conditions;
        if (statuses.size() == 1) conditions.push_back(statuses.front());
        auto q = statement(conditions);
        while (q->executeStep()) visit(read_service_user(*q));
        return;
    }
    // Scope: a caseload and the services managed, each a range of an index in
    // ID order (by status), merged; not an OR, which SQLite would sort whole
    // before the first row.
    std::vector<std::string> parts = {fmt::format("su.keyworker_id = {}", *rows.scope_keyworker)};
    for (Key service : rows.scope_services)
        parts.push_back(fmt::format("su.service_id = {}", service));
    std::vector<std::unique_ptr<SQLite::Statement>> ranges;
    for (const auto& part : parts)
        for (const auto& status : statuses) ranges.push_back(statement({part, status}));
    MergedWalk walk(std::move(ranges), false, 1);
    while (SQLite::Statement* q = walk.next()) visit(read_service_user(*q));
}

Key insert_service_user(Database& db, const NewServiceUserRow& row) {
    SQLite::Statement q(db.sql(),
                        "INSERT INTO service_user (uid, service_id, keyworker_id, date_of_birth, "
                        "age_band, gender, ethnicity, created_at, updated_at, created_event, "
                        "started_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, row.id);
    q.bind(2, row.service_key);
    q.bind(3, row.keyworker_key);
    if (row.date_of_birth) q.bind(4, *row.date_of_birth);
    if (row.age_band) q.bind(5, *row.age_band);
    if (row.gender) q.bind(6, *row.gender);
    if (row.ethnicity) q.bind(7, *row.ethnicity);
    q.bind(8, row.now);
    q.bind(9, row.now);
    if (row.created_event) q.bind(10, *row.created_event);
    q.bind(11, row.started_on);
    q.exec();
    Key key = db.sql().getLastInsertRowid();
    SQLite::Statement n(db.sql(), "INSERT INTO su_need (su_id, need_id) VALUES (?, ?)");
    for (Key need : row.need_keys) {
        n.reset();
        n.bind(1, key);
        n.bind(2, need);
        n.exec();
    }
    return key;
}

void touch_service_user(Database& db, Key key, const std::string& now) {
    SQLite::Statement q(db.sql(), "UPDATE service_user SET updated_at = ? WHERE id = ?");
    q.bind(1, now);
    q.bind(2, key);
    q.exec();
}

void rename_service_user(Database& db, Key key, const std::string& new_id, const std::string& now) {
    SQLite::Statement q(db.sql(), "UPDATE service_user SET uid = ?, updated_at = ? WHERE id = ?");
    q.bind(1, new_id);
    q.bind(2, now);
    q.bind(3, key);
    q.exec();
}

void set_keyworker(Database& db, Key key, Key keyworker, const std::string& now) {
    SQLite::Statement q(db.sql(),
                        "UPDATE service_user SET keyworker_id = ?, updated_at = ? WHERE id = ?");
    q.bind(1, keyworker);
    q.bind(2, now);
    q.bind(3, key);
    q.exec();
}

void insert_need(Database& db, Key key, Key need) {
    SQLite::Statement q(db.sql(), "INSERT INTO su_need (su_id, need_id) VALUES (?, ?)");
    q.bind(1, key);
    q.bind(2, need);
    q.exec();
}

void delete_need(Database& db, Key key, Key need) {
    SQLite::Statement q(db.sql(), "DELETE FROM su_need WHERE su_id = ? AND need_id = ?");
    q.bind(1, key);
    q.bind(2, need);
    q.exec();
}

void update_details(Database& db, Key key, const ServiceUserDetails& details,
                    const std::string& now) {
    SQLite::Statement q(db.sql(),
                        "UPDATE service_user SET date_of_birth = ?, age_band = ?, gender = ?, "
                        "ethnicity = ?, started_on = ?, updated_at = ? WHERE id = ?");
    auto bind = [&](int index, const std::optional<std::string>& value) {
        if (value)
            q.bind(index, *value);
        else
            q.bind(index);
    };
    bind(1, details.date_of_birth);
    bind(2, details.age_band);
    bind(3, details.gender);
    bind(4, details.ethnicity);
    bind(5, details.started_on);
    q.bind(6, now);
    q.bind(7, key);
    q.exec();
}

void mark_left(Database& db, Key key, const std::string& left_on, const std::string& now) {
    SQLite::Statement q(db.sql(),
                        "UPDATE service_user SET status = 'left', left_on = ?, updated_at = ? "
                        "WHERE id = ?");
    q.bind(1, left_on);
    q.bind(2, now);
    q.bind(3, key);
    q.exec();
}

void mark_returned(Database& db, Key key, const std::string& now) {
    SQLite::Statement q(db.sql(),
                        "UPDATE service_user SET status = 'active', left_on = NULL, updated_at = ? "
                        "WHERE id = ?");
    q.bind(1, now);
    q.bind(2, key);
    q.exec();
}

void delete_service_user(Database& db, Key key) {
    SQLite::Statement q(db.sql(), "DELETE FROM service_user WHERE id = ?");
    q.bind(1, key);
    q.exec();
}

Key insert_audit_event(Database& db, const std::string& at, Key actor, std::optional<Key> lead,
                       std::string_view action, std::optional<Key> su, std::string_view detail) {
    SQLite::Statement q(db.sql(),
                        "INSERT INTO event (at, actor_id, lead_id, action, su_id, detail) "
                        "VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, at);
    q.bind(2, actor);
    if (lead) q.bind(3, *lead);
    q.bind(4, std::string(action));
    if (su) q.bind(5, *su);
    q.bind(6, std::string(detail));
    q.exec();
    return db.sql().getLastInsertRowid();
}

std::int64_t count_active_in_service(Database& db, Key service) {
    SQLite::Statement q(
        db.sql(), "SELECT count(*) FROM service_user WHERE service_id = ? AND status = 'active'");
    q.bind(1, service);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::int64_t count_active_caseload(Database& db, Key keyworker) {
    SQLite::Statement q(
        db.sql(), "SELECT count(*) FROM service_user WHERE keyworker_id = ? AND status = 'active'");
    q.bind(1, keyworker);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

}  // namespace caseload::store
