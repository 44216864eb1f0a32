// caseload staff add|list|show|grant|revoke
#include <fmt/format.h>
#include <pwd.h>

#include "caseload/admin.hpp"
#include "caseload/error.hpp"
#include "caseload/store.hpp"
#include "caseload/text.hpp"
#include "context.hpp"
#include "shapes.hpp"

namespace caseload::cli {

namespace {

Json staff_json(Register& reg, const StaffMember& m) {
    std::vector<std::string> worker, manager;
    for (const auto& [service, role] : m.roles) {
        if (role.worker) worker.push_back(reg.service_code(service));
        if (role.manager) manager.push_back(reg.service_code(service));
    }
    return Json{{"username", m.username},
                {"name", m.name},
                {"login", json_or_null(m.login)},
                {"lead", m.lead},
                {"active", m.active},
                {"worker", worker},
                {"manager", manager},
                {"caseload", store::count_active_caseload(reg.db(), m.key)}};
}

struct RoleArgs {
    bool lead = false;
    std::vector<std::string> worker, manager;
    RoleChange change() const { return RoleChange{lead, worker, manager}; }
};

void add_role_options(CLI::App* cmd, RoleArgs& roles) {
    cmd->add_flag("--lead", roles.lead, "Organisation lead (administrator)");
    cmd->add_option("--worker", roles.worker, "Worker in SERVICE (repeatable, or HOM,REC)")
        ->option_text("SERVICE")
        ->delimiter(',')
        ->allow_extra_args(false);
    cmd->add_option("--manager", roles.manager, "Manager of SERVICE (repeatable, or HOM,REC)")
        ->option_text("SERVICE")
        ->delimiter(',')
        ->allow_extra_args(false);
}

}  // namespace

// Commands that change a staff member print it when --format or --json is
// given (the object of staff show), and nothing on stdout otherwise.
void print_changed_staff(Context& ctx, const std::string& username) {
    if (!ctx.global.format_given()) return;
    Register& reg = ctx.reg();
    write_single(ctx.format(), staff_json(reg, require_staff(reg.directory(), username)),
                 std::cout);
}

void register_staff(CLI::App& app, Context& ctx) {
    auto* group = add_command(app, "staff", "Staff, their OS logins and their roles", "");

    struct AddArgs {
        std::string username, name;
        std::optional<std::string> login;
        bool no_check_login = false;
        RoleArgs roles;
    };
    auto add = std::make_shared<AddArgs>();
    auto* cmd = add_command(*group, "add", "Add a staff member (lead)",
                            "  caseload staff add wes --name 'Wes' --login wes --worker HOM\n"
                            "  caseload staff add mia --name 'Mia' --manager HOM --worker REC");
    cmd->add_option("username", add->username, "Username, e.g. wes")->required();
    cmd->add_option("--name", add->name, "Display name")->required()->option_text("NAME");
    cmd->add_option("--login", add->login,
                    "OS login that acts as this staff member (must exist on this machine)")
        ->option_text("OSLOGIN");
    cmd->add_flag("--no-check-login", add->no_check_login,
                  "Accept a --login this machine does not know (e.g. from a directory "
                  "service not reachable now)");
    add_role_options(cmd, add->roles);
    cmd->callback([&ctx, add] {
        // As useradd's tools do: a login nobody can log in as is a typo.
        if (add->login && !add->no_check_login && ::getpwnam(add->login->c_str()) == nullptr)
            throw Error(
                Exit::invalid,
                fmt::format("there is no OS login '{}' on this machine", printable(*add->login)),
                "check the spelling (see 'getent passwd'); give --no-check-login to add "
                "it anyway");
        add_staff(ctx.reg(), ctx.actor(), add->username, add->name, add->login,
                  add->roles.change());
        ctx.note(fmt::format("Added staff member {}.", normalise_username(add->username)));
        print_changed_staff(ctx, add->username);
    });

    auto list = add_command(*group, "list", "List staff",
                            "  caseload staff list\n"
                            "  caseload staff list --format json");
    list->callback([&ctx] {
        Register& reg = ctx.reg();
        ctx.actor();
        RecordWriter out(
            ctx.format(),
            {"username", "name", "login", "lead", "active", "worker", "manager", "caseload"},
            std::cout);
        for (const auto& m : reg.directory().staff) out.add(staff_json(reg, m));
        out.finish();
    });

    auto who = std::make_shared<std::string>();
    auto* show = add_command(*group, "show", "Show one staff member", "  caseload staff show wes");
    show->add_option("username", *who, "The staff member")->required();
    show->callback([&ctx, who] {
        Register& reg = ctx.reg();
        ctx.actor();
        write_single(ctx.format(), staff_json(reg, require_staff(reg.directory(), *who)),
                     std::cout);
    });

    for (bool granting : {true, false}) {
        struct ChangeArgs {
            std::string username;
            RoleArgs roles;
        };
        auto change = std::make_shared<ChangeArgs>();
        auto* c = add_command(
            *group, granting ? "grant" : "revoke",
            granting ? "Give a staff member roles (lead)" : "Take roles from a staff member (lead)",
            granting ? "  caseload staff grant wes --manager HOM\n  caseload staff grant ana --lead"
                     : "  caseload staff revoke wes --worker REC");
        c->add_option("username", change->username, "The staff member")->required();
        add_role_options(c, change->roles);
        c->callback([&ctx, change, granting] {
            if (granting)
                grant_roles(ctx.reg(), ctx.actor(), change->username, change->roles.change());
            else
                revoke_roles(ctx.reg(), ctx.actor(), change->username, change->roles.change());
            ctx.note(fmt::format("{} {}.", granting ? "Granted roles to" : "Revoked roles of",
                                 normalise_username(change->username)));
            print_changed_staff(ctx, change->username);
        });
    }
    register_staff_deactivate(*group, ctx);
}

}  // namespace caseload::cli
