#pragma once
// JSON objects that commands of more than one file print (man caseload,
// JSON OUTPUT). The service-user object is in context.hpp.
#include <string>

#include "context.hpp"

namespace caseload::cli {

// The organisation object: org show, org pattern, init (cmd_org.cpp).
Json organisation_json(const Directory& dir);

// Under --format, the staff object of staff show, after staff add, grant,
// revoke, deactivate or activate; nothing otherwise (cmd_staff.cpp).
void print_changed_staff(Context& ctx, const std::string& username);

}  // namespace caseload::cli
