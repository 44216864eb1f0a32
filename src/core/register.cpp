#include "caseload/staff_scope.hpp"
#include "caseload/register.hpp"

#include <pwd.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cstdlib>
#include <set>

#include "caseload/error.hpp"
#include "caseload/id.hpp"
#include "caseload/idgen.hpp"
#include "caseload/options.hpp"
#include "caseload/store.hpp"
#include "caseload/text.hpp"

namespace caseload {

namespace {

std::string os_login() {
    if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name) return pw->pw_name;
    return fmt::format("uid {}", geteuid());
}

}  // namespace

// ---------------------------------------------------------------------------
// Validation: the one code path of `su add` and `su import`.

std::vector<std::string> finding_lines(const std::vector<GuardFinding>& findings) {
    std::vector<std::string> lines;
    for (const auto& f : findings)
        lines.push_back(fmt::format("  {:<10} {:<12} {}{}", kind_name(f.kind),
                                    "\"" + f.match + "\"", f.message,
                                    f.severity == Severity::warn ? " (warning)" : ""));
    return lines;
}

Error guard_refusal(std::string_view id, const std::vector<GuardFinding>& findings) {
    return Error(Exit::invalid, fmt::format("'{}' can't be used as an ID:", id),
                 "an ID must not contain a name, nickname, initials, address or room number.\n"
                 "      'caseload id new' makes one that is safe.",
                 finding_lines(findings));
}

std::string id_pattern_hint(const Organisation& org) {
    return org.id_pattern_description
               ? fmt::format("IDs here are: {}", *org.id_pattern_description)
               : fmt::format("IDs here must match {}", org.id_pattern.value_or(""));
}

void validate_details(std::optional<std::string>& date_of_birth,
                      std::optional<std::string>& age_band, std::optional<std::string>& gender,
                      std::optional<std::string>& ethnicity, const Date& today,
                      std::vector<FieldProblem>& problems) {
    auto attempt = [&](const char* field, auto&& check) {
        try {
            check();
        } catch (const Error& e) {
            problems.push_back({field, e.code(), e.what(), e.hint(), {}});
        }
    };
    if (date_of_birth && age_band)
        problems.push_back({"age_band",
                            Exit::invalid,
                            "give a date of birth or an age band, not both",
                            "the age band follows from the date of birth; drop one of them",
                            {}});
    if (date_of_birth)
        attempt("date_of_birth", [&] {
            Date dob = parse_date_or_throw(*date_of_birth, "date of birth");
            check_date_of_birth(dob, today);
            date_of_birth = dob.iso();
        });
    if (age_band) attempt("age_band", [&] { require_option(age_band_options(), *age_band); });
    if (gender) attempt("gender", [&] { require_option(gender_options(), *gender); });
    if (ethnicity) attempt("ethnicity", [&] { require_option(ethnicity_options(), *ethnicity); });
}

void validate_started_on(std::optional<std::string>& started_on,
                         const std::optional<std::string>& date_of_birth,
                         const std::optional<std::string>& left_on, const Date& today,
                         std::vector<FieldProblem>& problems) {
    if (!started_on) return;
    try {
        Date on = parse_date_or_throw(*started_on, "start date");
        const std::string iso = on.iso();
        if (on > today)
            throw Error(
                Exit::invalid,
                fmt::format("the start date {} is in the future (today is {})", iso, today.iso()),
                "give the day support began: today or earlier");
        if (more_than_years_before(on, today, 120))
            throw Error(Exit::invalid,
                        fmt::format("the start date {} is more than 120 years ago", iso),
                        "check the year; dates are YYYY-MM-DD or DD/MM/YYYY");
        if (date_of_birth && iso < *date_of_birth)
            throw Error(Exit::invalid,
                        fmt::format("the start date {} is before the date of birth ({})", iso,
                                    *date_of_birth),
                        "check both dates; dates are YYYY-MM-DD or DD/MM/YYYY");
        if (left_on && iso > *left_on)
            throw Error(
                Exit::invalid,
                fmt::format("the start date {} is after the leaving date ({})", iso, *left_on),
                "support starts before it ends; check both dates");
        *started_on = iso;
    } catch (const Error& e) {
        problems.push_back({"started_on", e.code(), e.what(), e.hint(), {}});
    }
}

namespace {

// resolve_needs into `keys` and `canonical`, reusing their buffers.
void resolve_needs_into(const StoredStar& star, const std::vector<std::string>& codes,
                        std::vector<Key>& keys, std::vector<std::string>& canonical,
                        std::vector<FieldProblem>& problems) {
    // Per row of an import: no allocation unless a code is unknown.
    std::vector<char> chosen(star.star.needs.size(), 0);
    for (const auto& raw : codes) {
        const std::string_view given = trim(raw);
        if (given.empty()) continue;
        std::size_t index = star.star.needs.size();
        for (std::size_t i = 0; i < star.star.needs.size(); ++i)
            if (ascii_iequals(star.star.needs[i].code, given)) index = i;
        if (index == star.star.needs.size()) {
            const std::string code = ascii_lower(given);
            std::vector<std::string> all;
            for (const auto& n : star.star.needs) all.push_back(n.code);
            auto close = nearest(code, all, 3, 1);
            problems.push_back(
                {"needs",
                 Exit::invalid,
                 fmt::format("'{}' is not a need of the {} Star", printable(code), star.star.code),
                 (close.empty() ? "" : fmt::format("did you mean '{}'? ", close.front())) +
                     fmt::format("see 'caseload star show {}'", star.star.code),
                 {}});
            continue;
        }
        chosen[index] = 1;
    }
    keys.clear();
    std::size_t count = 0;
    for (std::size_t i = 0; i < chosen.size(); ++i) {  // the Star's own order
        if (!chosen[i]) continue;
        keys.push_back(star.need_keys[i]);
        if (count == canonical.size()) canonical.emplace_back();
        canonical[count++].assign(star.star.needs[i].code);
    }
    canonical.resize(count);
}

}  // namespace

std::vector<Key> resolve_needs(const StoredStar& star, const std::vector<std::string>& codes,
                               std::vector<std::string>& canonical,
                               std::vector<FieldProblem>& problems) {
    std::vector<Key> keys;
    resolve_needs_into(star, codes, keys, canonical, problems);
    return keys;
}

std::optional<ValidatedServiceUser> validate_new_service_user(
    const Directory& dir, const StaffMember& actor, const Guard& guard,
    const NewServiceUserInput& input, const Date& today, std::vector<FieldProblem>& problems) {
    ValidatedServiceUser out;
    if (!validate_new_service_user(dir, actor, guard, input, today, problems, out))
        return std::nullopt;
    return out;
}

bool validate_new_service_user(const Directory& dir, const StaffMember& actor, const Guard& guard,
                               const NewServiceUserInput& input, const Date& today,
                               std::vector<FieldProblem>& problems, ValidatedServiceUser& out) {
    const std::size_t problems_before = problems.size();
    out.id.clear();
    out.service_key = 0;
    out.keyworker_key = 0;
    out.warnings.clear();
    bool needs_resolved = false;

    // The ID: format, the organisation's pattern, the guard.
    if (!input.generate) {
        try {
            out.id = normalise_id(input.id);
            const auto& org = dir.organisation;
            if (org.id_pattern && !matches_id_pattern(out.id, *org.id_pattern))
                problems.push_back(
                    {"id",
                     Exit::invalid,
                     fmt::format("'{}' does not match your organisation's ID pattern", out.id),
                     id_pattern_hint(org),
                     {}});
            auto findings = guard.check(out.id);
            if (Guard::blocks(findings)) {
                Error e = guard_refusal(out.id, findings);
                problems.push_back({"id", e.code(), e.what(), e.hint(), e.details()});
            } else {
                out.warnings = std::move(findings);
            }
        } catch (const Error& e) {
            problems.push_back({"id", e.code(), e.what(), e.hint(), e.details()});
        }
    }

    // The service: named, or the actor's only one.
    const Service* service = nullptr;
    if (input.service && !trim(*input.service).empty()) {
        service = dir.service_by_code(trim(*input.service));
        if (!service) {
            std::vector<std::string> codes;
            for (const auto& s : dir.services) codes.push_back(s.code);
            problems.push_back({"service",
                                Exit::invalid,
                                fmt::format("there is no service '{}'", printable(*input.service)),
                                codes.empty() ? "a lead adds services with 'caseload service add'"
                                              : fmt::format("services: {}", join(codes, ", ")),
                                {}});
        }
    } else {
        auto mine = actor.services();
        if (mine.size() == 1) {
            service = dir.service_by_key(mine.front());
        } else {
            problems.push_back(
                {"service",
                 Exit::invalid,
                 "which service? give --service CODE",
                 mine.empty() ? "see 'caseload service list'" : "you work in more than one service",
                 {}});
        }
    }

    if (service) {
        out.service_key = service->key;
        bool lead = actor.lead;
        bool manager = actor.is_manager_of(service->key);
        bool worker = actor.is_worker_of(service->key);
        if (!lead && !manager && !worker) {
            problems.push_back(
                {"service",
                 Exit::denied,
                 fmt::format("you are not staff of {}", service->code),
                 fmt::format("a lead or a manager of {} can add people to it", service->code),
                 {}});
        } else {
            // The keyworker rules of spec §1.
            std::optional<std::string> named;
            if (input.keyworker && !trim(*input.keyworker).empty())
                named = ascii_lower(trim(*input.keyworker));
            // Built only for a refusal: an import validates a million rows.
            auto worker_list = [&] {
                auto workers = dir.workers_of(service->key);
                return workers.empty() ? fmt::format("{} has no active workers yet", service->code)
                                       : fmt::format("workers: {}", join(workers, ", "));
            };
            if (!lead && !manager) {
                if (named && *named != actor.username)
                    problems.push_back(
                        {"keyworker",
                         Exit::denied,
                         fmt::format("a worker's new service users go on their own caseload; you "
                                     "cannot name '{}' as keyworker",
                                     printable(*named)),
                         fmt::format("leave out --keyworker, or ask a manager of {} to add them",
                                     service->code),
                         {}});
                else
                    out.keyworker_key = actor.key;
            } else if (!named) {
                if (worker) {
                    out.keyworker_key = actor.key;
                } else {
                    problems.push_back(
                        {"keyworker",
                         Exit::invalid,
                         fmt::format("name the keyworker: a manager or a lead adding to {} must "
                                     "give --keyworker",
                                     service->code),
                         worker_list(),
                         {}});
                }
            } else {
                const StaffMember* k = dir.staff_by_username(*named);
                if (!k || !k->active || !k->is_worker_of(service->key))
                    problems.push_back(
                        {"keyworker",
                         Exit::invalid,
                         fmt::format("'{}' is not {} of {}", printable(*named),
                                     k && !k->active ? "an active worker" : "a worker",
                                     service->code),
                         worker_list(),
                         {}});
                else
                    out.keyworker_key = k->key;
            }
        }
        // Needs: only those of the service's Star.
        if (const StoredStar* star = dir.star_by_key(service->star_key)) {
            resolve_needs_into(*star, input.needs, out.need_keys, out.need_codes, problems);
            needs_resolved = true;
        }
    }
    if (!needs_resolved) {
        out.need_keys.clear();
        out.need_codes.clear();
    }

    out.date_of_birth = input.date_of_birth;
    out.age_band = input.age_band;
    out.gender = input.gender;
    out.ethnicity = input.ethnicity;
    validate_details(out.date_of_birth, out.age_band, out.gender, out.ethnicity, today, problems);
    out.started_on = input.started_on;
    if (out.started_on && trim(*out.started_on).empty()) out.started_on.reset();
    validate_started_on(out.started_on, out.date_of_birth, std::nullopt, today, problems);
    return problems.size() == problems_before;
}

// ---------------------------------------------------------------------------

Register Register::open(const std::string& path, double wait_seconds) {
    return Register(Database::open(path, wait_seconds));
}

Register::Register(Database db) : db_(std::move(db)) {
    reload();
}

void Register::reload() {
    dir_ = store::load_directory(db_);
}

Actor Register::resolve_actor(const std::optional<std::string>& as_user) const {
    std::string login = os_login();
    const StaffMember* me = dir_.staff_by_login(login);
    if (!me)
        throw Error(
            Exit::denied,
            fmt::format("your login '{}' is not a staff member of this register", printable(login)),
            fmt::format("ask a lead to run 'caseload staff add USERNAME --name NAME "
                        "--login {}'",
                        login));
    if (!me->active)
        throw Error(Exit::denied, fmt::format("staff member '{}' is deactivated", me->username),
                    "ask a lead to run 'caseload staff activate USERNAME'");
    if (!as_user || trim(*as_user).empty() || ascii_lower(trim(*as_user)) == me->username)
        return Actor{*me, std::nullopt};
    if (!me->lead)
        throw Error(Exit::denied,
                    fmt::format("only a lead may act as another staff member (--as {})",
                                printable(*as_user)),
                    "leave out --as and CASELOAD_USER");
    const StaffMember* other = dir_.staff_by_username(trim(*as_user));
    if (!other) {
        std::vector<std::string> names;
        for (const auto& m : dir_.staff) names.push_back(m.username);
        auto close = nearest(*as_user, names, 2, 3);
        throw Error(Exit::not_found,
                    fmt::format("there is no staff member '{}'", printable(*as_user)),
                    close.empty() ? "see 'caseload staff list'"
                                  : fmt::format("did you mean: {}", join(close, ", ")));
    }
    if (!other->active)
        throw Error(Exit::denied,
                    fmt::format("staff member '{}' is deactivated and cannot act", other->username),
                    "choose an active staff member");
    return Actor{*other, *me};
}

GuardWords Register::guard_words() const {
    GuardWords words;
    for (const auto& w : dir_.words) {
        if (w.kind == "name")
            words.names.push_back(w.word);
        else if (w.kind == "address")
            words.addresses.push_back(w.word);
        else
            words.allowed.push_back(w.word);
    }
    for (const auto& s : dir_.services) words.service_codes.push_back(ascii_lower(s.code));
    return words;
}

Guard Register::guard() const {
    return Guard(guard_words());
}

Key Register::record_event(const Actor& actor, std::string_view action, std::optional<Key> su,
                           std::string_view detail) {
    return store::insert_audit_event(
        db_, utc_timestamp(), actor.member.key,
        actor.lead ? std::optional<Key>(actor.lead->key) : std::nullopt, action, su, detail);
}

std::optional<ServiceUser> Register::find(std::string_view id) {
    return store::find_service_user(db_, id);
}

std::optional<ServiceUser> Register::find_by_key(Key key) {
    return store::find_service_user_by_key(db_, key);
}

bool Register::id_in_use(std::string_view id) {
    return store::service_user_id_in_use(db_, id);
}

std::vector<std::string> Register::near_ids(const StaffMember& who, std::string_view id) {
    std::vector<std::string> out;
    std::string key = id_key(trim(id));
    if (key.size() > kIdMaxLength + 1 || id_format_problem(trim(id)).has_value()) {
        // Still try: a stray character is a likely typo; but keep it bounded.
        if (key.size() > kIdMaxLength + 1) return out;
    }
    for (const auto& candidate : one_edit_neighbours(key)) {
        auto place = store::find_service_user_place(db_, candidate);
        if (place && may_see(who, place->service_key, place->keyworker_key)) {
            out.push_back(place->id);
            if (out.size() == 3) break;
        }
    }
    return out;
}

ServiceUser Register::require(const Actor& actor, std::string_view id, SuAction action) {
    auto su = find(id);
    if (!su) {
        auto near = near_ids(actor.member, id);
        throw Error(Exit::not_found, fmt::format("no service user '{}'", printable(trim(id))),
                    near.empty() ? "check the ID on your locked list; 'caseload su list' shows "
                                   "the service users you may see"
                                 : "",
                    near.empty() ? std::vector<std::string>{}
                                 : std::vector<std::string>{"did you mean: " + join(near, ", ")});
    }
    require_may(dir_, actor.member, action, *su);
    return *su;
}

namespace {
constexpr const char* kListScopeHint =
    "you see your own caseload and the services you manage; a lead sees all";
}  // namespace

void Register::for_each(const StaffMember& who, const ServiceUserFilter& filter,
                        const std::function<void(const ServiceUser&)>& visit) {
    store::ServiceUserRows rows;
    if (filter.only_left)
        rows.status = store::ServiceUserRows::Status::left;
    else if (filter.include_left)
        rows.status = store::ServiceUserRows::Status::any;
    if (filter.service) {
        const Service* s = dir_.service_by_code(*filter.service);
        if (!s)
            throw Error(Exit::not_found,
                        fmt::format("there is no service '{}'", printable(*filter.service)),
                        "see 'caseload service list'");
        // Outside what you may see: refused (6), as report does, not "none match".
        if (!who.lead && !who.is_manager_of(s->key) && !who.is_worker_of(s->key))
            throw Error(Exit::denied,
                        fmt::format("you may not list {}: you are not staff of it", s->code),
                        kListScopeHint);
        rows.service = s->key;
    }
    if (filter.keyworker) {
        const StaffMember* k = dir_.staff_by_username(*filter.keyworker);
        if (!k)
            throw Error(Exit::not_found,
                        fmt::format("there is no staff member '{}'", printable(*filter.keyworker)),
                        "see 'caseload staff list'");
        if (!who.lead && k->key != who.key) {
            if (!manages_staff(who, *k))
                throw Error(Exit::denied,
                            fmt::format("you may not list {}'s caseload: {} is not staff of a "
                                        "service you manage",
                                        k->username, k->username),
                            kListScopeHint);
        }
        rows.keyworker = k->key;
    }
    if (filter.need) {
        std::vector<Key> keys;
        for (const auto& star : dir_.stars)
            for (std::size_t i = 0; i < star.star.needs.size(); ++i)
                if (star.star.needs[i].code == ascii_lower(*filter.need))
                    keys.push_back(star.need_keys[i]);
        if (keys.empty())
            throw Error(Exit::not_found,
                        fmt::format("no Star has a need '{}'", printable(*filter.need)),
                        "see 'caseload star show STAR'");
        rows.any_of_needs = std::move(keys);
    }
    // Scope: a lead sees all; others their own caseload and the services they manage.
    if (!who.lead) {
        rows.scope_keyworker = who.key;
        for (const auto& [service, role] : who.roles)
            if (role.manager) rows.scope_services.push_back(service);
        // A keyworker sees their caseload only in services where they still work.
    }
    store::for_each_service_user(db_, rows, [&](const ServiceUser& su) {
        if (!who.active || !may_see(who, su.service_key, su.keyworker_key)) return;
        visit(su);
    });
}

Key Register::insert(const Actor& actor, const ValidatedServiceUser& su, std::optional<Key> event) {
    if (id_in_use(su.id)) {
        auto existing = find(su.id);
        throw Error(Exit::conflict,
                    fmt::format("the ID '{}' is already in use{}", su.id,
                                existing && existing->id != su.id
                                    ? fmt::format(" (as '{}'; IDs ignore case)", existing->id)
                                    : ""),
                    "choose another ID, or run 'caseload id new'");
    }
    store::NewServiceUserRow row{
        su.id,           su.service_key, su.keyworker_key, su.date_of_birth,
        su.age_band,     su.gender,      su.ethnicity,     su.started_on.value_or(today().iso()),
        utc_timestamp(), event,          su.need_keys};
    Key key = store::insert_service_user(db_, row);
    // A single add has its own event; an import's rows point at the import's event.
    if (!event)
        record_event(actor, "su.add", key,
                     fmt::format("service {}, keyworker {}", service_code(su.service_key),
                                 username(su.keyworker_key)));
    return key;
}

std::string Register::service_code(Key key) const {
    const Service* s = dir_.service_by_key(key);
    return s ? s->code : "?";
}

std::string Register::username(Key key) const {
    const StaffMember* m = dir_.staff_by_key(key);
    return m ? m->username : "?";
}

}  // namespace caseload
