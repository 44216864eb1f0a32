// caseload su add|show|list (the records and bulk commands live in their own files).
#include <fmt/format.h>

#include <sstream>

#include "caseload/admin.hpp"
#include "caseload/error.hpp"
#include "caseload/id.hpp"
#include "caseload/idgen.hpp"
#include "caseload/records.hpp"
#include "caseload/text.hpp"
#include "context.hpp"

namespace caseload::cli {

const std::vector<std::string> kServiceUserFields = {
    "id",    "service",    "keyworker", "date_of_birth", "age_band",   "gender",    "ethnicity",
    "needs", "started_on", "status",    "left_on",       "created_at", "updated_at"};

// As every command prints it: with a date of birth, age_band is the band it
// gives today (a record holds one or the other, so this is never ambiguous).
Json service_user_shown(const Register& reg, const ServiceUser& su) {
    Json j = service_user_json(reg, su);
    if (j["age_band"].is_null() && su.date_of_birth)
        if (auto d = parse_date(*su.date_of_birth))
            j["age_band"] = std::string(age_band_for_age(age_on(*d, today())));
    return j;
}

const std::vector<Cell>& ServiceUserCells::of(const Register& reg, const ServiceUser& su) {
    service = reg.service_code(su.service_key);
    keyworker = reg.username(su.keyworker_key);
    std::optional<std::string> band = su.age_band;
    if (!band && su.date_of_birth)
        if (auto d = parse_date(*su.date_of_birth))
            band = std::string(age_band_for_age(age_on(*d, on)));
    age_band = band.value_or("");
    created_at = shown_time(su.created_at);
    updated_at = shown_time(su.updated_at);
    cells = {Cell::of(std::string_view(su.id)),
             Cell::of(std::string_view(service)),
             Cell::of(std::string_view(keyworker)),
             Cell::of(su.date_of_birth),
             band ? Cell::of(std::string_view(age_band)) : Cell{},
             Cell::of(su.gender),
             Cell::of(su.ethnicity),
             Cell::of(su.needs),
             Cell::of(su.started_on),
             Cell::of(std::string_view(su.status)),
             Cell::of(su.left_on),
             Cell::of(std::string_view(created_at)),
             Cell::of(std::string_view(updated_at))};
    return cells;
}

std::string service_user_text(Format format, const Register& reg, const ServiceUser& su) {
    std::ostringstream out;
    write_single(format, service_user_shown(reg, su), out);
    return out.str();
}

Json service_user_json(const Register& reg, const ServiceUser& su) {
    return Json{{"id", su.id},
                {"service", reg.service_code(su.service_key)},
                {"keyworker", reg.username(su.keyworker_key)},
                {"date_of_birth", json_or_null(su.date_of_birth)},
                {"age_band", json_or_null(su.age_band)},
                {"gender", json_or_null(su.gender)},
                {"ethnicity", json_or_null(su.ethnicity)},
                {"needs", su.needs},
                {"started_on", json_or_null(su.started_on)},
                {"status", su.status},
                {"left_on", json_or_null(su.left_on)},
                {"created_at", shown_time(su.created_at)},
                {"updated_at", shown_time(su.updated_at)}};
}

void add_list_filters(CLI::App* cmd, ServiceUserFilter& filter) {
    cmd->add_option("--service", filter.service, "Only this service")->option_text("CODE");
    cmd->add_option("--keyworker", filter.keyworker, "Only this keyworker's caseload")
        ->option_text("USERNAME");
    cmd->add_option("--need", filter.need, "Only people with this support need")
        ->option_text("NEED");
    cmd->add_flag("--include-left", filter.include_left, "Include people who have left");
    cmd->add_flag("--left", filter.only_left, "Only people who have left");
}

void register_su(CLI::App& app, Context& ctx) {
    auto* group = add_command(app, "su", "Service users: add, look up, list, change, import", "");

    // su add
    struct AddArgs {
        NewServiceUserInput input;
        std::string id;
        bool confirm = false;
        std::optional<std::string> ids_to;
    };
    auto add = std::make_shared<AddArgs>();
    auto* cmd = add_command(
        *group, "add", "Add one service user",
        "  caseload su add --generate --age-band 25-34 --need rough-sleeping --confirm-anonymous\n"
        "  caseload su add HOM-0042 --service HOM --keyworker wes --gender female "
        "--confirm-anonymous");
    cmd->add_option("id", add->id, "The anonymous ID (or use --generate)");
    cmd->add_flag("--generate", add->input.generate,
                  "Generate a safe ID (prefixed with the service code)");
    cmd->add_option("--service", add->input.service, "Service code (default: your only service)")
        ->option_text("CODE");
    cmd->add_option("--keyworker", add->input.keyworker,
                    "Keyworker (managers and leads must name one)")
        ->option_text("USERNAME");
    auto* dob = cmd->add_option("--dob", add->input.date_of_birth,
                                "Date of birth, YYYY-MM-DD or DD/MM/YYYY")
                    ->option_text("DATE");
    cmd->add_option("--age-band", add->input.age_band, "Age band, instead of a date of birth")
        ->option_text("BAND")
        ->excludes(dob);
    cmd->add_option("--gender", add->input.gender, "See 'caseload options gender'")
        ->option_text("GENDER");
    cmd->add_option("--ethnicity", add->input.ethnicity, "See 'caseload options ethnicity'")
        ->option_text("ETHNICITY");
    cmd->add_option("--need", add->input.needs, "A support need of the service's Star (repeatable)")
        ->option_text("NEED")
        ->allow_extra_args(false);
    cmd->add_option("--started", add->input.started_on,
                    "The day support began, not in the future (default: today)")
        ->option_text("DATE");
    cmd->add_flag("--confirm-anonymous", add->confirm,
                  "Confirm the ID holds nothing that identifies the person");
    cmd->add_option("--ids-to", add->ids_to,
                    "With --generate: also append the new ID to this file, synced to disk "
                    "before the record is added")
        ->option_text("FILE");
    cmd->callback([&ctx, add] {
        NewServiceUserInput input = add->input;
        input.id = add->id;
        if (input.generate && !add->id.empty())
            throw Error(Exit::usage, "give an ID or --generate, not both",
                        "leave out the ID to have one generated");
        if (!input.generate && add->id.empty())
            throw Error(Exit::usage, "which ID? give one, or --generate",
                        "'caseload su add --generate' makes an ID that is safe");
        Register& reg = ctx.reg();
        const Actor& actor = ctx.actor();
        Guard guard = reg.guard();
        std::vector<FieldProblem> problems;
        auto valid = validate_new_service_user(reg.directory(), actor.member, guard, input, today(),
                                               problems);
        if (!valid) {
            // The first problem decides the exit code; all are shown.
            const FieldProblem& first = problems.front();
            std::vector<std::string> details = first.details;
            for (std::size_t i = 1; i < problems.size(); ++i)
                details.push_back("also: " + problems[i].message);
            throw Error(first.code, first.message, first.hint, details);
        }
        if (input.generate) {
            std::string prefix = reg.service_code(valid->service_key);
            valid->id =
                generate_id(prefix, guard, [&](std::string_view id) { return reg.id_in_use(id); });
            require_pattern_allows_generated(reg.directory(), valid->id);
        } else if (reg.id_in_use(valid->id)) {
            auto existing = reg.find(valid->id);
            throw Error(Exit::conflict,
                        fmt::format("the ID '{}' is already in use{}", valid->id,
                                    existing && existing->id != valid->id
                                        ? fmt::format(" (as '{}'; IDs ignore case)", existing->id)
                                        : ""),
                        "choose another ID, or run 'caseload id new'");
        }
        if (add->ids_to && !input.generate)
            throw Error(Exit::usage, "--ids-to is for generated IDs: give --generate",
                        "leave out --ids-to when you give the ID yourself");
        ctx.confirm_anonymous(valid->id, valid->warnings, add->confirm || input.generate);
        {
            WriteTransaction tx(reg.db());
            const Key key = reg.insert(actor, *valid, std::nullopt);
            // The new ID's only copy goes out before the commit: if it
            // cannot be written, nothing is added.
            const std::string nothing = "; nothing was added";
            if (add->ids_to) append_synced(*add->ids_to, valid->id + "\n", nothing);
            if (ctx.global.format_given())
                write_stdout(service_user_text(ctx.format(), reg, *reg.find_by_key(key)),
                             "the new service user", nothing);
            else if (input.generate)
                write_stdout(valid->id + "\n", "the generated ID", nothing);
            tx.commit();
        }
        const Service* service = reg.directory().service_by_key(valid->service_key);
        ctx.note(fmt::format("Added {} to {} ({}), keyworker {}.", valid->id, service->code,
                             service->name, reg.username(valid->keyworker_key)));
        if (input.generate) ctx.note("Write it on your locked list: " + valid->id);
    });

    // su show
    auto show_id = std::make_shared<std::string>();
    auto* show = add_command(*group, "show", "Show one service user (any case of the ID)",
                             "  caseload su show hom-7kq2m9xd-r\n"
                             "  caseload su show HOM-0042 --format json");
    show->add_option("id", *show_id, "The ID")->required();
    show->callback([&ctx, show_id] {
        Register& reg = ctx.reg();
        ServiceUser su = reg.require(ctx.actor(), *show_id, SuAction::show);
        write_single(ctx.format(), service_user_shown(reg, su), std::cout);
    });

    // su list
    auto filter = std::make_shared<ServiceUserFilter>();
    auto* list = add_command(*group, "list", "List the service users you may see",
                             "  caseload su list --service HOM\n"
                             "  caseload su list --keyworker wes --format jsonl | jq -r .id");
    add_list_filters(list, *filter);
    list->callback([&ctx, filter] {
        Register& reg = ctx.reg();
        const Actor& actor = ctx.actor();
        RecordWriter out(ctx.format(), kServiceUserFields, std::cout);
        out.set_table_columns(
            {"id", "service", "keyworker", "age_band", "gender", "needs", "started_on", "status"});
        ServiceUserCells shown;
        reg.for_each(actor.member, *filter,
                     [&](const ServiceUser& su) { out.add_cells(shown.of(reg, su)); });
        out.finish();
        if (out.count() == 0) ctx.note("No service users match.");
    });

    register_su_records(*group, ctx);
    register_su_bulk(*group, ctx);
}

}  // namespace caseload::cli
