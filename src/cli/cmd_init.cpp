// caseload init: creates a register and its first lead.
#include <fmt/format.h>

#include "caseload/admin.hpp"
#include "context.hpp"

namespace caseload::cli {

void register_init(CLI::App& app, Context& ctx) {
    struct Args {
        std::string organisation, lead, name, login;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = add_command(app, "init", "Create a register and its first lead",
                            "  caseload init --organisation 'Northside Housing' --lead ana\n"
                            "  caseload --db /var/lib/caseload/caseload.db init --organisation "
                            "'Northside' --lead ana");
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
    cmd->callback([&ctx, args] {
        std::string path = ctx.database_path();
        std::string login = args->login.empty() ? current_os_login() : args->login;
        initialise_register(path, path.empty() ? 5 : ctx.global.wait, args->organisation,
                            args->lead, args->name, login);
        ctx.note(fmt::format("Created the register {} for {}.\nLead: {} (OS login {}).", path,
                             args->organisation, normalise_username(args->lead), login));
        ctx.note("Next: 'caseload service add CODE --name NAME --star STAR' "
                 "(see 'caseload star list').");
    });
}

}  // namespace caseload::cli
