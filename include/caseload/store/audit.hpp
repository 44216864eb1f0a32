#pragma once
// The store's audit trail, read by `caseload log`. See caseload/store.hpp.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "caseload/database.hpp"
#include "caseload/model.hpp"

namespace caseload::store {

// Which events: every condition given must hold.
struct AuditEventFilter {
    std::optional<Key> service_user;    // about this service user, or the import that made them
    std::optional<Key> staff;           // by this staff member (acting, or the lead behind)
    std::optional<std::string> since;   // on or after this UTC timestamp
    std::optional<std::string> before;  // before this UTC timestamp
    std::optional<std::string> action;  // exactly this action (su.leave)
    std::optional<std::string> action_group;  // or every action of a group (su: su.*)
    std::size_t newest = 0;                   // non-zero: only the newest this many
};

// One event, with where its service user is now (none when erased).
struct AuditEventRow {
    std::string at;
    Key actor = 0;
    std::optional<Key> lead;
    std::string action;
    std::optional<Key> service_user;
    std::string detail;
    std::optional<std::string> uid;  // nullopt with a service_user: erased
    Key service = 0, keyworker = 0;
};

// Streams the events in the order they happened.
void list_audit_events(Database& db, const AuditEventFilter& filter,
                       const std::function<void(const AuditEventRow&)>& visit);

}  // namespace caseload::store
