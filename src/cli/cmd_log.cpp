// caseload log: the audit trail.
#include <fmt/format.h>

#include <algorithm>

#include "caseload/admin.hpp"
#include "caseload/error.hpp"
#include "caseload/store.hpp"
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
void action_condition(std::string_view text, store::AuditEventFilter& filter) {
    const std::string action = ascii_lower(trim(text));
    for (auto a : kActions)
        if (a == action) {
            filter.action = action;
            return;
        }
    for (auto a : kActions)
        if (a.starts_with(action + ".")) {
            filter.action_group = action;
            return;
        }
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
        store::AuditEventFilter filter;
        if (args->su) filter.service_user = reg.require(actor, *args->su, SuAction::show).key;
        if (args->actor) filter.staff = require_staff(dir, *args->actor).key;
        std::optional<Date> since, until;
        if (args->since) since = log_day(*args->since, "--since");
        if (args->until) until = log_day(*args->until, "--until");
        if (since && until && *since > *until)
            throw Error(Exit::usage,
                        fmt::format("--since {} is after --until {}", since->iso(), until->iso()),
                        "both days are included; give the earlier one to --since");
        if (since) filter.since = since->iso();
        if (until) filter.before = add_days(*until, 1).iso();
        if (args->action) action_condition(*args->action, filter);
        filter.newest = args->limit;
        RecordWriter out(ctx.format(), {"at", "actor", "action", "service_user", "detail"},
                         std::cout);
        store::list_audit_events(reg.db(), filter, [&](const store::AuditEventRow& e) {
            bool has_su = e.service_user.has_value();
            bool erased = has_su && !e.uid;
            // Leads read the whole trail; others their own actions and the
            // records they may see.
            if (!actor.member.lead && e.actor != actor.member.key) {
                if (!has_su || erased || !may_see(actor.member, e.service, e.keyworker)) return;
            }
            std::string who = reg.username(e.actor);
            if (e.lead) who = fmt::format("lead {} as {}", reg.username(*e.lead), who);
            Json su = nullptr;
            if (has_su) su = erased ? "(erased)" : *e.uid;
            out.add(Json{{"at", shown_time(e.at)},
                         {"actor", who},
                         {"action", e.action},
                         {"service_user", su},
                         {"detail", e.detail}});
        });
        out.finish();
    });
}

}  // namespace caseload::cli
