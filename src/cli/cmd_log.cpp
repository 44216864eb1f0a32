// caseload log: the audit trail.
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include <algorithm>

#include "caseload/admin.hpp"
#include "caseload/error.hpp"
#include "caseload/text.hpp"
#include "context.hpp"

namespace caseload::cli {

namespace {

// The actions of the audit trail (Register::record_event's callers).
constexpr std::string_view kActions[] = {
    "allow",       "org.pattern",      "org.pattern.clear", "service.add",  "staff.activate",
    "staff.add",   "staff.deactivate", "staff.grant",       "staff.revoke", "star.add",
    "su.add",      "su.allocate",      "su.edit",           "su.erase",     "su.import",
    "su.leave",    "su.needs",         "su.rename",         "su.return",    "words.add",
    "words.allow", "words.remove"};

// A day for --since/--until: a date, or today, yesterday, Nd (N days ago).
Date log_day(std::string_view text, std::string_view option) {
    const std::string word = ascii_lower(trim(text));
    const Date now = today();
    if (word == "today") return now;
    if (word == "yesterday") return add_days(now, -1);
    if (word.size() >= 2 && word.back() == 'd' &&
        std::all_of(word.begin(), word.end() - 1, [](char c) { return c >= '0' && c <= '9'; }) &&
        word.size() <= 6)
        return add_days(now, -std::stol(word.substr(0, word.size() - 1)));
    if (auto d = parse_date(text)) return *d;
    throw Error(Exit::usage, fmt::format("{} '{}' is not a day", option, printable(text)),
                "give YYYY-MM-DD, DD/MM/YYYY, today, yesterday or Nd (N days ago, e.g. 7d)");
}

// --action: one action (su.leave), or a group of them (su: every su.*).
std::string action_condition(std::string_view text) {
    const std::string action = ascii_lower(trim(text));
    for (auto a : kActions)
        if (a == action) return fmt::format("e.action = '{}'", action);
    for (auto a : kActions)
        if (a.starts_with(action + ".")) return fmt::format("e.action LIKE '{}.%'", action);
    std::vector<std::string> names(std::begin(kActions), std::end(kActions));
    auto close = nearest(action, names, 2, 1);
    throw Error(Exit::usage,
                fmt::format("'{}' is not an action of the audit trail", printable(text)),
                close.empty() ? "actions: " + join(names, ", ") + " (or a group: su, staff, ...)"
                              : fmt::format("did you mean '--action {}'?", close.front()));
}

}  // namespace

void register_log(CLI::App& app, Context& ctx) {
    struct Args {
        std::optional<std::string> su, actor, since, until, action;
        std::size_t limit = 0;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = add_command(app, "log", "The audit trail: who did what to which record, when",
                            "  caseload log --since 2026-11-01 --until 2026-11-30\n"
                            "  caseload log --since 7d --action su.leave\n"
                            "  caseload log --su HOM-0042\n"
                            "  caseload log --actor wes --format csv");
    cmd->add_option("--su", args->su, "Only events about this service user")->option_text("ID");
    cmd->add_option("--actor", args->actor, "Only events by this staff member")
        ->option_text("USERNAME");
    cmd->add_option("--since", args->since,
                    "Only events on or after this day: a date, today, yesterday or Nd (N days ago)")
        ->option_text("DAY");
    cmd->add_option("--until", args->until, "Only events on or before this day (as --since)")
        ->option_text("DAY");
    cmd->add_option("--action", args->action,
                    "Only this action (su.add, su.leave, ...) or group of actions (su, staff, ...)")
        ->option_text("ACTION");
    cmd->add_option("--limit", args->limit, "At most this many events, the newest (1 or more)")
        ->option_text("N")
        ->check(CLI::Range(1, 1'000'000'000));
    cmd->callback([&ctx, args] {
        Register& reg = ctx.reg();
        const Actor& actor = ctx.actor();
        const Directory& dir = reg.directory();
        std::vector<std::string> where;
        std::optional<ServiceUser> target;
        if (args->su) {
            target = reg.require(actor, *args->su, SuAction::show);
            where.push_back(fmt::format(
                "(e.su_id = {0} OR e.id = (SELECT created_event FROM service_user WHERE id = {0}))",
                target->key));
        }
        if (args->actor) {
            const StaffMember& m = require_staff(dir, *args->actor);
            where.push_back(fmt::format("(e.actor_id = {0} OR e.lead_id = {0})", m.key));
        }
        // Times are stored in UTC as YYYY-MM-DDTHH:MM:SSZ: a day is a text range.
        std::optional<Date> since, until;
        if (args->since) since = log_day(*args->since, "--since");
        if (args->until) until = log_day(*args->until, "--until");
        if (since && until && *since > *until)
            throw Error(Exit::usage,
                        fmt::format("--since {} is after --until {}", since->iso(), until->iso()),
                        "both days are included; give the earlier one to --since");
        if (since) where.push_back(fmt::format("e.at >= '{}'", since->iso()));
        if (until) where.push_back(fmt::format("e.at < '{}'", add_days(*until, 1).iso()));
        if (args->action) where.push_back(action_condition(*args->action));
        std::string sql =
            "SELECT e.id, e.at, e.actor_id, e.lead_id, e.action, e.su_id, e.detail, su.uid, "
            "su.service_id, su.keyworker_id FROM event e LEFT JOIN service_user su ON su.id = "
            "e.su_id";
        if (!where.empty()) sql += " WHERE " + join(where, " AND ");
        sql += " ORDER BY e.id";
        if (args->limit)
            sql = fmt::format("SELECT * FROM ({} DESC LIMIT {}) ORDER BY 1", sql, args->limit);
        SQLite::Statement q(reg.db().sql(), sql);
        RecordWriter out(ctx.format(), {"at", "actor", "action", "service_user", "detail"},
                         std::cout);
        while (q.executeStep()) {
            Key actor_key = q.getColumn(2).getInt64();
            bool has_su = !q.getColumn(5).isNull();
            bool erased = has_su && q.getColumn(7).isNull();
            // Leads read the whole trail; others their own actions and the
            // records they may see.
            if (!actor.member.lead && actor_key != actor.member.key) {
                if (!has_su || erased ||
                    !may_see(actor.member, q.getColumn(8).getInt64(), q.getColumn(9).getInt64()))
                    continue;
            }
            std::string who = reg.username(actor_key);
            if (!q.getColumn(3).isNull())
                who = fmt::format("lead {} as {}", reg.username(q.getColumn(3).getInt64()), who);
            Json su = nullptr;
            if (has_su) su = erased ? "(erased)" : q.getColumn(7).getString();
            out.add(Json{{"at", q.getColumn(1).getString()},
                         {"actor", who},
                         {"action", q.getColumn(4).getString()},
                         {"service_user", su},
                         {"detail", q.getColumn(6).getString()}});
        }
        out.finish();
    });
}

}  // namespace caseload::cli
