// caseload db check|backup|upgrade
#include <fmt/format.h>
#include <unistd.h>

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include "caseload/error.hpp"
#include "caseload/maintenance.hpp"
#include "caseload/text.hpp"
#include "context.hpp"

namespace caseload::cli {

namespace {

// SQLite's own check of the file, for a register too damaged to load (its
// staff or settings cannot be read, so neither can the acting member's role).
// It names tables and pages, never a person, so it needs no role: whoever may
// read the file could run it with sqlite3 anyway.
std::vector<CheckProblem> file_problems(const std::string& path, double wait) {
    std::vector<CheckProblem> problems;
    try {
        SQLite::Database db(path, SQLite::OPEN_READONLY, static_cast<int>(wait * 1000));
        SQLite::Statement q(db, "PRAGMA integrity_check");
        while (q.executeStep()) {
            // One row may hold several lines ("*** in database main ***\nPage 4: ...").
            for (const auto& line : split(q.getColumn(0).getString(), '\n'))
                if (!line.empty() && line != "ok" && !line.starts_with("***"))
                    problems.push_back({"integrity", printable(line, 500)});
        }
    } catch (const SQLite::Exception& e) {
        const int code = e.getErrorCode() & 0xFF;
        if (code != SQLITE_CORRUPT && code != SQLITE_NOTADB) throw;
        problems.push_back({"integrity", fmt::format("the file cannot be read: {}",
                                                     printable(e.getErrorStr(), 200))});
    }
    return problems;
}

void print_problems(Context& ctx, const std::vector<CheckProblem>& problems) {
    RecordWriter out(ctx.format(), {"check", "problem"}, std::cout);
    for (const auto& p : problems) out.add(Json{{"check", p.check}, {"problem", p.detail}});
    out.finish();
}

}  // namespace

void register_db(CLI::App& app, Context& ctx) {
    auto* group =
        add_command(app, "db", "The register file: integrity check, online backup, upgrade", "");

    auto* check =
        add_command(*group, "check", "Check the register's integrity and the domain's rules (lead)",
                    "  caseload db check\n  caseload db check --format json");
    check->callback([&ctx] {
        Register* reg = nullptr;
        try {
            reg = &ctx.reg();
        } catch (const Error& e) {
            // A damaged register fails to load with exit 1 ("run 'caseload db
            // check'"): say what SQLite finds wrong with the file.
            if (e.code() != Exit::failure) throw;
            auto problems = file_problems(ctx.database_path(), ctx.global.wait);
            if (problems.empty()) throw;
            print_problems(ctx, problems);
            throw Error(Exit::invalid,
                        fmt::format("the register {} is damaged ({} problem{} in the file)",
                                    printable(ctx.database_path(), 200), problems.size(),
                                    problems.size() == 1 ? "" : "s"),
                        "restore it from a backup ('caseload db backup FILE' makes one); "
                        "'sqlite3 FILE .recover' may save what is left");
        }
        require_lead(ctx.actor().member, "run 'caseload db check'");
        // First the checkpoint that a rename or erase could not finish while
        // another program read the register: the old pages leave the file.
        if (!reg->db().checkpoint_truncate()) {
            ctx.warn(
                "another program is reading the register, so the database file may still hold "
                "bytes of renamed or erased IDs until it finishes",
                "run 'caseload db check' again when it has finished");
        }
        auto problems = check_register(reg->db());
        print_problems(ctx, problems);
        if (!problems.empty())
            throw Error(
                Exit::invalid,
                fmt::format("the register {} has {} problem{}", printable(ctx.database_path(), 200),
                            problems.size(), problems.size() == 1 ? "" : "s"),
                "restore from a backup, or fix each record named above");
        ctx.note(fmt::format("{}: all checks passed.", printable(ctx.database_path(), 200)));
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

    auto* upgrade =
        add_command(*group, "upgrade", "Migrate the register to this caseload's schema version",
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
