#pragma once
// The role rules of spec §1, in one place.
#include <string>

#include "caseload/model.hpp"

namespace caseload {

// Who is acting: the staff member, and the lead behind them when a lead acts
// "as" someone else (recorded as "lead X as Y").
struct Actor {
    StaffMember member;
    std::optional<StaffMember> lead;

    std::string describe() const;
};

enum class SuAction { show, edit, needs, rename, leave, allocate, erase };

std::string_view action_name(SuAction action);

// May `who` do `action` to a service user of `service` on `keyworker`'s caseload?
//   lead: everything; manager of the service: everything but erase;
//   the keyworker (a worker of the service): show, edit, needs, rename, leave/return.
bool may(const StaffMember& who, SuAction action, Key service, Key keyworker);

// May `who` see the service user at all (lists, reports, "did you mean")?
inline bool may_see(const StaffMember& who, Key service, Key keyworker) {
    return may(who, SuAction::show, service, keyworker);
}

// Throws Error(denied) unless `who` may do `action`, with a message naming the ID.
void require_may(const Directory& dir, const StaffMember& who, SuAction action,
                 const ServiceUser& su);

// Throws Error(denied) unless `who` is a lead.
void require_lead(const StaffMember& who, std::string_view what);

// Throws Error(conflict) when `member` is the only active lead: the register
// must keep one (before removing a lead's role or deactivating them).
void require_another_active_lead(const Directory& dir, const StaffMember& member);

}  // namespace caseload
