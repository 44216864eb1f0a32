// caseload db check|backup|upgrade
#include <fmt/format.h>
#include <unistd.h>

#include "caseload/error.hpp"
#include "caseload/maintenance.hpp"
#include "caseload/store/upkeep.hpp"
#include "caseload/text.hpp"
#include "context.hpp"

namespace caseload::cli {

namespace {

// What the file system shows of the register: its journal mode, and who else
// may read it.
void add_file_problems(Database& db, std::vector<CheckProblem>& problems) {
    if (db.journal_mode_found() && db.journal_mode() != "wal")
        problems.push_back(
            {"journal-mode", fmt::format("the register is in journal mode {}, not WAL, and could "
                                         "not be switched (is it read-only?)",
                                         printable(db.journal_mode()))});
    for (const auto& file : files_open_to_others(db.path()))
        problems.push_back(
            {"permissions", fmt::format("{} may be read by others; fix it with 'chmod o-rwx' on "
                                        "the register, its -wal and its -shm",
                                        file)});
}

void print_problems(Context& ctx, const std::vector<CheckProblem>& problems) {
    RecordWriter out(ctx.format(), {"check", "problem"}, std::cout);
    for (const auto& p : problems) out.add(Json{{"check", p.check}, {"problem", p.detail}});
    out.finish();
}

// db backup under --format: the copy, its pages, and the problems of its
// integrity check (kept with --force).
void print_backup(Context& ctx, const std::string& file, const BackupResult& result) {
    Json problems = Json::array();
    for (const auto& p : result.problems)
        problems.push_back(Json{{"check", p.check}, {"problem", p.detail}});
    write_single(ctx.format(),
                 Json{{"file", file}, {"pages", result.pages}, {"problems", problems}}, std::cout);
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
            if (e.code() != Exit::failure &&
                !std::string_view(e.what()).starts_with("the register is damaged"))
                throw;
            // SQLite's own check of the file: a register too damaged to load
            // (its staff or settings cannot be read, so neither can the acting
            // member's role). It names tables and pages, never a person, so it
            // needs no role: whoever may read the file could run it anyway.
            auto problems = store::check_file_integrity(ctx.database_path(), ctx.global.wait);
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
        // First the scrub that a rename or erase could not finish while
        // another program read the register: the old pages leave the file.
        if (reg->db().scrub(ctx.global.wait) == Scrub::reader) {
            ctx.warn(
                "another program is reading the register, so the database file may still hold "
                "bytes of renamed or erased IDs until it finishes",
                "run 'caseload db check' again when it has finished");
        }
        if (const auto& found = reg->db().journal_mode_found();
            found && reg->db().journal_mode() == "wal")
            ctx.warn(fmt::format("the register was in journal mode {}, not WAL (a backup put back "
                                 "with cp?); it is in WAL mode again now",
                                 printable(*found)),
                     "");
        auto problems = check_register(reg->db());
        add_file_problems(reg->db(), problems);
        print_problems(ctx, problems);
        if (!problems.empty())
            throw Error(
                Exit::invalid,
                fmt::format("the register {} has {} problem{}", printable(ctx.database_path(), 200),
                            problems.size(), problems.size() == 1 ? "" : "s"),
                "restore from a backup, or fix each record named above");
        ctx.note(fmt::format("{}: all checks passed.", printable(ctx.database_path(), 200)));
    });

    struct BackupArgs {
        std::string target;
        bool force = false;
    };
    auto backup_args = std::make_shared<BackupArgs>();
    auto* backup = add_command(*group, "backup",
                               "Copy the register while it is in use (SQLite's online backup)",
                               "  caseload db backup /var/backups/caseload-$(date +%F).db");
    backup
        ->add_option("file", backup_args->target,
                     "The new file (never overwritten; created with mode 0600)")
        ->required();
    backup->add_flag("--force", backup_args->force,
                     "Keep the copy even when it fails the integrity check (to rescue a damaged "
                     "register)");
    backup->callback([&ctx, backup_args] {
        Register& reg = ctx.reg();
        require_lead(ctx.actor().member, "back up the register");
        bool show = !ctx.global.quiet && isatty(STDERR_FILENO);
        const auto result = backup_register(
            reg.db(), backup_args->target, backup_args->force, [&](int remaining, int total) {
                if (show && total > 0)
                    std::cerr << fmt::format("\rbackup: {:3}%", 100 * (total - remaining) / total)
                              << std::flush;
            });
        if (show) std::cerr << '\n';
        if (!result.problems.empty())
            ctx.warn(fmt::format("the copy {} holds the register's damage ({} problem{} in "
                                 "SQLite's integrity check); kept because of --force",
                                 printable(backup_args->target, 200), result.problems.size(),
                                 result.problems.size() == 1 ? "" : "s"),
                     "run 'caseload db check' on the register");
        ctx.note(fmt::format("Backed up {} pages to {}.", result.pages,
                             printable(backup_args->target, 200)));
        if (ctx.global.format_given()) print_backup(ctx, backup_args->target, result);
    });

    auto* upgrade =
        add_command(*group, "upgrade", "Migrate the register to this caseload's schema version",
                    "  caseload db backup before-upgrade.db && caseload db upgrade");
    upgrade->callback([&ctx] {
        Database db = Database::open(ctx.database_path(), ctx.global.wait, true);
        ctx.warn_open_to_others(ctx.database_path());
        auto [from, to] = db.upgrade();
        if (from == to)
            ctx.note(fmt::format("The register is already at schema version {}.", to));
        else
            ctx.note(fmt::format("Upgraded the register from schema version {} to {}.", from, to));
        if (ctx.global.format_given())
            write_single(ctx.format(), Json{{"from", from}, {"to", to}}, std::cout);
    });
}

}  // namespace caseload::cli
