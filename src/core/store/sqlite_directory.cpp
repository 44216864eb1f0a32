// The SQLite store's directory (caseload/store/directory.hpp).
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include "caseload/store/directory.hpp"

namespace caseload::store {

namespace {

std::optional<std::string> optional_text(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getString();
}

}  // namespace

Directory load_directory(Database& database) {
    SQLite::Database& db = database.sql();
    Directory dir;
    {
        SQLite::Statement q(db,
                            "SELECT name, id_pattern, id_pattern_description FROM organisation "
                            "WHERE id = 1");
        if (q.executeStep()) {
            dir.organisation.name = q.getColumn(0).getString();
            dir.organisation.id_pattern = optional_text(q.getColumn(1));
            dir.organisation.id_pattern_description = optional_text(q.getColumn(2));
        }
    }
    {
        SQLite::Statement q(db, "SELECT id, code, name, builtin FROM star ORDER BY code");
        while (q.executeStep()) {
            StoredStar s;
            s.key = q.getColumn(0).getInt64();
            s.star.code = q.getColumn(1).getString();
            s.star.name = q.getColumn(2).getString();
            s.builtin = q.getColumn(3).getInt() != 0;
            dir.stars.push_back(std::move(s));
        }
        SQLite::Statement n(db,
                            "SELECT star_id, id, code, label FROM star_need ORDER BY star_id, "
                            "position");
        while (n.executeStep()) {
            Key star = n.getColumn(0).getInt64();
            for (auto& s : dir.stars) {
                if (s.key != star) continue;
                s.need_keys.push_back(n.getColumn(1).getInt64());
                s.star.needs.push_back({n.getColumn(2).getString(), n.getColumn(3).getString()});
            }
        }
    }
    {
        SQLite::Statement q(db, "SELECT id, code, name, star_id FROM service ORDER BY code");
        while (q.executeStep())
            dir.services.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                                    q.getColumn(2).getString(), q.getColumn(3).getInt64()});
    }
    {
        SQLite::Statement q(db,
                            "SELECT id, username, name, login, is_lead, active FROM staff "
                            "ORDER BY username");
        while (q.executeStep()) {
            StaffMember m;
            m.key = q.getColumn(0).getInt64();
            m.username = q.getColumn(1).getString();
            m.name = q.getColumn(2).getString();
            m.login = optional_text(q.getColumn(3));
            m.lead = q.getColumn(4).getInt() != 0;
            m.active = q.getColumn(5).getInt() != 0;
            dir.staff.push_back(std::move(m));
        }
        SQLite::Statement r(db, "SELECT staff_id, service_id, role FROM staff_role");
        while (r.executeStep()) {
            Key staff = r.getColumn(0).getInt64();
            Key service = r.getColumn(1).getInt64();
            std::string role = r.getColumn(2).getString();
            for (auto& m : dir.staff) {
                if (m.key != staff) continue;
                auto& entry = m.roles[service];
                entry.service_key = service;
                (role == "manager" ? entry.manager : entry.worker) = true;
            }
        }
    }
    {
        SQLite::Statement q(
            db, "SELECT word, kind, coalesce(reason, '') FROM guard_word ORDER BY word");
        while (q.executeStep())
            dir.words.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                                 q.getColumn(2).getString()});
    }
    return dir;
}

void insert_guard_word(Database& db, const std::string& word, const std::string& kind,
                       const std::string& reason, Key added_by, const std::string& added_at) {
    SQLite::Statement q(db.sql(),
                        "INSERT INTO guard_word (word, kind, reason, added_by, added_at) VALUES "
                        "(?, ?, ?, ?, ?)");
    q.bind(1, word);
    q.bind(2, kind);
    if (!reason.empty()) q.bind(3, reason);
    q.bind(4, added_by);
    q.bind(5, added_at);
    q.exec();
}

void delete_guard_word(Database& db, const std::string& word) {
    SQLite::Statement q(db.sql(), "DELETE FROM guard_word WHERE word = ?");
    q.bind(1, word);
    q.exec();
}

void insert_organisation(Database& db, const std::string& name,
                         const std::optional<IdPattern>& pattern, const std::string& now) {
    SQLite::Statement o(db.sql(),
                        "INSERT INTO organisation (id, name, id_pattern, "
                        "id_pattern_description, created_at) VALUES (1, ?, ?, ?, ?)");
    o.bind(1, name);
    if (pattern) {
        o.bind(2, pattern->regex);
        o.bind(3, pattern->description);
    }
    o.bind(4, now);
    o.exec();
}

std::optional<IdPattern> read_id_pattern(Database& db) {
    SQLite::Statement q(db.sql(),
                        "SELECT id_pattern, coalesce(id_pattern_description, '') FROM "
                        "organisation WHERE id = 1");
    if (q.executeStep() && !q.getColumn(0).isNull())
        return IdPattern{q.getColumn(0).getString(), q.getColumn(1).getString()};
    return std::nullopt;
}

void write_id_pattern(Database& db, const std::optional<IdPattern>& pattern) {
    SQLite::Statement u(db.sql(),
                        "UPDATE organisation SET id_pattern = ?, id_pattern_description = ? "
                        "WHERE id = 1");
    if (pattern) {
        u.bind(1, pattern->regex);
        u.bind(2, pattern->description);
    }
    u.exec();
}

void for_each_stored_id(Database& db,
                        const std::function<void(std::string_view id, bool active)>& visit) {
    SQLite::Statement q(db.sql(), "SELECT uid, status = 'active' FROM service_user");
    while (q.executeStep()) {
        SQLite::Column uid = q.getColumn(0);
        visit(std::string_view(uid.getText(), uid.getBytes()), q.getColumn(1).getInt() != 0);
    }
}

void insert_star(Database& database, const Star& star, bool builtin) {
    SQLite::Database& db = database.sql();
    SQLite::Statement s(db, "INSERT INTO star (code, name, builtin) VALUES (?, ?, ?)");
    s.bind(1, star.code);
    s.bind(2, star.name);
    s.bind(3, builtin ? 1 : 0);
    s.exec();
    Key key = db.getLastInsertRowid();
    SQLite::Statement n(
        db, "INSERT INTO star_need (star_id, code, label, position) VALUES (?, ?, ?, ?)");
    int position = 0;
    for (const auto& need : star.needs) {
        n.reset();
        n.bind(1, key);
        n.bind(2, need.code);
        n.bind(3, need.label);
        n.bind(4, ++position);
        n.exec();
    }
}

void insert_service(Database& db, const std::string& code, const std::string& name, Key star,
                    const std::string& now) {
    SQLite::Statement s(
        db.sql(), "INSERT INTO service (code, name, star_id, created_at) VALUES (?, ?, ?, ?)");
    s.bind(1, code);
    s.bind(2, name);
    s.bind(3, star);
    s.bind(4, now);
    s.exec();
}

Key insert_staff(Database& db, const std::string& username, const std::string& name,
                 const std::optional<std::string>& login, bool lead, const std::string& now) {
    SQLite::Statement s(db.sql(),
                        "INSERT INTO staff (username, name, login, is_lead, created_at) "
                        "VALUES (?, ?, ?, ?, ?)");
    s.bind(1, username);
    s.bind(2, name);
    if (login) s.bind(3, *login);
    s.bind(4, lead ? 1 : 0);
    s.bind(5, now);
    s.exec();
    return db.sql().getLastInsertRowid();
}

void set_staff_lead(Database& db, Key staff, bool lead) {
    db.sql().exec(fmt::format("UPDATE staff SET is_lead = {} WHERE id = {}", lead ? 1 : 0, staff));
}

void insert_staff_role(Database& db, Key staff, Key service, const std::string& role) {
    SQLite::Statement r(
        db.sql(), "INSERT OR IGNORE INTO staff_role (staff_id, service_id, role) VALUES (?, ?, ?)");
    r.bind(1, staff);
    r.bind(2, service);
    r.bind(3, role);
    r.exec();
}

void delete_staff_role(Database& db, Key staff, Key service, const std::string& role) {
    SQLite::Statement r(
        db.sql(), "DELETE FROM staff_role WHERE staff_id = ? AND service_id = ? AND role = ?");
    r.bind(1, staff);
    r.bind(2, service);
    r.bind(3, role);
    r.exec();
}

std::int64_t count_active_caseload_in_service(Database& db, Key keyworker, Key service) {
    SQLite::Statement c(db.sql(),
                        "SELECT count(*) FROM service_user WHERE keyworker_id = ? AND "
                        "service_id = ? AND status = 'active'");
    c.bind(1, keyworker);
    c.bind(2, service);
    c.executeStep();
    return c.getColumn(0).getInt64();
}

void set_staff_active(Database& db, Key staff, bool active) {
    SQLite::Statement q(db.sql(), active ? "UPDATE staff SET active = 1 WHERE id = ?"
                                         : "UPDATE staff SET active = 0 WHERE id = ?");
    q.bind(1, staff);
    q.exec();
}

}  // namespace caseload::store
