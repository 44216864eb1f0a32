#include "context.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

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

namespace {

// errno of a failed write or flush of stdout (EPIPE, ENOSPC, ...), or 0.
int stdout_error() {
    errno = 0;
    std::cout.flush();
    const bool stream_failed = !std::cout;
    const int flushed = std::fflush(stdout);
    if (!stream_failed && flushed == 0 && !std::ferror(stdout)) return 0;
    return errno ? errno : EIO;
}

}  // namespace

void write_stdout(std::string_view text, const std::string& what, const std::string& consequence) {
    std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (const int e = stdout_error())
        throw Error(Exit::failure,
                    fmt::format("could not write {} to standard output: {}{}", what,
                                std::strerror(e), consequence),
                    "check where the output goes (a full disk, a closed pipe) and run the "
                    "command again");
}

void check_stdout() {
    if (const int e = stdout_error()) {
        std::cout.clear();
        std::clearerr(stdout);
        throw Error(Exit::failure,
                    fmt::format("could not write to standard output: {}", std::strerror(e)),
                    "the output is incomplete; check where it goes (a full disk, a closed pipe)");
    }
}

void append_synced(const std::string& path, std::string_view text, const std::string& consequence) {
    auto fail = [&](int e) {
        throw Error(Exit::failure,
                    fmt::format("could not write the new IDs to {}: {}{}", printable(path, 200),
                                std::strerror(e), consequence),
                    "choose a file on a disk with space that you may write to");
    };
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) fail(errno);
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int e = n < 0 ? errno : EIO;
            ::close(fd);
            fail(e);
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::fsync(fd) != 0) {
        const int e = errno;
        ::close(fd);
        fail(e);
    }
    if (::close(fd) != 0) fail(errno);
}

CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& description,
                      const std::string& examples) {
    CLI::App* sub = parent.add_subcommand(name, description);
    if (!examples.empty()) sub->footer("\nExamples:\n" + examples);
    return sub;
}

}  // namespace caseload::cli
