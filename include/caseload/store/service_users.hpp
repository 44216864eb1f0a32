#pragma once
// The store's service users: find, list, insert, count, complete; and the
// audit event that goes with every write. See caseload/store.hpp.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caseload/database.hpp"
#include "caseload/model.hpp"
#include "caseload/rules.hpp"

namespace caseload::store {

// A service user by ID (case-insensitive), or by key; nullopt when none.
std::optional<ServiceUser> find_service_user(Database& db, std::string_view id);
std::optional<ServiceUser> find_service_user_by_key(Database& db, Key key);
bool service_user_id_in_use(Database& db, std::string_view id);

// Where a service user is: enough to decide who may see them.
struct ServiceUserPlace {
    std::string id;
    Key service_key = 0;
    Key keyworker_key = 0;
};
// The service user with exactly this ID (its case-folded key), if any.
std::optional<ServiceUserPlace> find_service_user_place(Database& db, const std::string& id_key);

// Which rows for_each_service_user reads. The visibility policy stays in the
// domain (Register::for_each): this only narrows the rows read.
struct ServiceUserRows {
    enum class Status { active, left, any } status = Status::active;
    std::optional<Key> service;
    std::optional<Key> keyworker;
    std::vector<Key> any_of_needs;  // non-empty: those holding one of these needs
    // Non-lead scope: on this keyworker's caseload or in one of these services.
    std::optional<Key> scope_keyworker;
    std::vector<Key> scope_services;
};
// Streams the rows, ordered by ID, one at a time (none are gathered): a
// non-lead's scope is read as index ranges (their caseload, each service
// they manage) merged in ID order, so the first row comes at once.
void for_each_service_user(Database& db, const ServiceUserRows& rows,
                           const std::function<void(const ServiceUser&)>& visit);

// What insert_service_user writes; the caller holds the write transaction.
struct NewServiceUserRow {
    std::string id;
    Key service_key = 0;
    Key keyworker_key = 0;
    std::optional<std::string> date_of_birth, age_band, gender, ethnicity;
    std::string started_on;  // ISO
    std::string now;         // UTC timestamp, created_at and updated_at
    std::optional<Key> created_event;
    std::vector<Key> need_keys;
};
// Inserts the row and its needs; returns its key.
Key insert_service_user(Database& db, const NewServiceUserRow& row);

// Changes to one service user (by key); the caller holds the write
// transaction, and `now` becomes updated_at.
void touch_service_user(Database& db, Key key, const std::string& now);
void rename_service_user(Database& db, Key key, const std::string& new_id, const std::string& now);
void set_keyworker(Database& db, Key key, Key keyworker, const std::string& now);
void insert_need(Database& db, Key key, Key need);
void delete_need(Database& db, Key key, Key need);
struct ServiceUserDetails {
    std::optional<std::string> date_of_birth, age_band, gender, ethnicity, started_on;
};
void update_details(Database& db, Key key, const ServiceUserDetails& details,
                    const std::string& now);
void mark_left(Database& db, Key key, const std::string& left_on, const std::string& now);
void mark_returned(Database& db, Key key, const std::string& now);
// The row and its needs (ON DELETE CASCADE); with secure_delete on, the freed
// bytes are overwritten (Database::scrub then empties the WAL).
void delete_service_user(Database& db, Key key);

// Audit: one event, inside the caller's transaction; returns its key.
Key insert_audit_event(Database& db, const std::string& at, Key actor, std::optional<Key> lead,
                       std::string_view action, std::optional<Key> su, std::string_view detail);

// Active service users of a service, and on a keyworker's caseload.
std::int64_t count_active_in_service(Database& db, Key service);
std::int64_t count_active_caseload(Database& db, Key keyworker);

// Completion of IDs: those starting with a prefix ([low, high) in NOCASE
// order, low empty for all) that `me` may `action`, read through the indexes
// so that it stays fast on a large register. Up to max_ids + 1 IDs (more than
// max_ids means "too many"), and then `last`, the last match of all.
struct IdPrefixMatches {
    std::vector<std::string> ids;
    std::optional<std::string> last;
};
enum class IdStatus { any, active, left };
IdPrefixMatches find_ids_with_prefix(Database& db, const Directory& dir, const StaffMember& me,
                                     SuAction action, IdStatus status, const std::string& low,
                                     const std::string& high, std::size_t max_ids);
// The statements find_ids_with_prefix runs for this actor (forwards), for a
// test of their query plans.
std::vector<std::string> id_completion_statements(const Directory& dir, const StaffMember& me,
                                                  SuAction action, IdStatus status,
                                                  bool has_prefix);

// SQLite's EXPLAIN QUERY PLAN of a statement: its steps' details, one a line.
std::string explain_query_plan(Database& db, const std::string& sql);

}  // namespace caseload::store
