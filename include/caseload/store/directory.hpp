#pragma once
// The store's directory: the organisation, Stars, services, staff and guard
// words that every rule consults. See caseload/store.hpp.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "caseload/admin.hpp"
#include "caseload/database.hpp"
#include "caseload/model.hpp"

namespace caseload::store {

// Everything small about a register, in a few queries.
Directory load_directory(Database& db);

// Guard words; the caller holds the write transaction. `reason` may be empty.
void insert_guard_word(Database& db, const std::string& word, const std::string& kind,
                       const std::string& reason, Key added_by, const std::string& added_at);
void delete_guard_word(Database& db, const std::string& word);

// The organisation (one row) and its ID pattern.
void insert_organisation(Database& db, const std::string& name,
                         const std::optional<IdPattern>& pattern, const std::string& now);
std::optional<IdPattern> read_id_pattern(Database& db);
void write_id_pattern(Database& db, const std::optional<IdPattern>& pattern);
// Every stored ID, active or not, in no particular order.
void for_each_stored_id(Database& db,
                        const std::function<void(std::string_view id, bool active)>& visit);

// A Star and its needs (in their order).
void insert_star(Database& db, const Star& star, bool builtin);
void insert_service(Database& db, const std::string& code, const std::string& name, Key star,
                    const std::string& now);

// Staff and their roles; the caller holds the write transaction.
Key insert_staff(Database& db, const std::string& username, const std::string& name,
                 const std::optional<std::string>& login, bool lead, const std::string& now);
void set_staff_active(Database& db, Key staff, bool active);
void set_staff_lead(Database& db, Key staff, bool lead);
// role: "worker" or "manager". Inserting a role held already changes nothing.
void insert_staff_role(Database& db, Key staff, Key service, const std::string& role);
void delete_staff_role(Database& db, Key staff, Key service, const std::string& role);
// Active service users on a keyworker's caseload in one service.
std::int64_t count_active_caseload_in_service(Database& db, Key keyworker, Key service);

}  // namespace caseload::store
