#pragma once
// Fixing and moving records (issue 4): rename, allocate, needs, edit,
// leave/return, erase, and staff (de)activation. The core holds every rule;
// the CLI only parses and prints.
//
// Every change runs in one write transaction with its audit event. Events
// carry the service user's internal key, never an ID string, and their detail
// names fields and staff only (no dates of birth, no needs), so that an
// erased person leaves nothing personal behind in the trail.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caseload/dates.hpp"
#include "caseload/register.hpp"

namespace caseload {

// ---------------------------------------------------------------------------
// IDs

// The ID rules of `su add` for a new or renamed ID: format, the
// organisation's pattern, the guard. Returns the ID as entered (trimmed, case
// kept) and fills `warnings` with the findings that need confirmation; throws
// Error(invalid) for a bad format, a pattern mismatch or a guard block.
// Generated IDs (service code, 8 symbols, check symbol) are not made to fit
// the organisation's ID pattern: throws Error(invalid) when the pattern
// refuses `generated`, so that no ID outside it enters by --generate.
void require_pattern_allows_generated(const Directory& dir, std::string_view generated);

std::string check_new_id(const Directory& dir, const Guard& guard, std::string_view raw,
                         std::vector<GuardFinding>& warnings);

// su rename, in two steps so that the CLI can ask for confirmation between
// them without holding the write lock.
struct RenamePlan {
    Key key = 0;
    std::string old_id;  // as stored
    std::string new_id;  // as entered, or generated
    bool generated = false;
    std::vector<GuardFinding> warnings;  // need confirmation (none when generated)
};

// Looks OLD up for a rename (not found: exit 4 with "did you mean"; not
// allowed: exit 6) and checks NEW like `su add` does. `new_id` nullopt means
// generate one (prefixed with the service code). Throws Error(conflict) when
// NEW is another service user's ID in any case, Error(usage) when NEW is
// exactly OLD.
RenamePlan plan_rename(Register& reg, const Actor& actor, std::string_view old_id,
                       const std::optional<std::string>& new_id);

// Writes a planned rename with its event, then checkpoints the WAL so that
// no byte of the old ID is left in the register's files. Throws
// Error(conflict) when the record or the new ID changed in the meantime.
// The checkpoint never holds the write lock while it waits; when it cannot
// finish, the register keeps a mark and a later command finishes it
// (Database::scrub says how far it got).
// `before_commit` sees the renamed record inside the transaction: the place
// to write the new ID's only copy; when it throws, nothing is renamed.
Scrub apply_rename(Register& reg, const Actor& actor, const RenamePlan& plan,
                   const std::function<void(const ServiceUser&)>& before_commit = {});

// ---------------------------------------------------------------------------
// Allocation

struct AllocateResult {
    ServiceUser su;  // after
    std::string from;
    std::string to;
    bool changed = false;  // false: already the keyworker, nothing written
};

// Managers of the service and leads (exit 6 otherwise). The new keyworker
// must be an active worker of the same service (exit 3, listing them).
AllocateResult allocate_service_user(Register& reg, const Actor& actor, std::string_view id,
                                     std::string_view to_username);

// ---------------------------------------------------------------------------
// Needs

struct NeedsChange {
    std::vector<std::string> add;
    std::vector<std::string> remove;
    std::optional<std::vector<std::string>> set;  // replaces the list; empty clears
    bool empty() const { return add.empty() && remove.empty() && !set; }
};

struct NeedsResult {
    ServiceUser su;  // after
    std::vector<std::string> added;
    std::vector<std::string> removed;
    bool changed() const { return !added.empty() || !removed.empty(); }
};

// The needs of a service user with their labels, in the Star's order.
std::vector<StarNeed> needs_with_labels(const Directory& dir, const ServiceUser& su);

// Only needs of the service's Star are accepted (exit 3 naming the need and
// the Star). Adding a need already held or removing one not held changes
// nothing; when nothing changes, nothing is written. Throws Error(usage)
// when `set` is combined with `add` or `remove`, or when the change is empty.
NeedsResult change_needs(Register& reg, const Actor& actor, std::string_view id,
                         const NeedsChange& change);

// ---------------------------------------------------------------------------
// Details

struct DetailsChange {
    std::optional<std::string> date_of_birth;
    std::optional<std::string> age_band;
    std::optional<std::string> gender;
    std::optional<std::string> ethnicity;
    std::optional<std::string> started_on;  // cannot be cleared: every record has one
    std::vector<std::string> clear;         // dob, age-band, gender, ethnicity
    bool empty() const {
        return !date_of_birth && !age_band && !gender && !ethnicity && !started_on && clear.empty();
    }
};

struct EditResult {
    ServiceUser su;                    // after
    std::vector<std::string> changed;  // field names (date_of_birth, age_band, ...)
};

// The fields of --clear, and their stored names.
std::optional<std::string> details_field(std::string_view clear_name);

// The same validation as `su add`; the start date is checked against the
// record's date of birth and leaving date as they are after the change (a
// new date of birth after the start date is refused too). A date of birth replaces a stored age
// band and the other way round. Throws Error(usage) when nothing is asked, or
// a field is both set and cleared, or both --dob and --age-band are given.
EditResult edit_service_user(Register& reg, const Actor& actor, std::string_view id,
                             const DetailsChange& change, const Date& today);

// ---------------------------------------------------------------------------
// Leaving and returning

// Marks as left on `date` (default today; not in the future, not before the
// start date). Leaving twice is a conflict (exit 5).
ServiceUser leave_service_user(Register& reg, const Actor& actor, std::string_view id,
                               const std::optional<std::string>& date, const Date& today);

// Marks as active again. Returning someone who has not left is a conflict;
// so is returning someone whose keyworker is no longer an active worker of
// the service (allocate them first: allocation works on people who left).
ServiceUser return_service_user(Register& reg, const Actor& actor, std::string_view id);

// ---------------------------------------------------------------------------
// Erasure

// Lead only. `confirm` must repeat the ID (case ignored; exit 3 otherwise).
// Deletes the record and its needs, records 'su.erase' against the key, and
// checkpoints the WAL.
struct ErasedServiceUser {
    std::string id;  // as it was stored
    Scrub scrub;     // as apply_rename's result
};
ErasedServiceUser erase_service_user(Register& reg, const Actor& actor, std::string_view id,
                                     std::string_view confirm);

// ---------------------------------------------------------------------------
// Staff

// Lead only. Refused (exit 5) while the member keyworks an active service
// user, when they are the last active lead, or when already deactivated.
void deactivate_staff(Register& reg, const Actor& actor, std::string_view username);

// Lead only. Refused (exit 5) when the member is active.
void activate_staff(Register& reg, const Actor& actor, std::string_view username);

}  // namespace caseload
