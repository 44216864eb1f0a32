#pragma once
// The register: the domain's operations over a Database. Every write runs in
// one BEGIN IMMEDIATE transaction together with its audit event.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "caseload/database.hpp"
#include "caseload/dates.hpp"
#include "caseload/error.hpp"
#include "caseload/guard.hpp"
#include "caseload/model.hpp"
#include "caseload/rules.hpp"

namespace caseload {

// What a person (or an import row) asks to add.
struct NewServiceUserInput {
    std::string id;  // empty with generate
    bool generate = false;
    std::optional<std::string> service;
    std::optional<std::string> keyworker;
    std::optional<std::string> date_of_birth;
    std::optional<std::string> age_band;
    std::optional<std::string> gender;
    std::optional<std::string> ethnicity;
    std::vector<std::string> needs;
    std::optional<std::string> started_on;  // default: today
};

// One thing wrong with an input, named by its field (the import's column).
struct FieldProblem {
    std::string field;  // id, service, keyworker, date_of_birth, age_band, gender, ethnicity, needs
    Exit code = Exit::invalid;
    std::string message;
    std::string hint;
    std::vector<std::string> details;
};

// An input that passed every rule of `su add` but uniqueness (checked on insert).
struct ValidatedServiceUser {
    std::string id;
    Key service_key = 0;
    Key keyworker_key = 0;
    std::optional<std::string> date_of_birth;  // ISO
    std::optional<std::string> age_band;
    std::optional<std::string> gender;
    std::optional<std::string> ethnicity;
    std::vector<Key> need_keys;
    std::vector<std::string> need_codes;
    std::optional<std::string> started_on;  // ISO; nullopt: not given (today when written)
    std::vector<GuardFinding> warnings;     // need --confirm-anonymous
};

// The rules of `su add` (spec §1-§3), pure: the single code path for `su add`
// and every row of `su import`. Appends every problem found to `problems`.
std::optional<ValidatedServiceUser> validate_new_service_user(
    const Directory& dir, const StaffMember& actor, const Guard& guard,
    const NewServiceUserInput& input, const Date& today, std::vector<FieldProblem>& problems);
// The same rules, filling `out` (whose buffers are reused: an import checks
// a million rows with one); true when no problem was found.
bool validate_new_service_user(const Directory& dir, const StaffMember& actor, const Guard& guard,
                               const NewServiceUserInput& input, const Date& today,
                               std::vector<FieldProblem>& problems, ValidatedServiceUser& out);

// The hint of a refusal by the organisation's ID pattern: what IDs here are
// (its description), or the pattern itself when it has none.
std::string id_pattern_hint(const Organisation& org);

// Validates the optional details (dob, age band, gender, ethnicity) in place,
// leaving each in its stored form (YYYY-MM-DD, codes as listed): shared by
// add, edit and import.
void validate_details(std::optional<std::string>& date_of_birth,
                      std::optional<std::string>& age_band, std::optional<std::string>& gender,
                      std::optional<std::string>& ethnicity, const Date& today,
                      std::vector<FieldProblem>& problems);

// Checks a start date in place (leaving it as YYYY-MM-DD): a date, not in the
// future, not before the date of birth (ISO, when known), not after the
// leaving date (ISO, when left). A problem names the field started_on.
void validate_started_on(std::optional<std::string>& started_on,
                         const std::optional<std::string>& date_of_birth,
                         const std::optional<std::string>& left_on, const Date& today,
                         std::vector<FieldProblem>& problems);

// Needs of a Star by code; unknown ones are problems naming the need and the Star.
std::vector<Key> resolve_needs(const StoredStar& star, const std::vector<std::string>& codes,
                               std::vector<std::string>& canonical_codes,
                               std::vector<FieldProblem>& problems);

// Guard findings formatted as the lines of an error message.
std::vector<std::string> finding_lines(const std::vector<GuardFinding>& findings);

// The Error for a guard block on `id`.
Error guard_refusal(std::string_view id, const std::vector<GuardFinding>& findings);

// Filters of `su list`, `su export` and reports.
struct ServiceUserFilter {
    std::optional<std::string> service;
    std::optional<std::string> keyworker;
    std::optional<std::string> need;
    bool include_left = false;
    bool only_left = false;
};

class Register {
  public:
    static Register open(const std::string& path, double wait_seconds);
    explicit Register(Database db);

    Database& db() { return db_; }
    const Directory& directory() const { return dir_; }
    void reload();

    // The acting staff member (spec §4): the OS login, or `as_user` for a lead.
    Actor resolve_actor(const std::optional<std::string>& as_user) const;

    // The guard with this register's words and service codes.
    Guard guard() const;
    GuardWords guard_words() const;

    // Audit: one event, inside the caller's transaction.
    Key record_event(const Actor& actor, std::string_view action, std::optional<Key> su,
                     std::string_view detail);

    // Looks an ID up (case-insensitive), or nullopt.
    std::optional<ServiceUser> find(std::string_view id);
    std::optional<ServiceUser> find_by_key(Key key);
    // Looks an ID up for an action, or throws: not found (with "did you mean"
    // among the IDs the actor may see), or denied.
    ServiceUser require(const Actor& actor, std::string_view id, SuAction action);
    // Up to three IDs within one edit of `id` that `who` may see.
    std::vector<std::string> near_ids(const StaffMember& who, std::string_view id);
    bool id_in_use(std::string_view id);

    // Streams service users the actor may see, ordered by ID.
    void for_each(const StaffMember& who, const ServiceUserFilter& filter,
                  const std::function<void(const ServiceUser&)>& visit);

    // Inserts a validated service user with its needs and its event; the caller
    // holds the transaction. Throws Error(conflict) when the ID is in use.
    Key insert(const Actor& actor, const ValidatedServiceUser& su, std::optional<Key> event);

    // Names for display.
    std::string service_code(Key key) const;
    std::string username(Key key) const;

  private:
    Database db_;
    Directory dir_;
};

}  // namespace caseload
