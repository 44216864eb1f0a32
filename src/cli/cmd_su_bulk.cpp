// caseload su import|export (spec §6): the engine is in the core
// (caseload/import.hpp); this file maps options, terminal and exit codes.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <sstream>

#include "caseload/csv.hpp"
#include "caseload/error.hpp"
#include "caseload/import.hpp"
#include "caseload/text.hpp"
#include "context.hpp"

namespace caseload::cli {

namespace {

struct ImportArgs {
    std::string file;
    std::string input_format;
    bool dry_run = false;
    bool force = false;
    std::optional<std::string> ids_to;
    std::string on_error = "abort";
    std::optional<std::string> rejects;
    bool skip_existing = false;
    bool generate_ids = false;
    bool confirm = false;
};

// Closes the input file on every way out.
struct InputFile {
    int fd = -1;
    bool owned = false;
    ~InputFile() {
        if (owned && fd >= 0) ::close(fd);
    }
};

std::string count(std::uint64_t n) {
    return with_thousands(static_cast<long long>(n));
}

std::string duration(double seconds) {
    if (seconds < 10) return fmt::format("{:.1f} s", seconds);
    if (seconds < 120) return fmt::format("{:.0f} s", seconds);
    return fmt::format("{}:{:02} min", static_cast<long>(seconds) / 60,
                       static_cast<long>(seconds) % 60);
}

// The progress line: rows, rows/s, ETA; redrawn in place on a terminal.
class ProgressLine {
  public:
    void show(const ImportProgress& p) {
        const double rate = p.seconds > 0 ? static_cast<double>(p.rows) / p.seconds : 0;
        std::string text;
        std::optional<double> eta;
        if (p.phase == ImportProgress::Phase::checking) {
            text = fmt::format("checking: {} rows", count(p.rows));
            if (p.total_bytes > 0 && p.bytes > 0 && p.bytes <= p.total_bytes)
                eta = p.seconds * static_cast<double>(p.total_bytes - p.bytes) /
                      static_cast<double>(p.bytes);
        } else {
            text = fmt::format("writing: {} of {} rows", count(p.rows), count(p.total_rows));
            if (rate > 0) eta = static_cast<double>(p.total_rows - p.rows) / rate;
        }
        text += fmt::format(", {} rows/s", count(static_cast<std::uint64_t>(rate)));
        if (eta) text += fmt::format(", ETA {}", duration(*eta));
        std::cerr << "\r\x1b[K" << text << std::flush;
        shown_ = true;
    }
    void clear() {
        if (shown_) std::cerr << "\r\x1b[K" << std::flush;
        shown_ = false;
    }

  private:
    bool shown_ = false;
};

// Text written a piece at a time (there may be millions of generated IDs):
// `write` is called with every 1 MB and with the rest at the end.
class ChunkedText {
  public:
    explicit ChunkedText(std::function<void(std::string_view)> write) : write_(std::move(write)) {}
    std::string& text() { return text_; }
    void maybe_flush() {
        if (text_.size() >= (1u << 20)) flush();
    }
    void flush() {
        if (!text_.empty()) write_(text_);
        text_.clear();
    }

  private:
    std::function<void(std::string_view)> write_;
    std::string text_;
};

void for_each_generated(const ImportSummary& s, const std::function<void(const GeneratedId&)>& fn) {
    if (s.generated_ids) s.generated_ids->for_each(fn);
}

// The generated-ID map as people read it: "line N -> ID", or with the row's
// ref "line N (ref R) -> ID"; --ids-to appends the same lines.
void write_generated_lines(const ImportSummary& s, ChunkedText& out) {
    for_each_generated(s, [&](const GeneratedId& g) {
        out.text() += g.ref.empty() ? fmt::format("line {} -> {}\n", g.line, g.id)
                                    : fmt::format("line {} (ref {}) -> {}\n", g.line, g.ref, g.id);
        out.maybe_flush();
    });
    out.flush();
}

Json generated_json(const GeneratedId& g) {
    return Json{
        {"line", g.line}, {"ref", g.ref.empty() ? Json(nullptr) : Json(g.ref)}, {"id", g.id}};
}

// What an import prints on stdout: in json and jsonl one summary object
// (man caseload, JSON OUTPUT); in csv and tsv the generated-ID map with a
// header (when IDs were generated); in table form the map's lines. Written
// through `write` a piece at a time.
void write_import_output(Format format, const ImportOptions& options, const ImportSummary& s,
                         bool committed, const std::function<void(std::string_view)>& write) {
    ChunkedText out(write);
    switch (format) {
        case Format::json:
        case Format::jsonl: {
            // The object with an empty "generated" array, which is then
            // filled in place one ID at a time.
            Json j{{"file", options.source_name},
                   {"dry_run", options.dry_run},
                   {"committed", committed},
                   {"rows", s.rows},
                   {"added", s.added},
                   {"skipped", s.skipped},
                   {"rejected", s.rejected},
                   {"seconds", std::round(s.seconds * 1000) / 1000},
                   {"rejects", s.rejected > 0 && options.rejects_path ? Json(*options.rejects_path)
                                                                      : Json(nullptr)},
                   {"generated", Json::array()}};
            std::ostringstream whole;
            write_single(format, j, whole);
            const std::string text = whole.str();
            const std::string empty =
                "\"generated\":" + std::string(format == Format::json ? " " : "") + "[]";
            const std::size_t at = text.rfind(empty);
            if (!s.generated_ids || at == std::string::npos) {
                write(text);
                return;
            }
            const std::size_t open = at + empty.size() - 1;  // just after '['
            out.text().assign(text, 0, open);
            bool first = true;
            for_each_generated(s, [&](const GeneratedId& g) {
                std::ostringstream one;
                write_single(format, generated_json(g), one);
                std::string item = one.str();
                item.pop_back();  // its line break
                out.text() += first ? "" : ",";
                first = false;
                if (format == Format::json) {
                    out.text() += "\n    ";
                    for (char ch : item) {
                        out.text() += ch;
                        if (ch == '\n') out.text() += "    ";
                    }
                } else {
                    out.text() += item;
                }
                out.maybe_flush();
            });
            if (format == Format::json && !first) out.text() += "\n  ";
            out.text().append(text, open, std::string::npos);
            out.flush();
            break;
        }
        case Format::csv:
        case Format::tsv: {
            if (!s.generated_ids) break;
            std::ostringstream text;
            RecordWriter writer(format, {"line", "ref", "id"}, text);
            for_each_generated(s, [&](const GeneratedId& g) {
                writer.add(generated_json(g));
                if (text.tellp() >= (1 << 20)) {
                    write(text.str());
                    text.str("");
                }
            });
            writer.finish();
            write(text.str());
            break;
        }
        case Format::table:
            write_generated_lines(s, out);
            break;
    }
}

// The import's options from the command line.
ImportOptions import_options(const ImportArgs& args) {
    ImportOptions options;
    const bool from_stdin = args.file == "-";
    // --input-format says what the file holds; the global --format what is printed.
    if (args.input_format.empty())
        options.format = from_stdin ? ImportFormat::csv : import_format_for(args.file);
    else
        options.format = args.input_format == "jsonl" ? ImportFormat::jsonl : ImportFormat::csv;
    options.source_name =
        from_stdin ? "stdin" : std::filesystem::path(args.file).filename().string();
    options.dry_run = args.dry_run;
    options.on_error = args.on_error == "skip" ? OnError::skip : OnError::abort;
    options.skip_existing = args.skip_existing;
    options.generate_ids = args.generate_ids;
    options.confirm_anonymous = args.confirm;
    options.rejects_path = args.rejects;
    options.overwrite_rejects = args.force;
    options.input_path = args.file;
    return options;
}

// Opens the file to import (or takes standard input); its size, 0 when unknown.
std::uint64_t open_import_input(const ImportArgs& args, InputFile& input) {
    const bool from_stdin = args.file == "-";
    std::uint64_t size = 0;
    if (from_stdin) {
        input.fd = STDIN_FILENO;
    } else {
        input.fd = ::open(args.file.c_str(), O_RDONLY | O_CLOEXEC);
        if (input.fd < 0) {
            const int e = errno;
            throw Error(
                e == ENOENT   ? Exit::not_found
                : e == EACCES ? Exit::denied
                              : Exit::failure,
                fmt::format("cannot open {}: {}", printable(args.file, 200), std::strerror(e)),
                e == ENOENT ? "check the path; give - to read from standard input"
                            : "check that you may read the file");
        }
        input.owned = true;
    }
    struct stat st {};
    if (::fstat(input.fd, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            throw Error(Exit::usage, fmt::format("{} is a directory", printable(args.file, 200)),
                        "give the file to import, or - for standard input");
        if (S_ISREG(st.st_mode)) size = static_cast<std::uint64_t>(st.st_size);
    }
    return size;
}

// What happened, for people (stderr): problems not shown, the counts, the files.
void tell_import_outcome(Context& ctx, const ImportArgs& args, const ImportOptions& options,
                         const ImportSummary& s) {
    if (s.problems > s.problems_shown)
        std::cerr << fmt::format(
            "... and {} more problem{} not shown{}\n", count(s.problems - s.problems_shown),
            s.problems - s.problems_shown == 1 ? "" : "s",
            args.rejects ? fmt::format(" (every bad row is in {})", printable(*args.rejects, 200))
                         : " (--rejects FILE writes every bad row to a file)");

    const std::string name = printable(options.source_name, 200);
    const std::string counts =
        fmt::format("{} {}, {} skipped, {} rejected in {}", count(s.added),
                    args.dry_run ? "would be added" : "added", count(s.skipped), count(s.rejected),
                    duration(s.seconds));
    if (args.dry_run)
        ctx.note(fmt::format("Dry run of {}: {}; nothing was written.", name, counts));
    else if (s.committed)
        ctx.note(fmt::format("Imported {}: {}.", name, counts));
    else
        ctx.note(fmt::format("{}: {}; nothing was written.", name, counts));
    if (s.rejects_written)
        ctx.note(fmt::format("The rejected rows are in {}.", printable(*args.rejects, 200)));
    else if (args.rejects)
        ctx.note(fmt::format("No row was rejected, so no rejects file was written ({}).",
                             printable(*args.rejects, 200)));
    if (s.generated > 0) {
        if (args.dry_run)
            ctx.note(fmt::format("{} ID{} would be generated; a real import prints them.",
                                 count(s.generated), s.generated == 1 ? "" : "s"));
        else if (s.committed)
            ctx.note("Write the generated IDs on your locked list now.");
    }
}

// The import's exit: refused (nothing written) or partly done.
void exit_for_bad_rows(const ImportArgs& args, const ImportOptions& options,
                       const ImportSummary& s) {
    if (s.refusal != Exit::ok) {
        std::string message =
            fmt::format("{} of {} row{} {} bad; {}", count(s.rejected), count(s.rows),
                        s.rows == 1 ? "" : "s", s.rejected == 1 ? "is" : "are",
                        args.dry_run ? "the import would be refused." : "nothing was imported.");
        std::string hint =
            args.rejects ? fmt::format("fix them in {} and run again, or use --on-error skip",
                                       printable(*args.rejects, 200))
                         : "fix them and run again, or use --on-error skip --rejects rejects.csv";
        if (s.unconfirmed == s.rejected)
            hint =
                "check that the IDs hold no name, initials, date of birth or other identifier, "
                "then run again with --confirm-anonymous (or put yes in a confirmed column)";
        else if (s.refusal == Exit::conflict && !args.skip_existing)
            hint =
                "choose other IDs, or add --skip-existing to skip rows already there with the same "
                "data";
        throw Error(s.refusal, message, hint);
    }
    if (options.on_error == OnError::skip && s.rejected > 0) {
        throw Error(
            Exit::partial,
            fmt::format("{} of {} row{} {} rejected; {} {}.", count(s.rejected), count(s.rows),
                        s.rows == 1 ? "" : "s", s.rejected == 1 ? "was" : "were", count(s.added),
                        args.dry_run   ? "would be imported"
                        : s.added == 1 ? "was imported"
                                       : "were imported"),
            args.rejects ? fmt::format("fix the rows in {} and import that file",
                                       printable(*args.rejects, 200))
                         : "add --rejects FILE to get the bad rows in a file to fix and import");
    }
}

void run_import(Context& ctx, const ImportArgs& args) {
    ImportOptions options = import_options(args);
    const bool from_stdin = args.file == "-";
    const Format out_format = ctx.format();
    Register& reg = ctx.reg();
    const Actor& actor = ctx.actor();
    InputFile input;
    const std::uint64_t size = open_import_input(args, input);
    options.input_fd = input.fd;  // a regular file is refused if it changes

    ImportHooks hooks;
    ProgressLine progress;
    const bool terminal = isatty(STDERR_FILENO) == 1 && !ctx.global.quiet;
    hooks.problem = [&](const std::string& line) {
        progress.clear();
        std::cerr << line << '\n';
    };
    hooks.note = [&](const std::string& line) {
        progress.clear();
        ctx.note(line);
    };
    if (terminal) hooks.progress = [&](const ImportProgress& p) { progress.show(p); };
    if (Context::interactive() && !from_stdin && !args.confirm) {
        hooks.confirm = [&](std::uint64_t unconfirmed, std::uint64_t warned) {
            progress.clear();
            std::cerr << fmt::format(
                "{} ID{} to confirm{}. {} anonymous: no name, nickname, initials, address, room "
                "number, date of birth or other identifier? [y/N] ",
                count(unconfirmed), unconfirmed == 1 ? "" : "s",
                warned ? fmt::format(" ({} with the guard warnings above)", count(warned)) : "",
                unconfirmed == 1 ? "Is it" : "Are they");
            std::string answer;
            if (!std::getline(std::cin, answer)) answer.clear();
            answer = ascii_lower(trim(answer));
            return answer == "y" || answer == "yes";
        };
    }
    // Before the commit: the generated IDs (in json, the whole summary) go
    // out and are flushed; when they cannot be, nothing is imported.
    bool printed = false;
    hooks.before_commit = [&](const ImportSummary& s) {
        progress.clear();
        const std::string nothing = "; nothing was imported";
        if (args.ids_to && s.generated_ids) {
            ChunkedText to_file(
                [&](std::string_view text) { append_synced(*args.ids_to, text, nothing); });
            write_generated_lines(s, to_file);
        }
        write_import_output(out_format, options, s, true, [&](std::string_view text) {
            write_stdout(text, "the generated IDs", nothing);
        });
        printed = true;
    };

    ImportSummary s =
        import_service_users(reg, actor, csv::fd_reader(input.fd, args.file), size, options, hooks);
    progress.clear();
    if (!printed)
        write_import_output(out_format, options, s, s.committed,
                            [](std::string_view text) { write_stdout(text, "the summary"); });
    tell_import_outcome(ctx, args, options, s);
    exit_for_bad_rows(args, options, s);
}

void run_export(Context& ctx, const ServiceUserFilter& filter) {
    Format format = ctx.format();
    if (format == Format::table) format = Format::csv;
    if (format == Format::tsv)
        throw Error(Exit::usage, "su export writes csv, jsonl or json",
                    "use --format csv (the default), jsonl or json");
    Register& reg = ctx.reg();
    const Actor& actor = ctx.actor();
    std::string buffer;
    buffer.reserve(1 << 17);
    // Each 64 KiB written as it fills; a failed write (a closed pipe) stops
    // the export at once rather than after every row is read.
    auto flush = [&] {
        std::cout.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        buffer.clear();
        if (!std::cout)
            throw Error(Exit::failure, "could not write the export to standard output",
                        "check where the output goes (a full disk, a closed pipe)");
    };
    if (format == Format::csv && headers_shown()) csv::append_record(buffer, kImportColumns);
    if (format == Format::json) buffer += '[';
    std::uint64_t rows = 0, left = 0;
    ServiceUserCells shown;
    reg.for_each(actor.member, filter, [&](const ServiceUser& su) {
        const std::string service = reg.service_code(su.service_key);
        const std::string keyworker = reg.username(su.keyworker_key);
        if (format == Format::csv) {
            const std::string needs = join(su.needs, ";");
            const std::string_view cells[] = {
                su.id,
                service,
                keyworker,
                su.date_of_birth ? *su.date_of_birth : std::string_view(),
                su.age_band ? *su.age_band : std::string_view(),
                su.gender ? *su.gender : std::string_view(),
                su.ethnicity ? *su.ethnicity : std::string_view(),
                needs,
                su.started_on ? *su.started_on : std::string_view()};
            csv::append_record(buffer, cells);
        } else {
            // The one service-user object (su show's); import reads it back.
            if (format == Format::json) buffer += rows == 0 ? "\n" : ",\n";
            append_json_object(buffer, kServiceUserFields, shown.of(reg, su));
            if (format == Format::jsonl) buffer += '\n';
        }
        ++rows;
        left += su.status == "left";
        if (buffer.size() >= (1 << 16)) flush();
    });
    if (format == Format::json) buffer += rows ? "\n]\n" : "]\n";
    flush();
    std::cout.flush();
    if (!std::cout) throw Error(Exit::failure, "could not write the export to standard output");
    ctx.note(fmt::format("Exported {} service user{}.", count(rows), rows == 1 ? "" : "s"));
    // The columns are the import's, which has no status: say so before a
    // round trip brings people who left back as active.
    if (left > 0)
        ctx.warn(fmt::format(
            "{} of them {} left; the file has no status column, so importing it adds them as "
            "active",
            count(left), left == 1 ? "has" : "have"));
}

}  // namespace

void register_su_bulk(CLI::App& su, Context& ctx) {
    auto args = std::make_shared<ImportArgs>();
    auto* import = add_command(
        su, "import", "Add service users from a CSV or JSON-lines file, all checked like su add",
        "  caseload su import intake.csv --dry-run\n"
        "  caseload su import intake.csv --on-error skip --rejects rejects.csv "
        "--confirm-anonymous\n"
        "  caseload su import people.jsonl --skip-existing\n"
        "  other-system-export | caseload su import - --generate-ids --confirm-anonymous \\\n"
        "    --ids-to locked-list.txt\n"
        "  caseload --json su import intake.csv --confirm-anonymous   # one summary object\n"
        "\nColumns: id, service, keyworker, date_of_birth, age_band, gender, ethnicity, needs,\n"
        "started_on (needs separated by ';'; any order; only id is required; an empty\n"
        "started_on is the day of the import; an 'error' column is ignored).\n"
        "Never stored: ref (the row's reference in your system: kept in the rejects file and\n"
        "the generated-ID map), confirmed (yes: this row's ID is confirmed anonymous), line\n"
        "(the original line, in a rejects file imported again).\n"
        "Every ID must be confirmed anonymous, as in su add: --confirm-anonymous, one yes at\n"
        "the prompt on a terminal, or yes in its confirmed column; generated IDs need none.\n"
        "Exit 0: all added; 3: bad rows, nothing written; 5: IDs already in use (or the\n"
        "rejects file exists); 7: busy; 8: --on-error skip rejected some rows.");
    import->add_option("file", args->file, "The file to import, or - for standard input")
        ->required()
        ->option_text("FILE|-");
    import
        ->add_option("--input-format", args->input_format,
                     "What the file holds: csv or jsonl (default: from the file name, *.jsonl "
                     "and *.ndjson are jsonl; csv for -). The global --format says what is "
                     "printed")
        ->option_text("FORMAT")
        ->check(CLI::IsMember({"csv", "jsonl"}));
    import->add_flag("--dry-run", args->dry_run,
                     "Check and write everything, then roll back: nothing is kept");
    import
        ->add_option(
            "--on-error", args->on_error,
            "abort (default): one bad row and nothing is written; skip: write the good rows")
        ->option_text("abort|skip")
        ->check(CLI::IsMember({"abort", "skip"}));
    import
        ->add_option(
            "--rejects", args->rejects,
            "Write the bad rows to this new CSV (their original line, the same columns, and "
            "'error'), to fix and re-run; no file when nothing is rejected")
        ->option_text("FILE");
    import->add_flag("--force", args->force, "Replace an existing --rejects file");
    import->add_flag("--skip-existing", args->skip_existing,
                     "Skip rows already in the register with the same data (safe re-runs)");
    import->add_flag("--generate-ids", args->generate_ids,
                     "Generate IDs for rows with an empty id, printed as 'line N -> ID' before "
                     "the commit");
    import
        ->add_option("--ids-to", args->ids_to,
                     "Also append the generated IDs ('line N -> ID') to this file, synced to "
                     "disk before the commit")
        ->option_text("FILE");
    import->add_flag("--confirm-anonymous", args->confirm,
                     "Confirm that every ID in the file is anonymous (needed without a terminal)");
    import->callback([&ctx, args] {
        if (args->ids_to && !args->generate_ids)
            throw Error(Exit::usage, "--ids-to is for generated IDs: give --generate-ids",
                        "leave out --ids-to, or add --generate-ids");
    run_import(ctx, *args);
});

auto filter = std::make_shared<ServiceUserFilter>();
auto* exp =
    add_command(su, "export", "Write the service users you may see, in the columns import reads",
                "  caseload su export > backup.csv\n"
                "  caseload su export --service HOM --format jsonl\n"
                "  caseload su export --keyworker wes --json");
add_list_filters(exp, *filter);
exp->callback([&ctx, filter] { run_export(ctx, *filter); });
}  // namespace caseload::cli

}  // namespace caseload::cli
