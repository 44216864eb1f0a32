// caseload su add|show|list (the records and bulk commands live in their own files).
#include <fmt/format.h>

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

namespace {

// As su show and su list write it: with a date of birth, age_band is the
// band it gives today (a record holds one or the other, so this is never
// ambiguous). su export writes the stored fields, for the round trip.
Json service_user_shown(const Register& reg, const ServiceUser& su) {
    Json j = service_user_json(reg, su);
    if (j["age_band"].is_null() && su.date_of_birth)
        if (auto d = parse_date(*su.date_of_birth))
            j["age_band"] = std::string(age_band_for_age(age_on(*d, today())));
    return j;
}

}  // namespace

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
                {"created_at", su.created_at},
                {"updated_at", su.updated_at}};
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
        ctx.confirm_anonymous(valid->id, valid->warnings, add->confirm || input.generate);
        {
            WriteTransaction tx(reg.db());
            reg.insert(actor, *valid, std::nullopt);
            tx.commit();
        }
        const Service* service = reg.directory().service_by_key(valid->service_key);
        if (input.generate) std::cout << valid->id << '\n';
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
        reg.for_each(actor.member, *filter,
                     [&](const ServiceUser& su) { out.add(service_user_shown(reg, su)); });
        out.finish();
        if (out.count() == 0) ctx.note("No service users match.");
    });

    register_su_records(*group, ctx);
    register_su_bulk(*group, ctx);
}

}  // namespace caseload::cli
