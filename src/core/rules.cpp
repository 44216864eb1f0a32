#include "caseload/rules.hpp"

#include <fmt/format.h>

#include "caseload/error.hpp"

namespace caseload {

std::string Actor::describe() const {
    if (lead && lead->key != member.key)
        return fmt::format("lead {} as {}", lead->username, member.username);
    return member.username;
}

std::string_view action_name(SuAction action) {
    switch (action) {
        case SuAction::show:
            return "see";
        case SuAction::edit:
            return "edit";
        case SuAction::needs:
            return "change the needs of";
        case SuAction::rename:
            return "rename";
        case SuAction::leave:
            return "mark the leaving or return of";
        case SuAction::allocate:
            return "reallocate";
        case SuAction::erase:
            return "erase";
    }
    return "change";
}

bool may(const StaffMember& who, SuAction action, Key service, Key keyworker) {
    if (!who.active) return false;
    if (who.lead) return true;
    if (action == SuAction::erase) return false;
    if (who.is_manager_of(service)) return true;
    if (action == SuAction::allocate) return false;
    return keyworker == who.key && who.is_worker_of(service);
}

void require_may(const Directory& dir, const StaffMember& who, SuAction action,
                 const ServiceUser& su) {
    if (may(who, action, su.service_key, su.keyworker_key)) return;
    const Service* service = dir.service_by_key(su.service_key);
    std::string code = service ? service->code : "?";
    if (action == SuAction::erase)
        throw Error(Exit::denied, fmt::format("only a lead may erase a service user ('{}')", su.id),
                    "ask a lead of your organisation to run 'caseload su erase'");
    if (action == SuAction::allocate && su.keyworker_key == who.key)
        throw Error(
            Exit::denied,
            fmt::format("you may not reallocate '{}': workers cannot reallocate", su.id),
            fmt::format("ask a manager of {} or a lead to run 'caseload su allocate'", code));
    if (action == SuAction::allocate)
        throw Error(Exit::denied,
                    fmt::format("you may not reallocate '{}': you do not manage {}", su.id, code),
                    fmt::format("ask a manager of {} or a lead", code));
    throw Error(Exit::denied,
                fmt::format("you may not {} '{}': it is not on your caseload or in a service you "
                            "manage",
                            action_name(action), su.id),
                fmt::format("ask its keyworker, a manager of {} or a lead", code));
}

void require_lead(const StaffMember& who, std::string_view what) {
    if (who.lead && who.active) return;
    throw Error(Exit::denied, fmt::format("only a lead may {}", what),
                "ask a lead of your organisation, or a lead can act for you with --as");
}

void require_another_active_lead(const Directory& dir, const StaffMember& member) {
    int leads = 0;
    for (const auto& m : dir.staff) leads += m.lead && m.active;
    if (leads <= 1)
        throw Error(
            Exit::conflict,
            fmt::format("'{}' is the only active lead; the register needs one", member.username),
            "grant --lead to someone else first");
}

}  // namespace caseload
