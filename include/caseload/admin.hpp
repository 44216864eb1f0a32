#pragma once
// Organisation administration: the register itself, services, staff, Stars.
#include <optional>
#include <string>
#include <vector>

#include "caseload/register.hpp"

namespace caseload {

// The OS login of this process (getpwuid(geteuid())).
std::string current_os_login();

// Usernames: 2-32 of a-z, 0-9, '.', '_', '-', starting with a letter.
std::string normalise_username(std::string_view raw);

// Service codes: 2-10 letters and digits, starting with a letter; stored upper-case.
std::string normalise_service_code(std::string_view raw);

// Free text (names, reasons): trimmed, non-empty, valid UTF-8 without control
// characters, at most `max` bytes; else Error(invalid) naming `what`.
std::string checked_text(std::string_view raw, std::string_view what, std::size_t max = 120);

// Creates the register with the default Star catalogue and its first lead,
// mapped to `login`.
void initialise_register(const std::string& path, double wait_seconds,
                         std::string_view organisation, std::string_view lead_username,
                         std::string_view lead_name, std::string_view login);

void add_service(Register& reg, const Actor& actor, std::string_view code, std::string_view name,
                 std::string_view star_code);

struct RoleChange {
    bool lead = false;
    std::vector<std::string> worker;   // service codes
    std::vector<std::string> manager;  // service codes
    bool empty() const { return !lead && worker.empty() && manager.empty(); }
};

void add_staff(Register& reg, const Actor& actor, std::string_view username, std::string_view name,
               const std::optional<std::string>& login, const RoleChange& roles);
void grant_roles(Register& reg, const Actor& actor, std::string_view username,
                 const RoleChange& roles);
void revoke_roles(Register& reg, const Actor& actor, std::string_view username,
                  const RoleChange& roles);

void add_star(Register& reg, const Actor& actor, const Star& star);

// Throws Error(not_found) with a "did you mean" among the known names.
const Service& require_service(const Directory& dir, std::string_view code);
const StaffMember& require_staff(const Directory& dir, std::string_view username);
const StoredStar& require_star(const Directory& dir, std::string_view code);

}  // namespace caseload
