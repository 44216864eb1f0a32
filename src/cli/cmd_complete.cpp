// caseload _complete: the hidden helper behind the shell completions
// (completions/caseload.bash, _caseload, caseload.fish), so that values come
// from the program and the register and never drift.
//
//   caseload [--db PATH] [--as USER] _complete commands
//       every command path with its options, one a line:
//       "caseload su add<TAB>--generate --service ..." (the first line is the
//       program itself with the global options). The docs test reads this.
//   caseload [--db PATH] [--as USER] _complete values KIND [PREFIX] [CONTEXT...]
//       the values of KIND that start with PREFIX (ignoring case), one a line:
//         staff [--inactive]            usernames (active ones; or deactivated)
//         keyworker [--service S|--su ID]  active workers (of that service)
//         service, star, word           codes of the register
//         gender, ethnicity, age-band   the drop-down values
//         need [--service S|--su ID] [--held|--not-held]
//                                       needs of that Star (or of every Star
//                                       in use); PREFIX may be a list a,b,c
//         dimension                     report dimensions; PREFIX may be a list
//         id [--status active|left] [--for show|allocate|erase]
//                                       IDs the actor may see, at most 50,
//                                       through the index
//
// It never fails noisily: on any error (no register, not a staff member, a
// bad argument) it prints nothing and exits 0, so a TAB never spills an error
// into the middle of a command line.
#include <algorithm>
#include <iostream>
#include <set>

#include "caseload/id.hpp"
#include "caseload/options.hpp"
#include "caseload/report.hpp"
#include "caseload/store.hpp"
#include "caseload/text.hpp"
#include "command_table.hpp"
#include "context.hpp"

namespace caseload::cli {

namespace {

// At most this many IDs are offered (spec: completion stays fast on a large register).
constexpr std::size_t kMaxIds = 50;
// Completion must never hang on a busy register.
constexpr double kCompletionWait = 0.5;

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    if (prefix.size() > text.size()) return false;
    return ascii_lower(text.substr(0, prefix.size())) == ascii_lower(prefix);
}

// ---- commands -------------------------------------------------------------

std::string option_names(const CLI::App& app, bool with_help) {
    std::vector<std::string> names;
    const CLI::Option* help = app.get_help_ptr();
    for (const CLI::Option* opt : app.get_options()) {
        if (opt->get_lnames().empty() && opt->get_snames().empty()) continue;  // positional
        if (!with_help && (opt == help || opt == app.get_help_all_ptr())) continue;
        for (const auto& s : opt->get_snames()) names.push_back("-" + s);
        for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    }
    return join(names, " ");
}

void list_commands(const CLI::App& app, const std::string& path) {
    for (const CLI::App* sub : app.get_subcommands({})) {
        if (sub->get_group().empty()) continue;  // hidden, like this helper
        const std::string sub_path = path + " " + sub->get_name();
        std::cout << sub_path << '\t' << option_names(*sub, false) << '\n';
        list_commands(*sub, sub_path);
    }
}

void print_commands(const CLI::App& root, Context& ctx) {
    std::cout << "caseload\t" << option_names(root, true) << '\n';
    // Only this helper's group was built for this run: build the whole tree.
    CLI::App full{"caseload", "caseload"};
    for (const auto& entry : kCommandGroups)
        if (std::string_view(entry.name) != "_complete") entry.add(full, ctx);
    list_commands(full, "caseload");
}

// ---- values ---------------------------------------------------------------

struct ValueArgs {
    std::string kind;
    std::string prefix;
    std::optional<std::string> service, su, status, action;
    bool held = false, not_held = false, inactive = false;
};

// Splits "a,b,c" into the part before the last comma ("a,b,") and the word
// being typed ("c"), for options that take a comma-separated list.
std::pair<std::string, std::string> split_list_prefix(const std::string& prefix) {
    auto comma = prefix.rfind(',');
    if (comma == std::string::npos) return {"", prefix};
    return {prefix.substr(0, comma + 1), prefix.substr(comma + 1)};
}

void print_matching(const std::vector<std::string>& values, const std::string& prefix,
                    bool list = false) {
    auto [head, word] =
        list ? split_list_prefix(prefix) : std::pair<std::string, std::string>{"", prefix};
    std::set<std::string> given;
    for (const auto& part : split(head, ','))
        if (!part.empty()) given.insert(ascii_lower(part));
    for (const auto& v : values)
        if (starts_with_nocase(v, word) && !given.count(ascii_lower(v)))
            std::cout << head << v << '\n';
}

const Service* context_service(Context& ctx, const ValueArgs& a) {
    Register& reg = ctx.reg();
    if (a.service) return reg.directory().service_by_code(*a.service);
    if (a.su) {
        auto su = reg.find(*a.su);
        if (!su || !may_see(ctx.actor().member, su->service_key, su->keyworker_key)) return nullptr;
        return reg.directory().service_by_key(su->service_key);
    }
    return nullptr;
}

void values_staff(Context& ctx, const ValueArgs& a) {
    Register& reg = ctx.reg();
    ctx.actor();  // only staff members get names
    std::vector<std::string> names;
    for (const auto& m : reg.directory().staff)
        if (m.active != a.inactive) names.push_back(m.username);
    print_matching(names, a.prefix);
}

void values_keyworker(Context& ctx, const ValueArgs& a) {
    Register& reg = ctx.reg();
    ctx.actor();
    const Directory& dir = reg.directory();
    std::vector<std::string> names;
    if (a.service || a.su) {
        const Service* s = context_service(ctx, a);
        if (!s) return;
        names = dir.workers_of(s->key);
    } else {
        for (const auto& m : dir.staff) {
            if (!m.active) continue;
            bool worker = false;
            for (const auto& [key, role] : m.roles) worker = worker || role.worker;
            if (worker) names.push_back(m.username);
        }
    }
    std::sort(names.begin(), names.end());
    print_matching(names, a.prefix);
}

void values_need(Context& ctx, const ValueArgs& a) {
    Register& reg = ctx.reg();
    const Actor& actor = ctx.actor();
    const Directory& dir = reg.directory();
    std::vector<std::string> codes;
    if (a.service || a.su) {
        const Service* s = context_service(ctx, a);
        if (!s) return;
        const StoredStar* star = dir.star_by_key(s->star_key);
        if (!star) return;
        std::set<std::string> held;
        if (a.su && (a.held || a.not_held)) {
            auto su = reg.find(*a.su);
            if (!su || !may_see(actor.member, su->service_key, su->keyworker_key)) return;
            held.insert(su->needs.begin(), su->needs.end());
        }
        for (const auto& need : star->star.needs) {
            bool has = held.count(need.code) > 0;
            if (a.held && !has) continue;
            if (a.not_held && has) continue;
            codes.push_back(need.code);
        }
    } else {
        // Every need of every Star a service uses (the --need filters).
        std::set<std::string> seen;
        for (const auto& s : dir.services)
            if (const StoredStar* star = dir.star_by_key(s.star_key))
                for (const auto& need : star->star.needs)
                    if (seen.insert(need.code).second) codes.push_back(need.code);
        std::sort(codes.begin(), codes.end());
    }
    print_matching(codes, a.prefix, true);
}

// The lowercase prefix and the first string after every string that starts
// with it: [low, high) in NOCASE order. Empty when no ID can start with it.
std::optional<std::pair<std::string, std::string>> id_range(std::string_view prefix) {
    std::string low = ascii_lower(prefix);
    for (char c : low) {
        bool ok =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!ok) return std::nullopt;
    }
    if (low.size() > kIdMaxLength) return std::nullopt;
    std::string high = low;
    if (!high.empty()) high.back() = static_cast<char>(high.back() + 1);  // stays ASCII
    return std::pair{low, high};
}

// The IDs the actor may see that start with the prefix, at most kMaxIds
// (with more, only the prefix all of them share: see below), found through
// the indexes by the store (store::find_ids_with_prefix).
void values_id(Context& ctx, const ValueArgs& a) {
    SuAction action = SuAction::show;
    if (a.action == std::optional<std::string>("allocate")) action = SuAction::allocate;
    if (a.action == std::optional<std::string>("erase")) action = SuAction::erase;
    auto range = id_range(trim(a.prefix));
    if (!range) return;
    Register& reg = ctx.reg();
    const StaffMember& me = ctx.actor().member;
    if (action == SuAction::erase && !me.lead) return;  // leads only
    store::IdStatus status = store::IdStatus::any;
    if (a.status == std::optional<std::string>("active")) status = store::IdStatus::active;
    if (a.status == std::optional<std::string>("left")) status = store::IdStatus::left;

    // Up to one more than the limit: more than kMaxIds means "too many";
    // then `last` is the last match of all, in NOCASE order.
    auto [out, last] = store::find_ids_with_prefix(reg.db(), reg.directory(), me, action, status,
                                                   range->first, range->second, kMaxIds);
    std::sort(out.begin(), out.end(), [](const std::string& x, const std::string& y) {
        return ascii_lower(x) < ascii_lower(y);
    });
    if (out.empty()) return;
    if (out.size() <= kMaxIds) {
        for (const auto& id : out) std::cout << id << '\n';
        return;
    }
    // Too many to offer: only what every match shares, so that a shell
    // never completes to a prefix the matches beyond the limit lack; and
    // nothing when that is no more than was typed.
    const std::string& first = out.front();
    const std::string& end = last ? *last : out.back();
    std::size_t n = 0;
    while (n < first.size() && n < end.size() &&
           ascii_lower(first.substr(n, 1)) == ascii_lower(end.substr(n, 1)))
        ++n;
    if (n > trim(a.prefix).size()) std::cout << first.substr(0, n) << '\n';
}

std::vector<std::string> option_codes(const OptionList& list) {
    std::vector<std::string> codes;
    for (const auto& o : list.values) codes.emplace_back(o.code);
    return codes;
}

void print_values(Context& ctx, const ValueArgs& a) {
    const std::string& k = a.kind;
    if (k == "gender") return print_matching(option_codes(gender_options()), a.prefix);
    if (k == "ethnicity") return print_matching(option_codes(ethnicity_options()), a.prefix);
    if (k == "age-band") return print_matching(option_codes(age_band_options()), a.prefix);
    if (k == "dimension") {
        std::vector<std::string> names;
        for (Dimension d : all_dimensions()) names.emplace_back(dimension_name(d));
        return print_matching(names, a.prefix, true);
    }
    if (k == "staff") return values_staff(ctx, a);
    if (k == "keyworker") return values_keyworker(ctx, a);
    if (k == "need") return values_need(ctx, a);
    if (k == "id") return values_id(ctx, a);
    Register& reg = ctx.reg();
    ctx.actor();
    std::vector<std::string> codes;
    if (k == "service")
        for (const auto& s : reg.directory().services) codes.push_back(s.code);
    if (k == "star")
        for (const auto& s : reg.directory().stars) codes.push_back(s.star.code);
    if (k == "word")
        for (const auto& w : reg.directory().words) codes.push_back(w.word);
    std::sort(codes.begin(), codes.end());
    print_matching(codes, a.prefix);
}

// Parses "KIND [PREFIX] [--service S] [--su ID] ..." by hand, so that no
// argument can make the helper print a usage error.
std::optional<ValueArgs> parse_value_args(const std::vector<std::string>& args, Context& ctx) {
    ValueArgs a;
    std::vector<std::string> positional;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto value = [&]() -> std::optional<std::string> {
            if (i + 1 >= args.size()) return std::nullopt;
            return args[++i];
        };
        if (arg == "--service")
            a.service = value();
        else if (arg == "--su")
            a.su = value();
        else if (arg == "--status")
            a.status = value();
        else if (arg == "--for")
            a.action = value();
        else if (arg == "--db")
            ctx.global.db = value();
        else if (arg == "--as")
            ctx.global.as = value();
        else if (arg == "--held")
            a.held = true;
        else if (arg == "--not-held")
            a.not_held = true;
        else if (arg == "--inactive")
            a.inactive = true;
        else if (arg == "--") {
            positional.insert(positional.end(), args.begin() + static_cast<long>(i) + 1,
                              args.end());
            break;
        } else
            positional.push_back(arg);
    }
    if (positional.empty() || positional.size() > 2) return std::nullopt;
    a.kind = positional[0];
    if (positional.size() == 2) a.prefix = positional[1];
    // An empty context value means "not given" (a script passing what it found).
    for (auto* opt : {&a.service, &a.su, &a.status, &a.action})
        if (*opt && trim(**opt).empty()) opt->reset();
    return a;
}

void run_complete(const CLI::App& root, Context& ctx, std::vector<std::string> args) {
    if (args.empty()) return;
    std::string what = args.front();
    args.erase(args.begin());
    if (what == "commands") return print_commands(root, ctx);
    if (what != "values") return;
    auto parsed = parse_value_args(args, ctx);
    if (!parsed) return;
    ctx.global.wait = std::min(ctx.global.wait, kCompletionWait);
    print_values(ctx, *parsed);
}

}  // namespace

void register_complete(CLI::App& app, Context& ctx) {
    CLI::App* cmd = app.add_subcommand("_complete", "Values for the shell completions (internal)");
    cmd->group("");           // hidden from help and from "did you mean"
    cmd->set_help_flag();     // --help is a value to complete, not a request for help
    cmd->prefix_command();    // every argument after _complete is the helper's,
    cmd->fallthrough(false);  // not the program's (CLI11 would pass them up)
    cmd->callback([&app, &ctx, cmd] {
        try {
            run_complete(app, ctx, cmd->remaining());
        } catch (...) {
            // Never noisy: a TAB must not print errors into the command line.
        }
        std::cout.flush();
    });
}

}  // namespace caseload::cli
