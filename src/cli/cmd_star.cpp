// caseload star list|show|add
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "caseload/admin.hpp"
#include "caseload/error.hpp"
#include "caseload/text.hpp"
#include "context.hpp"

namespace caseload::cli {

namespace {

Json star_json(const StoredStar& s) {
    return Json{{"code", s.star.code},
                {"name", s.star.name},
                {"needs", s.star.needs.size()},
                {"builtin", s.builtin}};
}

}  // namespace

void register_star(CLI::App& app, Context& ctx) {
    auto* group = add_command(app, "star", "The catalogue of Stars and their support needs", "");

    auto* list = add_command(*group, "list", "List the Stars", "  caseload star list");
    list->callback([&ctx] {
        Register& reg = ctx.reg();
        ctx.actor();
        RecordWriter out(ctx.format(), {"code", "name", "needs", "builtin"}, std::cout);
        for (const auto& s : reg.directory().stars) out.add(star_json(s));
        out.finish();
    });

    auto code = std::make_shared<std::string>();
    auto* show = add_command(*group, "show", "List a Star's support needs",
                             "  caseload star show homelessness");
    show->add_option("code", *code, "The Star's code")->required();
    show->callback([&ctx, code] {
        Register& reg = ctx.reg();
        ctx.actor();
        const StoredStar& star = require_star(reg.directory(), *code);
        ctx.note(fmt::format("{} ({}): {} support needs", star.star.name, star.star.code,
                             star.star.needs.size()));
        RecordWriter out(ctx.format(), {"code", "label"}, std::cout);
        for (const auto& n : star.star.needs) out.add(Json{{"code", n.code}, {"label", n.label}});
        out.finish();
    });

    auto file = std::make_shared<std::string>();
    auto* add = add_command(*group, "add", "Add your organisation's own Star from a file (lead)",
                            "  caseload star add our-star.star");
    add->add_option("file", *file, "A Star file (format as in " CASELOAD_STARS_DIR ")")->required();
    add->callback([&ctx, file] {
        std::ifstream in(*file, std::ios::binary);
        if (!in)
            throw Error(Exit::not_found, fmt::format("cannot read {}", printable(*file, 200)),
                        "check the file name");
        std::stringstream text;
        text << in.rdbuf();
        if (text.str().size() > 1 << 20)
            throw Error(Exit::invalid, fmt::format("{} is larger than 1 MB", printable(*file, 200)),
                        "a Star file lists a few dozen needs");
        Star star = parse_star(text.str(), *file);
        add_star(ctx.reg(), ctx.actor(), star);
        ctx.note(fmt::format("Added the {} Star ({}) with {} needs.", star.code, star.name,
                             star.needs.size()));
        if (ctx.global.format_given())  // the new Star, as star list shows it
            write_single(ctx.format(), star_json(require_star(ctx.reg().directory(), star.code)),
                         std::cout);
    });
}

}  // namespace caseload::cli
