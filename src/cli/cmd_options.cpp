// caseload options gender|ethnicity|age-band
#include "caseload/options.hpp"
#include "context.hpp"

namespace caseload::cli {

void register_options(CLI::App& app, Context& ctx) {
    auto* group = add_command(app, "options", "The allowed values of each drop-down field", "");
    for (const OptionList* list : all_option_lists()) {
        auto* cmd = add_command(*group, std::string(list->command),
                                "The allowed " + std::string(list->field) + " values",
                                "  caseload options " + std::string(list->command) +
                                    "\n  caseload options " + std::string(list->command) +
                                    " --format csv");
        cmd->callback([&ctx, list] {
            RecordWriter out(ctx.format(), {"code", "label"}, std::cout);
            for (const auto& o : list->values)
                out.add(Json{{"code", std::string(o.code)}, {"label", std::string(o.label)}});
            out.finish();
        });
    }
}

}  // namespace caseload::cli
