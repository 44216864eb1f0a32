// caseload staff deactivate|activate (issue 4). The rules live in the core
// (caseload/records.hpp).
#include <fmt/format.h>

#include "caseload/records.hpp"
#include "caseload/text.hpp"
#include "context.hpp"
#include "shapes.hpp"

namespace caseload::cli {

void register_staff_deactivate(CLI::App& staff, Context& ctx) {
    auto who = std::make_shared<std::string>();
    auto* off = add_command(staff, "deactivate", "Stop a staff member acting or keyworking (lead)",
                            "  caseload staff deactivate wes\n"
                            "  caseload su list --keyworker wes   # what to reallocate first");
    off->add_option("username", *who, "The staff member")->required();
    off->callback([&ctx, who] {
        deactivate_staff(ctx.reg(), ctx.actor(), *who);
        ctx.note(fmt::format("Deactivated {}: they can no longer act or be a keyworker.",
                             ascii_lower(trim(*who))));
        print_changed_staff(ctx, *who);
    });

    auto back = std::make_shared<std::string>();
    auto* on = add_command(staff, "activate", "Let a deactivated staff member act again (lead)",
                           "  caseload staff activate wes");
    on->add_option("username", *back, "The staff member")->required();
    on->callback([&ctx, back] {
        activate_staff(ctx.reg(), ctx.actor(), *back);
        ctx.note(fmt::format("Reactivated {}.", ascii_lower(trim(*back))));
        print_changed_staff(ctx, *back);
    });
}

}  // namespace caseload::cli
