// caseload org show|pattern: the organisation and its settings.
#include <fmt/format.h>

#include "caseload/admin.hpp"
#include "caseload/error.hpp"
#include "caseload/text.hpp"
#include "context.hpp"
#include "shapes.hpp"

namespace caseload::cli {

// The organisation object (man caseload, JSON OUTPUT): org show, org pattern, init.
Json organisation_json(const Directory& dir) {
    const Organisation& org = dir.organisation;
    return Json{{"name", org.name},
                {"id_pattern", json_or_null(org.id_pattern)},
                {"id_pattern_description", json_or_null(org.id_pattern_description)},
                {"guard_words", dir.words.size()}};
}

namespace {

struct PatternArgs {
    std::optional<std::string> regex;
    std::optional<std::string> description;
    bool clear = false;
};

// org pattern REGEX --description TEXT, or --clear: checks, changes, says what changed.
void change_pattern(Context& ctx, const PatternArgs& args) {
    if (args.clear && (args.regex || args.description))
        throw Error(Exit::usage, "give a pattern or --clear, not both",
                    "'caseload org pattern --clear' removes the pattern");
    if (!args.clear && !args.regex)
        throw Error(Exit::usage, "which pattern? give one, or --clear",
                    "e.g. caseload org pattern 'HOM-[0-9]{4}' --description 'HOM- and four "
                    "digits'");
    if (args.regex && !args.description)
        throw Error(Exit::usage, "a pattern needs a description",
                    "say what it asks for with --description TEXT; people see it when an ID "
                    "is refused");
    Register& reg = ctx.reg();
    const Actor& actor = ctx.actor();
    if (args.clear) {
        if (set_id_pattern(reg, actor, std::nullopt))
            ctx.note("Cleared the ID pattern: any valid ID is accepted.");
        else
            ctx.note("There is no ID pattern; nothing changed.");
        return;
    }
    IdPattern wanted{*args.regex, *args.description};
    if (!set_id_pattern(reg, actor, wanted)) {
        ctx.note("The ID pattern is already that; nothing changed.");
        return;
    }
    const Organisation& org = reg.directory().organisation;
    IdPattern stored{org.id_pattern.value_or(""), org.id_pattern_description.value_or("")};
    ctx.note(fmt::format("Set the ID pattern: {} ({}).\nNew IDs and renamed ones must match it.",
                         stored.regex, stored.description));
    IdPatternFit fit = id_pattern_fit(reg, stored);
    if (fit.not_matching > 0)
        ctx.warn(fmt::format(
            "{} of {} stored {} {} not match the new pattern ({} of them active). Stored "
            "IDs stay valid; new IDs and renames must match.",
            with_thousands(fit.not_matching), with_thousands(fit.stored),
            fit.stored == 1 ? "ID" : "IDs", fit.not_matching == 1 ? "does" : "do",
            with_thousands(fit.active_not_matching)));
    if (fit.generated_example)
        ctx.warn(
            fmt::format("IDs made by --generate (e.g. {}) do not match the new pattern, so su add, "
                        "su rename and su import will refuse --generate.",
                        *fit.generated_example));
}

}  // namespace

void register_org(CLI::App& app, Context& ctx) {
    auto* group = add_command(app, "org", "The organisation and its settings", "");

    auto* show = add_command(*group, "show", "Show the organisation's name and settings",
                             "  caseload org show\n"
                             "  caseload org show --format json");
    show->callback([&ctx] {
        Register& reg = ctx.reg();
        ctx.actor();
        const Directory& dir = reg.directory();
        write_single(ctx.format(), organisation_json(dir), std::cout);
        if (!dir.organisation.id_pattern && ctx.format() == Format::table)
            ctx.note(
                "No ID pattern: any ID of the standard format is accepted. A lead sets one with "
                "'caseload org pattern REGEX --description TEXT'.");
    });

    auto args = std::make_shared<PatternArgs>();
    auto* pattern =
        add_command(*group, "pattern", "Set or clear the pattern that new IDs must match (lead)",
                    "  caseload org pattern 'HOM-[0-9]{4}' --description 'HOM- and four digits'\n"
                    "  caseload org pattern --clear");
    pattern->add_option("regex", args->regex,
                        "A regular expression (ECMAScript) that the whole ID must match");
    pattern
        ->add_option("--description", args->description,
                     "What the pattern asks for, in words (required with a pattern)")
        ->option_text("TEXT");
    pattern->add_flag("--clear", args->clear, "Remove the pattern: any valid ID is accepted");
    pattern->callback([&ctx, args] {
        change_pattern(ctx, *args);
        if (ctx.global.format_given())  // the organisation, as org show prints it
            write_single(ctx.format(), organisation_json(ctx.reg().directory()), std::cout);
    });
}

}  // namespace caseload::cli
