// The caseload command line: global options, the command table, and the
// mapping of every failure to the exit codes of spec §5.
#include <fmt/format.h>

#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "caseload/cli.hpp"
#include "caseload/error.hpp"
#include "caseload/text.hpp"
#include "command_table.hpp"
#include "context.hpp"

namespace caseload::cli {

namespace {

void print_error(const Error& e) {
    // An empty message: the command has already said everything (id check).
    if (std::string_view(e.what()).empty()) return;
    // Values in messages are quoted with printable(); escaped here as well,
    // so that no path can put a control character on the terminal.
    std::cerr << "caseload: error: " << terminal_safe(e.what(), true) << '\n';
    for (const auto& line : e.details()) std::cerr << terminal_safe(line, true) << '\n';
    if (!e.hint().empty()) std::cerr << "hint: " << terminal_safe(e.hint(), true) << '\n';
}

// The deepest subcommand the parser entered.
CLI::App* deepest(CLI::App* app) {
    for (CLI::App* sub : app->get_subcommands()) return deepest(sub);
    return app;
}

std::string command_path(const CLI::App* app) {
    std::string path;
    for (const CLI::App* a = app; a && a->get_parent(); a = a->get_parent())
        path = a->get_name() + (path.empty() ? "" : " " + path);
    return path.empty() ? "caseload" : "caseload " + path;
}

std::vector<std::string> subcommand_names(const CLI::App* app) {
    std::vector<std::string> names;
    for (const CLI::App* sub : app->get_subcommands({})) {
        if (!sub->get_group().empty()) names.push_back(sub->get_name());
    }
    return names;
}

// The long options a command takes: its own and those of the commands above
// it (the global options fall through), as "--name".
std::vector<std::string> long_options(const CLI::App* at) {
    std::vector<std::string> names;
    for (; at; at = at->get_parent())
        for (const CLI::Option* opt : at->get_options())
            for (const auto& name : opt->get_lnames()) names.push_back("--" + name);
    return names;
}

// The command a mistyped or misremembered word most likely means: a near
// spelling, else the word other tools use for it (git's and shadow-utils'
// habits: delete, rm, ls, new, ...), else the nearest within half the word.
std::vector<std::string> nearest_command(const std::string& word,
                                         const std::vector<std::string>& names) {
    auto close = nearest(word, names, 2, 1);
    if (!close.empty()) return close;
    static const std::pair<std::string_view, std::vector<std::string_view>> kSynonyms[] = {
        {"delete", {"deactivate", "erase", "remove", "revoke"}},
        {"del", {"deactivate", "erase", "remove", "revoke"}},
        {"rm", {"deactivate", "erase", "remove", "revoke"}},
        {"remove", {"deactivate", "erase", "revoke"}},
        {"disable", {"deactivate"}},
        {"enable", {"activate"}},
        {"create", {"add", "new", "init"}},
        {"new", {"add"}},
        {"ls", {"list"}},
        {"get", {"show"}},
        {"view", {"show"}},
        {"info", {"show"}},
        {"mv", {"rename"}},
        {"move", {"allocate", "rename"}},
        {"assign", {"allocate"}},
        {"update", {"edit"}},
        {"modify", {"edit"}},
        {"set", {"edit"}},
        {"restore", {"return"}},
        {"reactivate", {"activate", "return"}},
    };
    const std::string lower = ascii_lower(word);
    for (const auto& [synonym, meanings] : kSynonyms) {
        if (lower != synonym) continue;
        for (auto meaning : meanings)
            for (const auto& name : names)
                if (name == meaning) return {name};
    }
    return nearest(word, names, std::max<std::size_t>(3, word.size() / 2), 1);
}

// A usage error in our words, with "did you mean" for a mistyped command or
// option.
Error usage_error(CLI::App& app, const CLI::ParseError& e) {
    CLI::App* at = deepest(&app);
    std::string where = command_path(at);
    auto names = subcommand_names(at);
    if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
        // CLI11 keeps the unexpected arguments: an option near one this
        // command takes, or a word near a command name, is a typo.
        const auto remaining = app.remaining(true);
        for (const auto& word : remaining) {
            if (!word.starts_with("--")) continue;
            const std::string name = word.substr(0, word.find('='));
            auto close = nearest(name, long_options(at), 2, 1);
            return Error(
                Exit::usage, fmt::format("'{}' is not an option of {}", printable(name), where),
                close.empty()
                    ? fmt::format("see '{} --help'", where)
                    : fmt::format("did you mean '{}'? see '{} --help'", close.front(), where));
        }
        for (const auto& word : remaining) {
            if (names.empty() || word.starts_with("-")) continue;
            auto close = nearest_command(word, names);
            if (close.empty()) continue;
            return Error(Exit::usage,
                         fmt::format("'{}' is not a command of {}", printable(word), where),
                         fmt::format("did you mean '{} {}'?", where, close.front()));
        }
        if (!names.empty())
            return Error(Exit::usage, e.what(),
                         fmt::format("commands of {}: {}", where, join(names, ", ")));
    }
    if (dynamic_cast<const CLI::RequiredError*>(&e)) {
        // A missing positional: CLI11 says "ids is required"; say what it is.
        for (const CLI::Option* opt : at->get_options())
            if (!opt->nonpositional() && opt->count() == 0 && opt->get_required())
                return Error(Exit::usage,
                             fmt::format("{} needs {}: {}", where, ascii_upper(opt->get_name()),
                                         opt->get_description()),
                             fmt::format("see '{} --help'", where));
    }
    std::string message = e.what();
    return Error(Exit::usage, message, fmt::format("see '{} --help'", where));
}

void require_leaf(CLI::App* group) {
    // A command group given alone names its commands.
    group->callback([group] {
        if (!group->get_subcommands().empty()) return;
        std::vector<std::string> names;
        for (const CLI::App* sub : group->get_subcommands({}))
            if (!sub->get_group().empty()) names.push_back(sub->get_name());
        throw Error(Exit::usage,
                    fmt::format("'{}' needs a command: {}", command_path(group), join(names, ", ")),
                    fmt::format("see '{} --help'", command_path(group)));
    });
}

// The first word that is not a global option or its value: the command group.
std::string command_word(int argc, char** argv) {
    static constexpr std::string_view kTakesValue[] = {"--db", "--as", "--format", "--wait"};
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") return i + 1 < argc ? argv[i + 1] : "";
        if (arg.empty() || arg.front() != '-') return std::string(arg);
        for (auto option : kTakesValue)
            if (arg == option) ++i;
    }
    return "";
}

// caseload help [COMMAND...], as git help: the man page of the command's
// group (caseload-su(1), ...), else its --help. Exit 0.
int show_help(int argc, char** argv, int at) {
    std::vector<std::string> words;
    for (int i = at + 1; i < argc; ++i)
        if (argv[i][0] != '-') words.emplace_back(argv[i]);
    std::string page = "caseload";
    bool known = words.empty();
    for (const auto& entry : kCommandGroups)
        if (!words.empty() && words.front() == entry.name && entry.name[0] != '_') known = true;
    if (!known) {
        std::vector<std::string> names;
        for (const auto& entry : kCommandGroups)
            if (entry.name[0] != '_') names.emplace_back(entry.name);
        auto close = nearest_command(words.front(), names);
        print_error(Error(
            Exit::usage, fmt::format("'{}' is not a command of caseload", printable(words.front())),
            close.empty() ? fmt::format("commands: {}", join(names, ", "))
                          : fmt::format("did you mean 'caseload help {}'?", close.front())));
        return static_cast<int>(Exit::usage);
    }
    if (!words.empty()) page += "-" + words.front();
    if (known && std::getenv("CASELOAD_NO_MAN") == nullptr && isatty(STDOUT_FILENO) == 1) {
        const std::string quiet = "man -w " + page + " >/dev/null 2>&1";
        if (std::system(quiet.c_str()) == 0) {
            const std::string show = "man " + page;
            if (std::system(show.c_str()) == 0) return 0;
        }
    }
    // No man page here (or not a terminal): the built-in help of that command.
    std::vector<std::string> args{argv[0]};
    for (int i = 1; i < at; ++i) args.emplace_back(argv[i]);  // global options
    args.insert(args.end(), words.begin(), words.end());
    args.emplace_back("--help");
    std::vector<char*> pointers;
    for (auto& a : args) pointers.push_back(a.data());
    pointers.push_back(nullptr);
    return run(static_cast<int>(args.size()), pointers.data());
}

// --wait: a number of seconds from 0 to 86400. CLI11's Range lets NaN
// through (no comparison with it is true).
CLI::Validator wait_seconds_check() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            double value = 0;
            std::size_t used = 0;
            try {
                value = std::stod(text, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used == 0 || used != text.size() || !std::isfinite(value) || value < 0 ||
                value > 86400)
                return fmt::format("--wait '{}' is not a number of seconds from 0 to 86400",
                                   printable(text));
            return {};
        },
        "SECONDS");
}

}  // namespace

int run(int argc, char** argv) {
    // A closed pipe is a write error (EPIPE) that the command reports, not a
    // silent death: a generated ID that could not be printed is not committed.
    std::signal(SIGPIPE, SIG_IGN);
    Context ctx;
    CLI::App app{"caseload keeps the register of service users under anonymous IDs.", "caseload"};
    app.set_version_flag("--version", std::string("caseload ") + CASELOAD_VERSION);
    app.fallthrough();  // global options work before and after the command
    app.require_subcommand(0, 1);
    app.footer(
        "\nRun 'caseload COMMAND --help' for a command's options, and 'man caseload' for the "
        "whole story.\nExit status: 0 ok, 1 failure, 2 usage, 3 invalid or refused data, 4 not "
        "found,\n5 conflict, 6 permission denied, 7 database busy, 8 import partly done.");
    auto& g = ctx.global;
    app.add_option("--db", g.db,
                   "The register file (default: $CASELOAD_DB, else "
                   "$XDG_DATA_HOME/caseload/caseload.db)")
        ->option_text("PATH");
    app.add_option("--as", g.as, "Act as another staff member (leads only; or CASELOAD_USER)")
        ->option_text("USERNAME");
    app.add_option("--format", g.format,
                   "Output format: table, json, jsonl, csv or tsv (report: also html, md)")
        ->option_text("FORMAT")
        ->each([&g](const std::string&) { g.format_set = true; })
        ->check(CLI::IsMember({"table", "json", "jsonl", "csv", "tsv", "html", "md"}));
    app.add_flag("--json", g.json, "Same as --format json");
    app.add_option("--wait", g.wait,
                   "Seconds to wait for a busy register before exit 7 (default 5)")
        ->option_text("SECONDS")
        ->check(wait_seconds_check());
    app.add_flag("-q,--quiet", g.quiet, "Print only data and errors");
    app.add_flag_callback(
        "--no-header", [] { set_headers(false); },
        "Tables, csv and tsv without their heading line");
    app.add_flag_callback(
        "--utc", [] { set_utc(true); }, "Show times in UTC (default: local time, with its offset)");

    // Building every command's options costs more than a lookup itself, so
    // only the group named on the command line is built; all of them when
    // none is named (help, a typo, completion).
    std::string group = command_word(argc, argv);
    if (group == "help")
        for (int i = 1; i < argc; ++i)
            if (std::string_view(argv[i]) == "help") return show_help(argc, argv, i);
    bool known = false;
    for (const auto& entry : kCommandGroups) known = known || group == entry.name;
    for (const auto& entry : kCommandGroups)
        if (!known || group == entry.name) entry.add(app, ctx);
    for (CLI::App* group : app.get_subcommands({}))
        if (!group->get_subcommands({}).empty()) require_leaf(group);

    std::string db_path;
    try {
        try {
            app.parse(argc, argv);
        } catch (const CLI::CallForHelp& e) {
            return app.exit(e);
        } catch (const CLI::CallForAllHelp& e) {
            return app.exit(e);
        } catch (const CLI::CallForVersion& e) {
            return app.exit(e);
        } catch (const CLI::ParseError& e) {
            // CLI11's own codes (105-127) all become our usage code 2.
            throw usage_error(app, e);
        }
        if (app.get_subcommands().empty()) std::cout << app.help();
        check_stdout();
        return 0;
    } catch (const Error& e) {
        print_error(e);
        return static_cast<int>(e.code());
    } catch (const std::bad_alloc&) {
        std::cerr << "caseload: error: out of memory\n";
        return 1;
    } catch (const std::exception& e) {
        // A failure of the store (busy, denied, full, damaged), in the terms
        // of spec §5.
        if (auto mapped = storage_failure(e, ctx.database_path(), g.wait)) {
            print_error(*mapped);
            return static_cast<int>(mapped->code());
        }
        std::cerr << "caseload: error: unexpected failure: " << printable(e.what(), 500) << '\n'
                  << "hint: this is a bug; please report it with the command you ran\n";
        return 1;
    }
    return 1;
}

}  // namespace caseload::cli
