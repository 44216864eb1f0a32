// caseload log: the audit trail.
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include "caseload/admin.hpp"
#include "caseload/error.hpp"
#include "caseload/text.hpp"
#include "context.hpp"

namespace caseload::cli {

void register_log(CLI::App& app, Context& ctx) {
    struct Args {
        std::optional<std::string> su, actor, since;
        std::size_t limit = 0;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = add_command(app, "log", "The audit trail: who did what to which record, when",
                            "  caseload log --since 2026-11-01\n"
                            "  caseload log --su HOM-0042\n"
                            "  caseload log --actor wes --format csv");
    cmd->add_option("--su", args->su, "Only events about this service user")->option_text("ID");
    cmd->add_option("--actor", args->actor, "Only events by this staff member")
        ->option_text("USERNAME");
    cmd->add_option("--since", args->since, "Only events on or after this date")
        ->option_text("DATE");
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
        if (args->since) {
            Date d = parse_date_or_throw(*args->since, "--since");
            where.push_back(fmt::format("e.at >= '{}'", d.iso()));
        }
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
            out.add(Json{{"at", shown_time(q.getColumn(1).getString())},
                         {"actor", who},
                         {"action", q.getColumn(4).getString()},
                         {"service_user", su},
                         {"detail", q.getColumn(6).getString()}});
        }
        out.finish();
    });
}

}  // namespace caseload::cli
