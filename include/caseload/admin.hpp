#pragma once
// Organisation administration: the register itself, its settings, services,
// staff, Stars.
#include <cstdint>
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

// The organisation's stricter ID pattern (spec §2): an ECMAScript regular
// expression that a whole new ID must match (as typed, case-sensitive), and
// its description for people ("HOM- and four digits").
struct IdPattern {
    std::string regex;
    std::string description;
};

// Checks a pattern before it is stored: the regular expression must compile
// and the description be plain text. Throws Error(invalid) naming the problem.
IdPattern checked_id_pattern(std::string_view regex, std::string_view description);

// Creates the register with the default Star catalogue and its first lead,
// mapped to `login`, and optionally the organisation's ID pattern.
void initialise_register(const std::string& path, double wait_seconds,
                         std::string_view organisation, std::string_view lead_username,
                         std::string_view lead_name, std::string_view login,
                         const std::optional<IdPattern>& id_pattern = std::nullopt);

// Sets the organisation's ID pattern, or clears it (nullopt), with its audit
// event in the same transaction (lead only). Stored IDs stay valid; new IDs
// and renames must match. False when it already was so: nothing is written.
bool set_id_pattern(Register& reg, const Actor& actor, const std::optional<IdPattern>& pattern);

// How a pattern fits the register as it is: the stored IDs that do not match
// it (they stay valid), and whether IDs made by --generate, which are not
// checked against it, would match.
struct IdPatternFit {
    std::int64_t stored = 0;                       // service users, active and left
    std::int64_t not_matching = 0;                 // of those, IDs the pattern refuses
    std::int64_t active_not_matching = 0;          // of those, active service users
    std::optional<std::string> generated_example;  // a generated ID it refuses
};
IdPatternFit id_pattern_fit(Register& reg, const IdPattern& pattern);

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
