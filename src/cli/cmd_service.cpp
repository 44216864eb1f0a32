// caseload service add|list|show
#include <fmt/format.h>

#include "caseload/admin.hpp"
#include "caseload/store.hpp"
#include "context.hpp"

namespace caseload::cli {

namespace {

Json service_json(Register& reg, const Service& s) {
    const Directory& dir = reg.directory();
    const StoredStar* star = dir.star_by_key(s.star_key);
    std::vector<std::string> workers, managers;
    for (const auto& m : dir.staff) {
        if (!m.active) continue;
        if (m.is_worker_of(s.key)) workers.push_back(m.username);
        if (m.is_manager_of(s.key)) managers.push_back(m.username);
    }
    return Json{{"code", s.code},
                {"name", s.name},
                {"star", star ? star->star.code : ""},
                {"managers", managers},
                {"workers", workers},
                {"active_service_users", store::count_active_in_service(reg.db(), s.key)}};
}

}  // namespace

void register_service(CLI::App& app, Context& ctx) {
    auto* group = add_command(app, "service", "Services and the Star each uses", "");

    struct AddArgs {
        std::string code, name, star;
    };
    auto add = std::make_shared<AddArgs>();
    auto* cmd = add_command(*group, "add", "Add a service (lead)",
                            "  caseload service add HOM --name 'Hostel' --star homelessness");
    cmd->add_option("code", add->code, "Short code, e.g. HOM")->required();
    cmd->add_option("--name", add->name, "The service's name")->required()->option_text("NAME");
    cmd->add_option("--star", add->star, "The Star it uses (see 'caseload star list')")
        ->required()
        ->option_text("STAR");
    cmd->callback([&ctx, add] {
        add_service(ctx.reg(), ctx.actor(), add->code, add->name, add->star);
        ctx.note(fmt::format("Added service {} ({}), using the {} Star.",
                             normalise_service_code(add->code), add->name, add->star));
        if (ctx.global.format_given())  // the new service, as service show prints it
            write_single(ctx.format(),
                         service_json(ctx.reg(), require_service(ctx.reg().directory(), add->code)),
                         std::cout);
    });

    auto* list = add_command(*group, "list", "List the services", "  caseload service list\n"
                                                                   "  caseload service list --format csv");
    list->callback([&ctx] {
        Register& reg = ctx.reg();
        ctx.actor();
        RecordWriter out(ctx.format(),
                         {"code", "name", "star", "managers", "workers", "active_service_users"},
                         std::cout);
        for (const auto& s : reg.directory().services) out.add(service_json(reg, s));
        out.finish();
    });

    auto code = std::make_shared<std::string>();
    auto* show = add_command(*group, "show", "Show one service", "  caseload service show HOM");
    show->add_option("code", *code, "The service's code")->required();
    show->callback([&ctx, code] {
        Register& reg = ctx.reg();
        ctx.actor();
        write_single(ctx.format(), service_json(reg, require_service(reg.directory(), *code)),
                     std::cout);
    });
}

}  // namespace caseload::cli
