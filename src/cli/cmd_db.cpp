// caseload db check|backup|upgrade
#include <fmt/format.h>
#include <unistd.h>

#include "caseload/error.hpp"
#include "caseload/maintenance.hpp"
#include "caseload/text.hpp"
#include "context.hpp"

namespace caseload::cli {

void register_db(CLI::App& app, Context& ctx) {
    auto* group = add_command(app, "db", "The register file: integrity check, online backup, upgrade", "");

    auto* check = add_command(*group, "check",
                              "Check the register's integrity and the domain's rules (lead)",
                              "  caseload db check\n  caseload db check --format json");
    check->callback([&ctx] {
        Register& reg = ctx.reg();
        require_lead(ctx.actor().member, "run 'caseload db check'");
        auto problems = check_register(reg.db());
        RecordWriter out(ctx.format(), {"check", "problem"}, std::cout);
        for (const auto& p : problems) out.add(Json{{"check", p.check}, {"problem", p.detail}});
        out.finish();
        if (!problems.empty())
            throw Error(Exit::invalid,
                        fmt::format("the register {} has {} problem{}", ctx.database_path(),
                                    problems.size(), problems.size() == 1 ? "" : "s"),
                        "restore from a backup, or fix each record named above");
        ctx.note(fmt::format("{}: all checks passed.", ctx.database_path()));
    });

    auto target = std::make_shared<std::string>();
    auto* backup = add_command(*group, "backup",
                               "Copy the register while it is in use (SQLite's online backup)",
                               "  caseload db backup /var/backups/caseload-$(date +%F).db");
    backup->add_option("file", *target, "The new file (never overwritten; created with mode 0600)")
        ->required();
    backup->callback([&ctx, target] {
        Register& reg = ctx.reg();
        require_lead(ctx.actor().member, "back up the register");
        bool show = !ctx.global.quiet && isatty(STDERR_FILENO);
        int pages = backup_register(reg.db(), *target, [&](int remaining, int total) {
            if (show && total > 0)
                std::cerr << fmt::format("\rbackup: {:3}%", 100 * (total - remaining) / total)
                          << std::flush;
        });
        if (show) std::cerr << '\n';
        ctx.note(fmt::format("Backed up {} pages to {}.", pages, printable(*target, 200)));
    });

    auto* upgrade = add_command(*group, "upgrade",
                                "Migrate the register to this caseload's schema version",
                                "  caseload db backup before-upgrade.db && caseload db upgrade");
    upgrade->callback([&ctx] {
        Database db = Database::open(ctx.database_path(), ctx.global.wait, true);
        auto [from, to] = db.upgrade();
        if (from == to)
            ctx.note(fmt::format("The register is already at schema version {}.", to));
        else
            ctx.note(fmt::format("Upgraded the register from schema version {} to {}.", from, to));
    });
}

}  // namespace caseload::cli
