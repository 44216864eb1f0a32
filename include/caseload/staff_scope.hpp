#pragma once
// Whose caseload a manager may see: staff of a service they manage.
#include "caseload/model.hpp"

namespace caseload {

// True when `keyworker` is a worker or manager of a service `who` manages
// (su list --keyworker and report --keyworker share this rule).
inline bool manages_staff(const StaffMember& who, const StaffMember& keyworker) {
    for (const auto& [service, role] : keyworker.roles)
        if ((role.worker || role.manager) && who.is_manager_of(service)) return true;
    return false;
}

}  // namespace caseload
