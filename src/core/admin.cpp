#include "caseload/admin.hpp"

#include <pwd.h>
#include <unistd.h>

#include <fmt/format.h>
#include <filesystem>
#include <regex>

#include "caseload/error.hpp"
#include "caseload/id.hpp"
#include "caseload/idgen.hpp"
#include "caseload/store.hpp"
#include "caseload/text.hpp"

namespace caseload {

std::string current_os_login() {
    if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name) return pw->pw_name;
    return fmt::format("uid {}", geteuid());
}

std::string normalise_username(std::string_view raw) {
    std::string name = ascii_lower(trim(raw));
    bool ok = name.size() >= 2 && name.size() <= 32 && name[0] >= 'a' && name[0] <= 'z';
    for (char c : name)
        ok = ok &&
             ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
    if (!ok)
        throw Error(Exit::invalid, fmt::format("'{}' is not a valid username", printable(raw)),
                    "a username has 2 to 32 of a-z, 0-9, '.', '_' and '-', and starts with a "
                    "letter, e.g. wes or a.khan");
    return name;
}

std::string normalise_service_code(std::string_view raw) {
    std::string code(trim(raw));
    bool ok = code.size() >= 2 && code.size() <= 10 &&
              ((code[0] >= 'a' && code[0] <= 'z') || (code[0] >= 'A' && code[0] <= 'Z'));
    for (char& c : code) {
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    if (!ok)
        throw Error(Exit::invalid, fmt::format("'{}' is not a valid service code", printable(raw)),
                    "a service code has 2 to 10 letters and digits and starts with a letter, "
                    "e.g. HOM");
    return code;
}

std::string checked_text(std::string_view raw, std::string_view what, std::size_t max) {
    std::string_view text = trim(raw);
    if (text.empty())
        throw Error(Exit::invalid, fmt::format("the {} is empty", what),
                    fmt::format("give {}", with_article(what)));
    if (!is_valid_utf8(text) || text.size() > max)
        throw Error(Exit::invalid,
                    fmt::format("the {} '{}' is not valid UTF-8 text of at most {} bytes", what,
                                printable(text), max),
                    "give a shorter one, in plain text");
    // C1 and bidi controls as much as C0: shown on a terminal, they can
    // rewrite or reorder what a person reads.
    if (auto character = forbidden_character(text))
        throw Error(Exit::invalid,
                    fmt::format("the {} '{}' contains {}", what, printable(text), *character),
                    fmt::format("give the {} as plain text", what));
    return std::string(text);
}

namespace {

Key require_service_key(const Directory& dir, std::string_view code) {
    return require_service(dir, code).key;
}

}  // namespace

const Service& require_service(const Directory& dir, std::string_view code) {
    if (const Service* s = dir.service_by_code(trim(code))) return *s;
    std::vector<std::string> codes;
    for (const auto& s : dir.services) codes.push_back(s.code);
    auto close = nearest(code, codes, 2, 3);
    throw Error(Exit::not_found, fmt::format("there is no service '{}'", printable(code)),
                close.empty() ? (codes.empty() ? "a lead adds one with 'caseload service add'"
                                               : fmt::format("services: {}", join(codes, ", ")))
                              : fmt::format("did you mean: {}", join(close, ", ")));
}

const StaffMember& require_staff(const Directory& dir, std::string_view username) {
    if (const StaffMember* m = dir.staff_by_username(trim(username))) return *m;
    std::vector<std::string> names;
    for (const auto& m : dir.staff) names.push_back(m.username);
    auto close = nearest(username, names, 2, 3);
    throw Error(Exit::not_found, fmt::format("there is no staff member '{}'", printable(username)),
                close.empty() ? "see 'caseload staff list'"
                              : fmt::format("did you mean: {}", join(close, ", ")));
}

const StoredStar& require_star(const Directory& dir, std::string_view code) {
    if (const StoredStar* s = dir.star_by_code(trim(code))) return *s;
    std::vector<std::string> codes;
    for (const auto& s : dir.stars) codes.push_back(s.star.code);
    auto close = nearest(code, codes, 3, 3);
    throw Error(Exit::not_found, fmt::format("there is no Star '{}'", printable(code)),
                close.empty() ? fmt::format("Stars: {}", join(codes, ", "))
                              : fmt::format("did you mean: {}", join(close, ", ")));
}

// ---------------------------------------------------------------------------
// The organisation's ID pattern

namespace {

// The mistakes people make most (an unclosed '[' or '(', a quantifier with
// nothing before it), found with their position: the regex engine's own
// messages name them less clearly, or wrongly ("*a": "mismatched '(' and ')'").
std::optional<std::string> pattern_syntax_problem(std::string_view regex) {
    std::vector<std::size_t> open_parens;  // positions, counted in characters
    std::optional<std::size_t> open_bracket;
    std::size_t position = 0;
    char previous = 0;  // the last character outside a '[...]', 0 at the start
    for (std::size_t i = 0; i < regex.size(); ++i) {
        const char c = regex[i];
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++position;
        if (c == '\\') {  // an escape: the next character is literal
            if (i + 1 < regex.size()) {
                ++i;
                ++position;
            }
            previous = 'x';
            continue;
        }
        if (open_bracket) {
            if (c == ']') {
                open_bracket.reset();
                previous = ']';
            }
            continue;
        }
        const bool after_nothing = previous == 0 || previous == '(' || previous == '|';
        if ((c == '*' || c == '+' || (c == '?' && previous != '(')) && after_nothing)
            return fmt::format("the '{}' at position {} has nothing before it to repeat", c,
                               position);
        if (c == '[') open_bracket = position;
        if (c == '(') open_parens.push_back(position);
        if (c == ')') {
            if (open_parens.empty())
                return fmt::format("the ')' at position {} has no '(' before it", position);
            open_parens.pop_back();
        }
        previous = c;
    }
    if (open_bracket)
        return fmt::format("the '[' at position {} has no ']' after it", *open_bracket);
    if (!open_parens.empty())
        return fmt::format("the '(' at position {} has no ')' after it", open_parens.back());
    return std::nullopt;
}

// What else is wrong with a regular expression, in the regex engine's words
// ("Mismatched '{' and '}' in regular expression"), as part of our sentence.
std::string regex_problem(const std::regex_error& e) {
    std::string text = printable(e.what(), 200);
    constexpr std::string_view kFrom = "regular expression";
    if (auto at = text.find(kFrom); at != std::string::npos)
        text.replace(at, kFrom.size(), "the pattern");
    while (!text.empty() && (text.back() == '.' || text.back() == ' ')) text.pop_back();
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z')
        text[0] = static_cast<char>(text[0] - 'A' + 'a');
    return text.empty() ? "the regex engine refused it" : text;
}

std::string describe_pattern(const IdPattern& p) {
    return fmt::format("{} ({})", p.regex, p.description);
}

}  // namespace

IdPattern checked_id_pattern(std::string_view raw_regex, std::string_view raw_description) {
    IdPattern p{checked_text(raw_regex, "pattern", 500),
                checked_text(raw_description, "pattern description", 200)};
    std::optional<std::string> problem = pattern_syntax_problem(p.regex);
    if (!problem) {
        try {
            check_id_pattern_compiles(p.regex);
        } catch (const std::regex_error& e) {
            problem = regex_problem(e);
        }
    }
    if (problem)
        throw Error(Exit::invalid,
                    fmt::format("'{}' is not a valid regular expression: {}", p.regex, *problem),
                    "an ID pattern is an ECMAScript regular expression that the whole ID must "
                    "match, e.g. 'HOM-[0-9]{4}'");
    return p;
}

bool set_id_pattern(Register& reg, const Actor& actor, const std::optional<IdPattern>& pattern) {
    require_lead(actor.member, pattern ? "set the ID pattern" : "clear the ID pattern");
    std::optional<IdPattern> wanted;
    if (pattern) wanted = checked_id_pattern(pattern->regex, pattern->description);
    WriteTransaction tx(reg.db());
    // The pattern as it is now, read under the write lock.
    std::optional<IdPattern> current = store::read_id_pattern(reg.db());
    if (current.has_value() == wanted.has_value() &&
        (!current ||
         (current->regex == wanted->regex && current->description == wanted->description)))
        return false;  // nothing to change: the transaction rolls back
    store::write_id_pattern(reg.db(), wanted);
    std::string was = current ? "was " + describe_pattern(*current) : "there was none";
    if (wanted)
        reg.record_event(actor, "org.pattern", std::nullopt,
                         fmt::format("{}; {}", describe_pattern(*wanted), was));
    else
        reg.record_event(actor, "org.pattern.clear", std::nullopt, was);
    tx.commit();
    reg.reload();
    return true;
}

IdPatternFit id_pattern_fit(Register& reg, const IdPattern& pattern) {
    IdPatternFit fit;
    store::for_each_stored_id(reg.db(), [&](std::string_view uid, bool active) {
        ++fit.stored;
        if (matches_id_pattern(uid, pattern.regex)) return;
        ++fit.not_matching;
        if (active) ++fit.active_not_matching;
    });
    // su add --generate prefixes the service's code; IDs made without a
    // service have no prefix.
    std::vector<std::string> prefixes;
    for (const auto& s : reg.directory().services) prefixes.push_back(s.code);
    if (prefixes.empty()) prefixes.emplace_back();
    for (const auto& prefix : prefixes) {
        std::string id = format_generated_id(prefix, random_symbols());
        if (!matches_id_pattern(id, pattern.regex)) {
            fit.generated_example = std::move(id);
            break;
        }
    }
    return fit;
}

// ---------------------------------------------------------------------------
// The register

void initialise_register(const std::string& path, double wait_seconds,
                         std::string_view organisation, std::string_view lead_username,
                         std::string_view lead_name, std::string_view login,
                         const std::optional<IdPattern>& id_pattern) {
    std::string org = checked_text(organisation, "organisation name");
    std::string username = normalise_username(lead_username);
    std::string name = lead_name.empty() ? username : checked_text(lead_name, "name");
    std::optional<IdPattern> pattern;
    if (id_pattern) pattern = checked_id_pattern(id_pattern->regex, id_pattern->description);
    auto stars = builtin_stars();
    Database db = Database::create(path, wait_seconds);
    try {
        WriteTransaction tx(db);
        std::string now = utc_timestamp();
        store::insert_organisation(db, org, pattern, now);
        for (const auto& star : stars) store::insert_star(db, star, true);
        Key lead = store::insert_staff(db, username, name, std::string(login), true, now);
        store::insert_audit_event(
            db, now, lead, std::nullopt, "register.init", std::nullopt,
            fmt::format("organisation {}, lead {} (login {})", org, username, login));
        if (pattern)  // as 'org pattern' records it
            store::insert_audit_event(
                db, now, lead, std::nullopt, "org.pattern", std::nullopt,
                fmt::format("{}; there was none", describe_pattern(*pattern)));
        tx.commit();
    } catch (...) {
        std::error_code ec;
        std::filesystem::remove(path, ec);
        std::filesystem::remove(path + "-wal", ec);
        std::filesystem::remove(path + "-shm", ec);
        throw;
    }
}

void add_service(Register& reg, const Actor& actor, std::string_view raw_code,
                 std::string_view raw_name, std::string_view star_code) {
    require_lead(actor.member, "add a service");
    std::string code = normalise_service_code(raw_code);
    std::string name = checked_text(raw_name, "service name");
    const StoredStar& star = require_star(reg.directory(), star_code);
    if (reg.directory().service_by_code(code))
        throw Error(Exit::conflict, fmt::format("service {} already exists", code),
                    "see 'caseload service show " + code + "'");
    WriteTransaction tx(reg.db());
    store::insert_service(reg.db(), code, name, star.key, utc_timestamp());
    reg.record_event(actor, "service.add", std::nullopt,
                     fmt::format("{} ({}), Star {}", code, name, star.star.code));
    tx.commit();
    reg.reload();
}

namespace {

void apply_roles(Register& reg, Key staff, const RoleChange& roles) {
    auto add = [&](const std::vector<std::string>& codes, const char* role) {
        for (const auto& code : codes)
            store::insert_staff_role(reg.db(), staff, require_service_key(reg.directory(), code),
                                     role);
    };
    add(roles.worker, "worker");
    add(roles.manager, "manager");
    if (roles.lead) store::set_staff_lead(reg.db(), staff, true);
}

std::string describe_roles(const RoleChange& roles) {
    std::vector<std::string> parts;
    if (roles.lead) parts.push_back("lead");
    for (const auto& s : roles.worker) parts.push_back("worker of " + normalise_service_code(s));
    for (const auto& s : roles.manager) parts.push_back("manager of " + normalise_service_code(s));
    return parts.empty() ? "no roles" : join(parts, ", ");
}

void check_services_exist(const Directory& dir, const RoleChange& roles) {
    for (const auto& s : roles.worker) require_service(dir, s);
    for (const auto& s : roles.manager) require_service(dir, s);
}

}  // namespace

void add_staff(Register& reg, const Actor& actor, std::string_view raw_username,
               std::string_view raw_name, const std::optional<std::string>& login,
               const RoleChange& roles) {
    require_lead(actor.member, "add staff");
    std::string username = normalise_username(raw_username);
    std::string name = checked_text(raw_name, "name");
    std::optional<std::string> os_login;
    if (login) os_login = checked_text(*login, "OS login", 64);
    check_services_exist(reg.directory(), roles);
    if (reg.directory().staff_by_username(username))
        throw Error(Exit::conflict, fmt::format("staff member '{}' already exists", username),
                    fmt::format("change their roles with 'caseload staff grant {}'", username));
    if (os_login)
        if (const StaffMember* other = reg.directory().staff_by_login(*os_login))
            throw Error(Exit::conflict,
                        fmt::format("the OS login '{}' already belongs to staff member '{}'",
                                    printable(*os_login), other->username),
                        "each OS login maps to one staff member");
    WriteTransaction tx(reg.db());
    Key key = store::insert_staff(reg.db(), username, name, os_login, false, utc_timestamp());
    apply_roles(reg, key, roles);
    reg.record_event(actor, "staff.add", std::nullopt,
                     fmt::format("{}: {}", username, describe_roles(roles)));
    tx.commit();
    reg.reload();
}

void grant_roles(Register& reg, const Actor& actor, std::string_view raw_username,
                 const RoleChange& roles) {
    require_lead(actor.member, "change staff roles");
    const StaffMember& member = require_staff(reg.directory(), raw_username);
    if (roles.empty())
        throw Error(Exit::usage, "nothing to grant",
                    "give --lead, --worker SERVICE or --manager SERVICE");
    check_services_exist(reg.directory(), roles);
    WriteTransaction tx(reg.db());
    apply_roles(reg, member.key, roles);
    reg.record_event(actor, "staff.grant", std::nullopt,
                     fmt::format("{}: {}", member.username, describe_roles(roles)));
    tx.commit();
    reg.reload();
}

void revoke_roles(Register& reg, const Actor& actor, std::string_view raw_username,
                  const RoleChange& roles) {
    require_lead(actor.member, "change staff roles");
    const Directory& dir = reg.directory();
    const StaffMember& member = require_staff(dir, raw_username);
    if (roles.empty())
        throw Error(Exit::usage, "nothing to revoke",
                    "give --lead, --worker SERVICE or --manager SERVICE");
    check_services_exist(dir, roles);
    if (roles.lead && member.lead) require_another_active_lead(dir, member);
    for (const auto& code : roles.worker) {
        const Service& service = require_service(dir, code);
        if (auto n = store::count_active_caseload_in_service(reg.db(), member.key, service.key);
            n > 0)
            throw Error(Exit::conflict,
                        fmt::format("'{}' still keyworks {} active service user{} in {}",
                                    member.username, n, n == 1 ? "" : "s", service.code),
                        fmt::format("reallocate them first with 'caseload su allocate ID --to "
                                    "USERNAME' (see 'caseload su list --keyworker {}')",
                                    member.username));
    }
    WriteTransaction tx(reg.db());
    auto remove = [&](const std::vector<std::string>& codes, const char* role) {
        for (const auto& code : codes)
            store::delete_staff_role(reg.db(), member.key, require_service(dir, code).key, role);
    };
    remove(roles.worker, "worker");
    remove(roles.manager, "manager");
    if (roles.lead) store::set_staff_lead(reg.db(), member.key, false);
    reg.record_event(actor, "staff.revoke", std::nullopt,
                     fmt::format("{}: {}", member.username, describe_roles(roles)));
    tx.commit();
    reg.reload();
}

void add_star(Register& reg, const Actor& actor, const Star& star) {
    require_lead(actor.member, "add a Star");
    if (reg.directory().star_by_code(star.code))
        throw Error(Exit::conflict, fmt::format("a Star '{}' already exists", star.code),
                    "give your Star another code in its file ('code = ...')");
    WriteTransaction tx(reg.db());
    store::insert_star(reg.db(), star, false);
    reg.record_event(actor, "star.add", std::nullopt,
                     fmt::format("{} ({}), {} needs", star.code, star.name, star.needs.size()));
    tx.commit();
    reg.reload();
}

}  // namespace caseload
