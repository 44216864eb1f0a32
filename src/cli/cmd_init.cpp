// caseload init: creates a register and its first lead.
#include <fmt/format.h>

#include "caseload/admin.hpp"
#include "caseload/error.hpp"
#include "caseload/text.hpp"
#include "context.hpp"
#include "shapes.hpp"

namespace caseload::cli {

void register_init(CLI::App& app, Context& ctx) {
    struct Args {
        std::string organisation, lead, name, login;
        std::optional<std::string> id_pattern, id_pattern_description;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = add_command(app, "init", "Create a register and its first lead",
                            "  caseload init --organisation 'Northside Housing' --lead ana\n"
                            "  caseload --db /var/lib/caseload/caseload.db init --organisation "
                            "'Northside' --lead ana\n"
                            "  caseload init --organisation 'Northside' --lead ana --id-pattern "
                            "'NS-[0-9]{4}' --id-pattern-description 'NS- and four digits'");
    cmd->add_option("--organisation", args->organisation, "The organisation's name")
        ->required()
        ->option_text("NAME");
    cmd->add_option("--lead", args->lead, "Username of the first lead")
        ->required()
        ->option_text("USERNAME");
    cmd->add_option("--name", args->name, "The lead's display name (default: the username)")
        ->option_text("NAME");
    cmd->add_option("--login", args->login, "OS login of the lead (default: yours)")
        ->option_text("OSLOGIN");
    cmd->add_option("--id-pattern", args->id_pattern,
                    "A regular expression that new IDs must match (see 'caseload org pattern')")
        ->option_text("REGEX");
    cmd->add_option("--id-pattern-description", args->id_pattern_description,
                    "What the ID pattern asks for, in words (required with --id-pattern)")
        ->option_text("TEXT");
    cmd->callback([&ctx, args] {
        if (args->id_pattern.has_value() != args->id_pattern_description.has_value())
            throw Error(Exit::usage,
                        args->id_pattern ? "an ID pattern needs a description"
                                         : "a pattern description needs a pattern",
                        "give --id-pattern REGEX and --id-pattern-description TEXT together");
        std::optional<IdPattern> pattern;
        if (args->id_pattern) pattern = IdPattern{*args->id_pattern, *args->id_pattern_description};
        std::string path = ctx.database_path();
        std::string login = args->login.empty() ? current_os_login() : args->login;
        initialise_register(path, path.empty() ? 5 : ctx.global.wait, args->organisation,
                            args->lead, args->name, login, pattern);
        ctx.note(fmt::format("Created the register {} for {}.\nLead: {} (OS login {}).", path,
                             args->organisation, normalise_username(args->lead), login));
        if (pattern)
            ctx.note(fmt::format("New IDs must match {} ({}).", trim(*args->id_pattern),
                                 trim(*args->id_pattern_description)));
        ctx.note(
            "Next: 'caseload service add CODE --name NAME --star STAR' "
            "(see 'caseload star list').");
        if (ctx.global.format_given())  // the new organisation, as org show prints it
            write_single(ctx.format(), organisation_json(ctx.reg().directory()), std::cout);
    });
}

}  // namespace caseload::cli
