// caseload su rename|allocate|needs|edit|leave|return|erase: fixing and moving
// records. The rules live in the core (caseload/records.hpp); this file parses
// and prints.
#include <fmt/format.h>

#include "caseload/error.hpp"
#include "caseload/records.hpp"
#include "caseload/text.hpp"
#include "context.hpp"

namespace caseload::cli {

namespace {

// After a rename or erase: say where the old ID's bytes still are, even with
// -q, rather than claim the ID is gone. Not an error: the change is made, and
// the register keeps a mark so that a later command finishes the scrub.
void report_scrub(const Context& ctx, Scrub scrub, std::string_view what) {
    switch (scrub) {
        case Scrub::done:
            break;
        case Scrub::deferred:
            ctx.note(
                fmt::format("Other commands were busy: the {}'s last bytes leave the WAL "
                            "when the next caseload command runs.",
                            what));
            break;
        case Scrub::reader:
            ctx.warn(fmt::format("another program is reading the register, so the {}'s bytes "
                                 "stay in the database file until it finishes",
                                 what),
                     "the next caseload command after it has finished clears them (or a lead's "
                     "'caseload db check')");
            break;
        case Scrub::no_space:
            ctx.warn(fmt::format("the disk holding the register is full, so the {}'s bytes stay "
                                 "in its WAL file",
                                 what),
                     "free some space; the next caseload command then clears them");
            break;
    }
}

// Commands that change a record print it when --format or --json is given
// (the object of su show), and nothing on stdout otherwise.
void print_changed(Context& ctx, Key key) {
    if (!ctx.global.format_given()) return;
    Register& reg = ctx.reg();
    if (auto su = reg.find_by_key(key))
        write_stdout(service_user_text(ctx.format(), reg, *su), "the changed service user");
}

void register_rename(CLI::App& su, Context& ctx) {
    struct Args {
        std::string old_id;
        std::optional<std::string> new_id;
        bool generate = false;
        bool confirm = false;
        std::optional<std::string> ids_to;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = add_command(su, "rename", "Change a service user's ID (prints OLD -> NEW once)",
                            "  caseload su rename K7M2-QX9A --generate --confirm-anonymous\n"
                            "  caseload su rename HOM-0042 HOM-0043 --confirm-anonymous");
    cmd->add_option("old", args->old_id, "The ID now (any case)")->required();
    cmd->add_option("new", args->new_id, "The new ID (or use --generate)");
    cmd->add_flag("--generate", args->generate,
                  "Generate a safe new ID (prefixed with the service code)");
    cmd->add_flag("--confirm-anonymous", args->confirm,
                  "Confirm the new ID holds nothing that identifies the person");
    cmd->add_option("--ids-to", args->ids_to,
                    "With --generate: also append 'OLD -> NEW' to this file, synced to disk "
                    "before the rename is committed")
        ->option_text("FILE");
    cmd->callback([&ctx, args] {
        if (args->ids_to && !args->generate)
            throw Error(Exit::usage, "--ids-to is for generated IDs: give --generate",
                        "leave out --ids-to when you give the new ID yourself");
        if (args->generate && args->new_id)
            throw Error(Exit::usage, "give a new ID or --generate, not both",
                        "leave out the new ID to have one generated");
        if (!args->generate && !args->new_id)
            throw Error(Exit::usage, "which new ID? give one, or --generate",
                        "'caseload su rename OLD --generate' makes an ID that is safe");
        Register& reg = ctx.reg();
        const Actor& actor = ctx.actor();
        RenamePlan plan =
            plan_rename(reg, actor, args->old_id, args->generate ? std::nullopt : args->new_id);
        ctx.confirm_anonymous(plan.new_id, plan.warnings, args->confirm || plan.generated);
        // The new ID's only copy goes out before the commit.
        const Scrub scrub = apply_rename(reg, actor, plan, [&](const ServiceUser& renamed) {
            const std::string nothing = "; nothing was renamed";
            const std::string line = plan.old_id + " -> " + plan.new_id + "\n";
            if (args->ids_to) append_synced(*args->ids_to, line, nothing);
            if (ctx.global.format_given())
                write_stdout(service_user_text(ctx.format(), reg, renamed),
                             "the renamed service user", nothing);
            else
                write_stdout(line, "the new ID", nothing);
        });
        if (scrub == Scrub::done)
            ctx.note("Update your locked list now: the old ID is no longer kept anywhere.");
        else
            report_scrub(ctx, scrub, "old ID");
    });
}

void register_allocate(CLI::App& su, Context& ctx) {
    struct Args {
        std::string id, to;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = add_command(su, "allocate",
                            "Reallocate a service user to another worker of the same service",
                            "  caseload su allocate HOM-0042 --to wyn\n"
                            "  caseload su list --keyworker wes --format jsonl | jq -r .id |\n"
                            "    while read -r id; do caseload su allocate \"$id\" --to wyn; done");
    cmd->add_option("id", args->id, "The ID")->required();
    cmd->add_option("--to", args->to, "The new keyworker: an active worker of the service")
        ->option_text("USERNAME")
        ->required();
    cmd->callback([&ctx, args] {
        Register& reg = ctx.reg();
        AllocateResult r = allocate_service_user(reg, ctx.actor(), args->id, args->to);
        print_changed(ctx, r.su.key);
        if (r.changed)
            ctx.note(fmt::format("Reallocated {} from {} to {}.", r.su.id, r.from, r.to));
        else
            ctx.note(
                fmt::format("{} is already the keyworker of {}; nothing changed.", r.to, r.su.id));
    });
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& part : split(text, ','))
        if (!trim(part).empty()) out.emplace_back(trim(part));
    return out;
}

void register_needs(CLI::App& su, Context& ctx) {
    struct Args {
        std::string id;
        std::vector<std::string> add, remove;
        std::optional<std::string> set;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = add_command(su, "needs", "List or change a service user's support needs",
                            "  caseload su needs HOM-0042\n"
                            "  caseload su needs HOM-0042 --add rough-sleeping --remove money");
    cmd->add_option("id", args->id, "The ID")->required();
    cmd->add_option("--add", args->add, "Add a need of the service's Star (repeatable)")
        ->option_text("NEED")
        ->allow_extra_args(false);
    cmd->add_option("--remove", args->remove, "Remove a need (repeatable)")
        ->option_text("NEED")
        ->allow_extra_args(false);
    cmd->add_option("--set", args->set, "Replace the needs with this list; '' clears them")
        ->option_text("NEED,...");
    cmd->callback([&ctx, args] {
        Register& reg = ctx.reg();
        const Actor& actor = ctx.actor();
        NeedsChange change;
        for (const auto& a : args->add)
            for (auto& n : split_list(a)) change.add.push_back(n);
        for (const auto& r : args->remove)
            for (auto& n : split_list(r)) change.remove.push_back(n);
        if (args->set) change.set = split_list(*args->set);
        if (change.empty()) {
            ServiceUser su = reg.require(actor, args->id, SuAction::show);
            if (ctx.format() == Format::json || ctx.format() == Format::jsonl) {
                // The service-user object, as su show (needs as codes).
                write_single(ctx.format(), service_user_shown(reg, su), std::cout);
                return;
            }
            RecordWriter out(ctx.format(), {"code", "label"}, std::cout);
            for (const auto& need : needs_with_labels(reg.directory(), su))
                out.add(Json{{"code", need.code}, {"label", need.label}});
            out.finish();
            if (out.count() == 0) ctx.note(fmt::format("{} has no support needs recorded.", su.id));
            return;
        }
        NeedsResult r = change_needs(reg, actor, args->id, change);
        print_changed(ctx, r.su.key);
        if (!r.changed()) {
            ctx.note(fmt::format("Nothing changed: {} has {}.", r.su.id,
                                 r.su.needs.empty() ? "no needs" : join(r.su.needs, ", ")));
            return;
        }
        std::vector<std::string> parts;
        if (!r.added.empty()) parts.push_back("added " + join(r.added, ", "));
        if (!r.removed.empty()) parts.push_back("removed " + join(r.removed, ", "));
        ctx.note(fmt::format("Needs of {}: {} ({}).", r.su.id,
                             r.su.needs.empty() ? "none" : join(r.su.needs, ", "),
                             join(parts, "; ")));
    });
}

void register_edit(CLI::App& su, Context& ctx) {
    struct Args {
        std::string id;
        DetailsChange change;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = add_command(su, "edit", "Change a service user's optional details",
                            "  caseload su edit HOM-0042 --age-band 35-44 --gender female\n"
                            "  caseload su edit HOM-0042 --clear ethnicity --clear dob");
    cmd->add_option("id", args->id, "The ID")->required();
    auto* dob = cmd->add_option("--dob", args->change.date_of_birth,
                                "Date of birth, YYYY-MM-DD or DD/MM/YYYY (replaces an age band)")
                    ->option_text("DATE");
    cmd->add_option("--age-band", args->change.age_band,
                    "Age band (replaces a date of birth); see 'caseload options age-band'")
        ->option_text("BAND")
        ->excludes(dob);
    cmd->add_option("--gender", args->change.gender, "See 'caseload options gender'")
        ->option_text("GENDER");
    cmd->add_option("--ethnicity", args->change.ethnicity, "See 'caseload options ethnicity'")
        ->option_text("ETHNICITY");
    cmd->add_option("--started", args->change.started_on,
                    "The day support began (not in the future, nor after leaving)")
        ->option_text("DATE");
    cmd->add_option("--clear", args->change.clear,
                    "Remove a detail: dob, age-band, gender or ethnicity (repeatable)")
        ->option_text("FIELD")
        ->allow_extra_args(false)
        ->check(CLI::IsMember({"dob", "age-band", "gender", "ethnicity"}));
    cmd->callback([&ctx, args] {
        Register& reg = ctx.reg();
        EditResult r = edit_service_user(reg, ctx.actor(), args->id, args->change, today());
        print_changed(ctx, r.su.key);
        if (r.changed.empty())
            ctx.note(fmt::format("Nothing changed: {} already has those details.", r.su.id));
        else
            ctx.note(fmt::format("Updated {}: {}.", r.su.id, join(r.changed, ", ")));
    });
}

void register_leave_return(CLI::App& su, Context& ctx) {
    struct Args {
        std::string id;
        std::optional<std::string> date;
    };
    auto leave = std::make_shared<Args>();
    auto* cmd = add_command(su, "leave", "Mark a service user as having left",
                            "  caseload su leave HOM-0042\n"
                            "  caseload su leave HOM-0042 --date 2026-10-31");
    cmd->add_option("id", leave->id, "The ID")->required();
    cmd->add_option("--date", leave->date, "The day they left, not in the future (default: today)")
        ->option_text("DATE");
    cmd->callback([&ctx, leave] {
        ServiceUser su =
            leave_service_user(ctx.reg(), ctx.actor(), leave->id, leave->date, today());
        print_changed(ctx, su.key);
        ctx.note(fmt::format("{} left on {}; hidden from lists and reports unless --include-left.",
                             su.id, su.left_on.value_or("?")));
    });

    auto back = std::make_shared<std::string>();
    auto* ret = add_command(su, "return", "Mark a service user who had left as active again",
                            "  caseload su return HOM-0042\n"
                            "  caseload su list --left   # who has left");
    ret->add_option("id", *back, "The ID")->required();
    ret->callback([&ctx, back] {
        ServiceUser su = return_service_user(ctx.reg(), ctx.actor(), *back);
        print_changed(ctx, su.key);
        ctx.note(fmt::format("{} is active again, keyworker {}.", su.id,
                             ctx.reg().username(su.keyworker_key)));
    });
}

void register_erase(CLI::App& su, Context& ctx) {
    struct Args {
        std::string id, confirm;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = add_command(su, "erase",
                            "Remove a service user's record completely (lead; right to erasure)",
                            "  caseload su erase HOM-0042 --confirm HOM-0042");
    cmd->add_option("id", args->id, "The ID")->required();
    cmd->add_option("--confirm", args->confirm, "The same ID again, to confirm")
        ->option_text("ID")
        ->required();
    cmd->callback([&ctx, args] {
        const auto erased = erase_service_user(ctx.reg(), ctx.actor(), args->id, args->confirm);
        ctx.note(
            fmt::format("Erased {}: its record and needs are gone; the audit trail shows its "
                        "events as (erased).",
                        erased.id));
        if (ctx.global.format_given())  // what is left of it: the ID that was erased
            write_single(ctx.format(), Json{{"id", erased.id}}, std::cout);
        report_scrub(ctx, erased.scrub, "erased ID");
    });
}

}  // namespace

void register_su_records(CLI::App& su, Context& ctx) {
    register_rename(su, ctx);
    register_allocate(su, ctx);
    register_needs(su, ctx);
    register_edit(su, ctx);
    register_leave_return(su, ctx);
    register_erase(su, ctx);
}

}  // namespace caseload::cli
