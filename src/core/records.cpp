#include "caseload/records.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <set>

#include "caseload/admin.hpp"
#include "caseload/error.hpp"
#include "caseload/id.hpp"
#include "caseload/idgen.hpp"
#include "caseload/store.hpp"
#include "caseload/text.hpp"

namespace caseload {

namespace {

// The first problem decides the exit code; the others follow as details.
[[noreturn]] void throw_problems(const std::vector<FieldProblem>& problems) {
    const FieldProblem& first = problems.front();
    std::vector<std::string> details = first.details;
    for (std::size_t i = 1; i < problems.size(); ++i)
        details.push_back("also: " + problems[i].message);
    throw Error(first.code, first.message, first.hint, details);
}

// A write: takes the lock, then reloads the directory so that every rule is
// checked against what is committed now (a staff member deactivated a moment
// ago cannot be given a caseload).
struct Change {
    WriteTransaction tx;
    explicit Change(Register& reg) : tx(reg.db()) { reg.reload(); }
};

void touch(Register& reg, Key key) {
    store::touch_service_user(reg.db(), key, utc_timestamp());
}

// Moves the WAL into the database and empties it, so that the bytes of a
// renamed-away or erased ID survive in no file. The change is committed
// either way, with its scrub marked pending: an error here must not report
// it as failed. Short reads by other commands are waited out (up to a
// second), a long one is not.
Scrub checkpoint(Register& reg) {
    try {
        return reg.db().scrub(std::min(reg.db().wait_seconds(), 1.0));
    } catch (const std::exception&) {
        return Scrub::deferred;
    }
}

const StoredStar& star_of(const Directory& dir, const ServiceUser& su) {
    const Service* service = dir.service_by_key(su.service_key);
    const StoredStar* star = service ? dir.star_by_key(service->star_key) : nullptr;
    if (!star)
        throw Error(Exit::failure, "the service of this service user has no Star",
                    "run 'caseload db check'");
    return *star;
}

std::string worker_list(const Directory& dir, Key service) {
    auto workers = dir.workers_of(service);
    return workers.empty()
               ? fmt::format("{} has no active workers yet", dir.service_by_key(service)->code)
               : fmt::format("workers of {}: {}", dir.service_by_key(service)->code,
                             join(workers, ", "));
}

Error id_in_use_error(std::string_view wanted, const ServiceUser& holder) {
    return Error(
        Exit::conflict,
        fmt::format(
            "the ID '{}' is already in use{}", wanted,
            holder.id != wanted ? fmt::format(" (as '{}'; IDs ignore case)", holder.id) : ""),
        "choose another ID, or use --generate");
}

}  // namespace

// ---------------------------------------------------------------------------
// IDs

void require_pattern_allows_generated(const Directory& dir, std::string_view generated) {
    const auto& org = dir.organisation;
    if (!org.id_pattern || matches_id_pattern(generated, *org.id_pattern)) return;
    throw Error(
        Exit::invalid,
        fmt::format("your organisation's ID pattern ({}) does not allow generated IDs such as '{}'",
                    org.id_pattern_description.value_or(*org.id_pattern), generated),
        "enter an ID that fits the pattern instead of --generate, or ask a lead to "
        "change it ('caseload org pattern')");
}

std::string check_new_id(const Directory& dir, const Guard& guard, std::string_view raw,
                         std::vector<GuardFinding>& warnings) {
    std::string id = normalise_id(raw);
    const auto& org = dir.organisation;
    if (org.id_pattern && !matches_id_pattern(id, *org.id_pattern))
        throw Error(Exit::invalid,
                    fmt::format("'{}' does not match your organisation's ID pattern", id),
                    id_pattern_hint(org));
    auto findings = guard.check(id);
    if (Guard::blocks(findings)) throw guard_refusal(id, findings);
    warnings = std::move(findings);
    return id;
}

RenamePlan plan_rename(Register& reg, const Actor& actor, std::string_view old_id,
                       const std::optional<std::string>& new_id) {
    ServiceUser su = reg.require(actor, old_id, SuAction::rename);
    RenamePlan plan;
    plan.key = su.key;
    plan.old_id = su.id;
    Guard guard = reg.guard();
    if (!new_id) {
        plan.new_id = generate_id(reg.service_code(su.service_key), guard,
                                  [&](std::string_view id) { return reg.id_in_use(id); });
        require_pattern_allows_generated(reg.directory(), plan.new_id);
        plan.generated = true;
        return plan;
    }
    plan.new_id = check_new_id(reg.directory(), guard, *new_id, plan.warnings);
    if (plan.new_id == su.id)
        throw Error(Exit::usage, fmt::format("'{}' already has this ID; nothing to change", su.id),
                    "give a new ID, or use --generate");
    if (auto holder = reg.find(plan.new_id); holder && holder->key != su.key)
        throw id_in_use_error(plan.new_id, *holder);
    return plan;
}

Scrub apply_rename(Register& reg, const Actor& actor, const RenamePlan& plan,
                   const std::function<void(const ServiceUser&)>& before_commit) {
    {
        WriteTransaction tx(reg.db());
        // Between the plan and now (a prompt may have waited) someone else may
        // have renamed, erased or taken the ID.
        auto now = reg.find_by_key(plan.key);
        if (!now || now->id != plan.old_id)
            throw Error(Exit::conflict,
                        fmt::format("'{}' was changed by someone else meanwhile; nothing was "
                                    "renamed",
                                    plan.old_id),
                        "look it up again and run the command again");
        if (auto holder = reg.find(plan.new_id); holder && holder->key != plan.key)
            throw id_in_use_error(plan.new_id, *holder);
        store::rename_service_user(reg.db(), plan.key, plan.new_id, utc_timestamp());
        // The detail never holds an ID: the old one must be kept nowhere.
        reg.record_event(actor, "su.rename", plan.key,
                         plan.generated                               ? "new ID generated"
                         : id_key(plan.new_id) == id_key(plan.old_id) ? "case of the ID changed"
                                                                      : "new ID entered");
        if (before_commit) before_commit(*reg.find_by_key(plan.key));
        reg.db().mark_scrub_pending();
        tx.commit();
    }
    return checkpoint(reg);
}

// ---------------------------------------------------------------------------
// Allocation

AllocateResult allocate_service_user(Register& reg, const Actor& actor, std::string_view id,
                                     std::string_view to_username) {
    Change change(reg);
    const Directory& dir = reg.directory();
    ServiceUser su = reg.require(actor, id, SuAction::allocate);
    const Service* service = dir.service_by_key(su.service_key);
    std::string name = ascii_lower(trim(to_username));
    const StaffMember* to = dir.staff_by_username(name);
    if (!to || !to->active || !to->is_worker_of(su.service_key))
        throw Error(Exit::invalid,
                    fmt::format("'{}' is not {} of {}", printable(trim(to_username)),
                                to && !to->active ? "an active worker" : "a worker", service->code),
                    worker_list(dir, su.service_key) +
                        "; a lead adds workers with 'caseload staff grant USERNAME --worker " +
                        service->code + "'");
    AllocateResult result;
    result.from = reg.username(su.keyworker_key);
    result.to = to->username;
    if (to->key == su.keyworker_key) {
        result.su = su;
        return result;  // nothing to write; the transaction rolls back
    }
    store::set_keyworker(reg.db(), su.key, to->key, utc_timestamp());
    reg.record_event(actor, "su.allocate", su.key,
                     fmt::format("keyworker {} -> {}", result.from, result.to));
    change.tx.commit();
    result.changed = true;
    result.su = *reg.find_by_key(su.key);
    return result;
}

// ---------------------------------------------------------------------------
// Needs

std::vector<StarNeed> needs_with_labels(const Directory& dir, const ServiceUser& su) {
    std::vector<StarNeed> out;
    const Service* service = dir.service_by_key(su.service_key);
    const StoredStar* star = service ? dir.star_by_key(service->star_key) : nullptr;
    for (const auto& code : su.needs) {
        std::string label;
        if (star)
            for (const auto& n : star->star.needs)
                if (n.code == code) label = n.label;
        out.push_back({code, label});
    }
    return out;
}

NeedsResult change_needs(Register& reg, const Actor& actor, std::string_view id,
                         const NeedsChange& change) {
    if (change.set && (!change.add.empty() || !change.remove.empty()))
        throw Error(Exit::usage, "give --set, or --add and --remove, not both",
                    "--set replaces the whole list; --add and --remove change it");
    if (change.empty())
        throw Error(Exit::usage, "nothing to change",
                    "give --add NEED, --remove NEED or --set NEED,...");
    Change tx(reg);
    const Directory& dir = reg.directory();
    ServiceUser su = reg.require(actor, id, SuAction::needs);
    const StoredStar& star = star_of(dir, su);

    std::vector<FieldProblem> problems;
    std::vector<std::string> set_codes, add_codes, remove_codes;
    if (change.set) resolve_needs(star, *change.set, set_codes, problems);
    resolve_needs(star, change.add, add_codes, problems);
    resolve_needs(star, change.remove, remove_codes, problems);
    if (!problems.empty()) throw_problems(problems);
    for (const auto& code : add_codes)
        if (std::find(remove_codes.begin(), remove_codes.end(), code) != remove_codes.end())
            throw Error(Exit::usage, fmt::format("'{}' is both added and removed", code),
                        "give each need to --add or to --remove, not to both");

    std::set<std::string> target;
    if (change.set) {
        target.insert(set_codes.begin(), set_codes.end());
    } else {
        target.insert(su.needs.begin(), su.needs.end());
        target.insert(add_codes.begin(), add_codes.end());
        for (const auto& code : remove_codes) target.erase(code);
    }
    std::set<std::string> current(su.needs.begin(), su.needs.end());

    NeedsResult result;
    // In the Star's order, so that messages read like the lists.
    for (std::size_t i = 0; i < star.star.needs.size(); ++i) {
        const std::string& code = star.star.needs[i].code;
        bool had = current.count(code) > 0, wants = target.count(code) > 0;
        if (had == wants) continue;
        if (wants)
            store::insert_need(reg.db(), su.key, star.need_keys[i]);
        else
            store::delete_need(reg.db(), su.key, star.need_keys[i]);
        (wants ? result.added : result.removed).push_back(code);
    }
    if (!result.changed()) {
        result.su = su;
        return result;
    }
    touch(reg, su.key);
    // Counts only: the needs themselves are personal data, kept on the record.
    reg.record_event(actor, "su.needs", su.key,
                     fmt::format("{} added, {} removed, {} now", result.added.size(),
                                 result.removed.size(), target.size()));
    tx.tx.commit();
    result.su = *reg.find_by_key(su.key);
    return result;
}

// ---------------------------------------------------------------------------
// Details

std::optional<std::string> details_field(std::string_view clear_name) {
    std::string name = ascii_lower(trim(clear_name));
    if (name == "dob" || name == "date-of-birth" || name == "date_of_birth") return "date_of_birth";
    if (name == "age-band" || name == "age_band") return "age_band";
    if (name == "gender") return "gender";
    if (name == "ethnicity") return "ethnicity";
    return std::nullopt;
}

EditResult edit_service_user(Register& reg, const Actor& actor, std::string_view id,
                             const DetailsChange& change, const Date& today) {
    if (change.empty())
        throw Error(Exit::usage, "nothing to change",
                    "give --dob, --age-band, --gender, --ethnicity, --started or --clear FIELD");
    if (change.date_of_birth && change.age_band)
        throw Error(Exit::usage, "give --dob or --age-band, not both",
                    "the age band follows from the date of birth; a new one replaces the other");
    std::set<std::string> clear;
    for (const auto& raw : change.clear) {
        auto field = details_field(raw);
        if (!field)
            throw Error(Exit::usage, fmt::format("--clear '{}' is not a field", printable(raw)),
                        "fields: dob, age-band, gender, ethnicity");
        clear.insert(*field);
    }
    auto set_and_cleared = [&](const std::optional<std::string>& value, const char* field,
                               const char* option) {
        if (value && clear.count(field))
            throw Error(Exit::usage, fmt::format("{} is both set and cleared", option),
                        fmt::format("give {} or --clear, not both", option));
    };
    set_and_cleared(change.date_of_birth, "date_of_birth", "--dob");
    set_and_cleared(change.age_band, "age_band", "--age-band");
    set_and_cleared(change.gender, "gender", "--gender");
    set_and_cleared(change.ethnicity, "ethnicity", "--ethnicity");

    // The validation of su add, on the values given.
    std::optional<std::string> dob = change.date_of_birth, band = change.age_band,
                               gender = change.gender, ethnicity = change.ethnicity;
    std::vector<FieldProblem> problems;
    validate_details(dob, band, gender, ethnicity, today, problems);
    if (!problems.empty()) throw_problems(problems);

    Change tx(reg);
    ServiceUser su = reg.require(actor, id, SuAction::edit);
    ServiceUser after = su;
    if (clear.count("date_of_birth")) after.date_of_birth.reset();
    if (clear.count("age_band")) after.age_band.reset();
    if (clear.count("gender")) after.gender.reset();
    if (clear.count("ethnicity")) after.ethnicity.reset();
    // A date of birth and an age band exclude each other: the new one wins.
    if (dob) {
        after.date_of_birth = dob;
        after.age_band.reset();
    }
    if (band) {
        after.age_band = band;
        after.date_of_birth.reset();
    }
    if (gender) after.gender = gender;
    if (ethnicity) after.ethnicity = ethnicity;
    // The start date against the dates the record will have.
    if (change.started_on || (dob && after.started_on)) {
        std::optional<std::string> started =
            change.started_on ? change.started_on : after.started_on;
        validate_started_on(started, after.date_of_birth, after.left_on, today, problems);
        if (!problems.empty()) throw_problems(problems);
        after.started_on = started;
    }

    EditResult result;
    if (after.date_of_birth != su.date_of_birth) result.changed.push_back("date_of_birth");
    if (after.age_band != su.age_band) result.changed.push_back("age_band");
    if (after.gender != su.gender) result.changed.push_back("gender");
    if (after.ethnicity != su.ethnicity) result.changed.push_back("ethnicity");
    if (after.started_on != su.started_on) result.changed.push_back("started_on");
    if (result.changed.empty()) {
        result.su = su;
        return result;
    }
    store::update_details(
        reg.db(), su.key,
        {after.date_of_birth, after.age_band, after.gender, after.ethnicity, after.started_on},
        utc_timestamp());
    // Field names only: the values are personal data, kept on the record.
    reg.record_event(actor, "su.edit", su.key, "changed " + join(result.changed, ", "));
    tx.tx.commit();
    result.su = *reg.find_by_key(su.key);
    return result;
}

// ---------------------------------------------------------------------------
// Leaving and returning

ServiceUser leave_service_user(Register& reg, const Actor& actor, std::string_view id,
                               const std::optional<std::string>& date, const Date& today) {
    Date on = date ? parse_date_or_throw(trim(*date), "leaving date") : today;
    if (on > today)
        throw Error(Exit::invalid, fmt::format("the leaving date {} is in the future", on.iso()),
                    "give today's date or an earlier one; without --date it is today");
    // A leaving date may be long past (records are entered late), but not
    // before the person was born, nor further back than a date of birth may be.
    if (more_than_years_before(on, today, 120))
        throw Error(Exit::invalid,
                    fmt::format("the leaving date {} is more than 120 years ago", on.iso()),
                    "check the date; dates are YYYY-MM-DD or DD/MM/YYYY");
    Change tx(reg);
    ServiceUser su = reg.require(actor, id, SuAction::leave);
    if (su.date_of_birth && on.iso() < *su.date_of_birth)
        throw Error(Exit::invalid,
                    fmt::format("the leaving date {} is before {}'s date of birth ({})", on.iso(),
                                su.id, *su.date_of_birth),
                    "check the date; dates are YYYY-MM-DD or DD/MM/YYYY");
    if (su.started_on && on.iso() < *su.started_on)
        throw Error(Exit::invalid,
                    fmt::format("the leaving date {} is before {}'s start date ({})", on.iso(),
                                su.id, *su.started_on),
                    fmt::format("check the date, or correct the start date with 'caseload su edit "
                                "{} --started DATE'",
                                su.id));
    if (su.status == "left")
        throw Error(Exit::conflict,
                    fmt::format("'{}' already left on {}", su.id, su.left_on.value_or("?")),
                    fmt::format("if they came back, run 'caseload su return {}' first", su.id));
    store::mark_left(reg.db(), su.key, on.iso(), utc_timestamp());
    reg.record_event(actor, "su.leave", su.key, "status active -> left");
    tx.tx.commit();
    return *reg.find_by_key(su.key);
}

ServiceUser return_service_user(Register& reg, const Actor& actor, std::string_view id) {
    Change tx(reg);
    const Directory& dir = reg.directory();
    ServiceUser su = reg.require(actor, id, SuAction::leave);
    if (su.status != "left")
        throw Error(Exit::conflict, fmt::format("'{}' has not left; it is active", su.id),
                    fmt::format("'caseload su leave {}' marks someone as having left", su.id));
    const StaffMember* keyworker = dir.staff_by_key(su.keyworker_key);
    if (!keyworker || !keyworker->active || !keyworker->is_worker_of(su.service_key))
        throw Error(
            Exit::conflict,
            fmt::format("'{}' cannot return to keyworker {}: they are no longer an "
                        "active worker of {}",
                        su.id, reg.username(su.keyworker_key), reg.service_code(su.service_key)),
            fmt::format("reallocate first with 'caseload su allocate {} --to USERNAME' "
                        "({})",
                        su.id, worker_list(dir, su.service_key)));
    store::mark_returned(reg.db(), su.key, utc_timestamp());
    reg.record_event(actor, "su.return", su.key, "status left -> active");
    tx.tx.commit();
    return *reg.find_by_key(su.key);
}

// ---------------------------------------------------------------------------
// Erasure

ErasedServiceUser erase_service_user(Register& reg, const Actor& actor, std::string_view id,
                                     std::string_view confirm) {
    std::string erased;
    {
        Change tx(reg);
        ServiceUser su = reg.require(actor, id, SuAction::erase);
        if (id_key(trim(confirm)) != id_key(su.id))
            throw Error(Exit::invalid,
                        fmt::format("--confirm '{}' does not repeat the ID '{}'; nothing was "
                                    "erased",
                                    printable(trim(confirm)), su.id),
                        fmt::format("give the same ID twice: 'caseload su erase {0} --confirm {0}'",
                                    su.id));
        // su_need rows go with it (ON DELETE CASCADE); with secure_delete on,
        // the freed bytes are overwritten.
        store::delete_service_user(reg.db(), su.key);
        // Against the key: the trail shows its events as "(erased)", and
        // 'db check' knows the key was erased on purpose.
        reg.record_event(actor, "su.erase", su.key, "record and needs erased");
        reg.db().mark_scrub_pending();
        tx.tx.commit();
        erased = su.id;
    }
    return {erased, checkpoint(reg)};
}

// ---------------------------------------------------------------------------
// Staff

void deactivate_staff(Register& reg, const Actor& actor, std::string_view username) {
    require_lead(actor.member, "deactivate staff");
    Change tx(reg);
    const Directory& dir = reg.directory();
    const StaffMember& member = require_staff(dir, username);
    if (!member.active)
        throw Error(Exit::conflict, fmt::format("'{}' is already deactivated", member.username),
                    fmt::format("'caseload staff activate {}' undoes it", member.username));
    if (member.lead) require_another_active_lead(dir, member);
    if (auto n = store::count_active_caseload(reg.db(), member.key); n > 0)
        throw Error(Exit::conflict,
                    fmt::format("'{}' still keyworks {} active service user{}", member.username, n,
                                n == 1 ? "" : "s"),
                    fmt::format("reallocate them first with 'caseload su allocate ID --to "
                                "USERNAME' (see 'caseload su list --keyworker {}')",
                                member.username));
    store::set_staff_active(reg.db(), member.key, false);
    reg.record_event(actor, "staff.deactivate", std::nullopt, member.username);
    tx.tx.commit();
    reg.reload();
}

void activate_staff(Register& reg, const Actor& actor, std::string_view username) {
    require_lead(actor.member, "activate staff");
    Change tx(reg);
    const StaffMember& member = require_staff(reg.directory(), username);
    if (member.active)
        throw Error(Exit::conflict, fmt::format("'{}' is already active", member.username),
                    fmt::format("'caseload staff show {}' shows their roles", member.username));
    store::set_staff_active(reg.db(), member.key, true);
    reg.record_event(actor, "staff.activate", std::nullopt, member.username);
    tx.tx.commit();
    reg.reload();
}

}  // namespace caseload
