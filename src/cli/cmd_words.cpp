// caseload words list|add|allow|remove: the organisation's own guard words.
#include <fmt/format.h>

#include "caseload/admin.hpp"
#include "caseload/error.hpp"
#include "caseload/store.hpp"
#include "caseload/text.hpp"
#include "context.hpp"

namespace caseload::cli {

namespace {

// Guard words are matched against the letter runs of IDs: letters only.
std::string normalise_word(std::string_view raw) {
    std::string word = ascii_lower(trim(raw));
    bool ok = word.size() >= 2 && word.size() <= 32;
    for (char c : word) ok = ok && c >= 'a' && c <= 'z';
    if (!ok)
        throw Error(Exit::invalid, fmt::format("'{}' is not a guard word", printable(raw)),
                    "a guard word has 2 to 32 letters a-z, e.g. oakwood");
    return word;
}

void change_words(Context& ctx, const std::vector<std::string>& raw_words, const std::string& kind,
                  const std::string& reason) {
    Register& reg = ctx.reg();
    const Actor& actor = ctx.actor();
    require_lead(actor.member, "change the guard words");
    std::vector<std::string> words;
    for (const auto& raw : raw_words) words.push_back(normalise_word(raw));
    if (!reason.empty()) checked_text(reason, "reason", 500);
    for (const auto& w : words)
        for (const auto& existing : reg.directory().words)
            if (existing.word == w)
                throw Error(Exit::conflict,
                            fmt::format("'{}' is already a guard word ({})", w,
                                        existing.kind == "allow" ? "allowed" : existing.kind),
                            fmt::format("remove it first with 'caseload words remove {}'", w));
    WriteTransaction tx(reg.db());
    for (const auto& w : words) {
        store::insert_guard_word(reg.db(), w, kind, reason, actor.member.key, utc_timestamp());
        reg.record_event(actor, kind == "allow" ? "words.allow" : "words.add", std::nullopt,
                         reason.empty() ? fmt::format("{} ({})", w, kind)
                                        : fmt::format("{} ({}): {}", w, kind, reason));
    }
    tx.commit();
    ctx.note(fmt::format("{} {} word{}: {}.", kind == "allow" ? "Allowed" : "Added", words.size(),
                         words.size() == 1 ? "" : "s", join(words, ", ")));
}

// The guard-word object (man caseload, JSON OUTPUT): words list, add, allow, remove.
Json word_json(const GuardWord& w) {
    return Json{{"word", w.word},
                {"kind", w.kind},
                {"reason", w.reason.empty() ? Json(nullptr) : Json(w.reason)}};
}

// The stored guard words among `raw` (as typed), for --format: what words
// add and allow made, or what words remove is about to remove.
Json words_json(Context& ctx, const std::vector<std::string>& raw) {
    ctx.reg().reload();  // the words as stored now
    Json out = Json::array();
    for (const auto& r : raw)
        for (const auto& w : ctx.reg().directory().words)
            if (w.word == ascii_lower(trim(r))) out.push_back(word_json(w));
    return out;
}

void print_words(Context& ctx, const Json& words) {
    RecordWriter out(ctx.format(), {"word", "kind", "reason"}, std::cout);
    for (const auto& w : words) out.add(w);
    out.finish();
}

}  // namespace

void register_words(CLI::App& app, Context& ctx) {
    auto* group = add_command(app, "words", "The organisation's own guard words (lead)", "");

    auto* list = add_command(*group, "list", "List the organisation's guard words",
                             "  caseload words list");
    list->callback([&ctx] {
        Register& reg = ctx.reg();
        ctx.actor();
        RecordWriter out(ctx.format(), {"word", "kind", "reason"}, std::cout);
        for (const auto& w : reg.directory().words) out.add(word_json(w));
        out.finish();
    });

    struct AddArgs {
        std::vector<std::string> words;
        std::string kind;
        std::string reason;
    };
    auto add = std::make_shared<AddArgs>();
    auto* add_cmd = add_command(*group, "add",
                                "Add local names or address words that IDs must not contain",
                                "  caseload words add oakwood --kind address\n"
                                "  caseload words add bazzer --kind name --reason 'local nickname'");
    add_cmd->add_option("words", add->words, "The words")->required();
    add_cmd->add_option("--kind", add->kind, "name or address")
        ->required()
        ->check(CLI::IsMember({"name", "address"}))
        ->option_text("KIND");
    add_cmd->add_option("--reason", add->reason, "Why (kept in the audit trail)")
        ->option_text("TEXT");
    add_cmd->callback([&ctx, add] {
        change_words(ctx, add->words, add->kind, add->reason);
        if (ctx.global.format_given()) print_words(ctx, words_json(ctx, add->words));
    });

    auto allow = std::make_shared<AddArgs>();
    auto* allow_cmd = add_command(*group, "allow",
                                  "Allow words that the guard would otherwise flag (e.g. your "
                                  "prefixes)",
                                  "  caseload words allow nsh --reason 'our prefix: Northside "
                                  "Hostel'");
    allow_cmd->add_option("words", allow->words, "The words")->required();
    allow_cmd->add_option("--reason", allow->reason, "Why (required; kept in the audit trail)")
        ->required()
        ->option_text("TEXT");
    allow_cmd->callback([&ctx, allow] {
        if (trim(allow->reason).empty())
            throw Error(Exit::usage, "an allowed word needs a reason",
                        "say why with --reason TEXT; it is kept in the audit trail");
        change_words(ctx, allow->words, "allow", std::string(trim(allow->reason)));
        if (ctx.global.format_given()) print_words(ctx, words_json(ctx, allow->words));
    });

    auto remove = std::make_shared<std::vector<std::string>>();
    auto* remove_cmd = add_command(*group, "remove", "Remove guard words",
                                   "  caseload words remove oakwood");
    remove_cmd->add_option("words", *remove, "The words")->required();
    remove_cmd->callback([&ctx, remove] {
        const Json removed = ctx.global.format_given() ? words_json(ctx, *remove) : Json();
        Register& reg = ctx.reg();
        const Actor& actor = ctx.actor();
        require_lead(actor.member, "change the guard words");
        std::vector<std::string> words;
        for (const auto& raw : *remove) {
            std::string w = ascii_lower(trim(raw));
            bool found = false;
            for (const auto& existing : reg.directory().words) found = found || existing.word == w;
            if (!found)
                throw Error(Exit::not_found, fmt::format("'{}' is not a guard word", printable(raw)),
                            "see 'caseload words list'");
            words.push_back(w);
        }
        WriteTransaction tx(reg.db());
        for (const auto& w : words) {
            store::delete_guard_word(reg.db(), w);
            reg.record_event(actor, "words.remove", std::nullopt, w);
        }
        tx.commit();
        ctx.note(fmt::format("Removed {}.", join(words, ", ")));
        if (ctx.global.format_given()) print_words(ctx, removed);
    });
}

}  // namespace caseload::cli
