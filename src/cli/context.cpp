#include "context.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

#include "caseload/error.hpp"
#include "caseload/text.hpp"

namespace caseload::cli {

Format Context::format() const {
    return global.json ? Format::json : parse_format(global.format);
}

std::string Context::database_path() const {
    return resolve_database_path(global.db);
}

// Every command that opens the register says so when others may read it:
// the service users' records are the organisation's alone.
void Context::warn_open_to_others(const std::string& path) const {
    const auto loose = files_open_to_others(path);
    if (loose.empty()) return;
    warn(fmt::format("others may read the register's files: {}", join(loose, ", ")),
         fmt::format("run 'chmod o-rwx {0} {0}-wal {0}-shm' (see 'man caseload', FILES)",
                     printable(path, 200)));
}

Register& Context::reg() {
    if (!register_) {
        register_ = std::make_unique<Register>(Register::open(database_path(), global.wait));
        warn_open_to_others(database_path());
    }
    return *register_;
}

const Actor& Context::actor() {
    if (!actor_) {
        std::optional<std::string> as = global.as;
        if (!as)
            if (const char* env = std::getenv("CASELOAD_USER"); env && *env) as = env;
        actor_ = reg().resolve_actor(as);
    }
    return *actor_;
}

void Context::note(const std::string& text) const {
    // Messages quote values: escaped here too, whatever built them.
    if (!global.quiet) std::cerr << terminal_safe(text, true) << '\n';
}

void Context::warn(const std::string& text, const std::string& hint) const {
    std::cerr << "caseload: warning: " << terminal_safe(text, true) << '\n';
    if (!hint.empty()) std::cerr << "hint: " << terminal_safe(hint, true) << '\n';
}

bool Context::interactive() {
    return isatty(STDIN_FILENO) == 1 && isatty(STDERR_FILENO) == 1;
}

void Context::confirm_anonymous(const std::string& id, const std::vector<GuardFinding>& warnings,
                                bool confirmed_by_flag) {
    if (!warnings.empty()) {
        std::cerr << fmt::format("caseload: warning: '{}' may identify someone:\n", id);
        for (const auto& line : finding_lines(warnings)) std::cerr << line << '\n';
    }
    if (confirmed_by_flag) return;
    if (!interactive())
        throw Error(Exit::invalid,
                    fmt::format("confirm that '{}' is anonymous: give --confirm-anonymous", id),
                    "check that the ID holds no name, nickname, initials, address, room number, "
                    "date of birth or other identifier, then run the command again with "
                    "--confirm-anonymous");
    std::cerr << fmt::format(
        "Is '{}' anonymous: no name, nickname, initials, address, room number, date of birth "
        "or other identifier? [y/N] ",
        id);
    std::string answer;
    if (!std::getline(std::cin, answer)) answer.clear();
    answer = ascii_lower(trim(answer));
    if (answer != "y" && answer != "yes")
        throw Error(Exit::invalid,
                    fmt::format("'{}' was not confirmed as anonymous; nothing was "
                                "written",
                                id),
                    "choose another ID, or run 'caseload id new' for one that is safe");
}

CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& description,
                      const std::string& examples) {
    CLI::App* sub = parent.add_subcommand(name, description);
    if (!examples.empty()) sub->footer("\nExamples:\n" + examples);
    return sub;
}

}  // namespace caseload::cli
