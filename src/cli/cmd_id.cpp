// caseload id check|scan|new: the guard and generated IDs (spec §2).
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>

#include "caseload/admin.hpp"
#include "caseload/error.hpp"
#include "caseload/id.hpp"
#include "caseload/idgen.hpp"
#include "caseload/text.hpp"
#include "context.hpp"

namespace caseload::cli {

namespace {

// JSON string escaping for the hot path of `id check -` (nlohmann is slower
// per line than needed for a million IDs). Input is shown through printable()
// first when it is not valid UTF-8.
void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (unsigned char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) out += fmt::format("\\u{:04x}", c);
                else out += static_cast<char>(c);
        }
    }
    out += '"';
}

// As finding_lines, without a formatting library in the hot path.
void append_finding_lines(std::string& out, const std::vector<GuardFinding>& findings) {
    auto padded = [&](std::string_view text, std::size_t width) {
        out += text;
        if (text.size() < width) out.append(width - text.size(), ' ');
    };
    for (const auto& f : findings) {
        out += "  ";
        padded(kind_name(f.kind), 10);
        out += ' ';
        padded("\"" + f.match + "\"", 12);
        out += ' ';
        out += f.message;
        if (f.severity == Severity::warn) out += " (warning)";
        out += '\n';
    }
}

// The guard of the register when there is one (its words and service codes),
// else the built-in lexicon alone.
Guard guard_for(Context& ctx) {
    std::error_code ec;
    std::string path = ctx.database_path();
    if (!std::filesystem::exists(path, ec)) return Guard();
    return ctx.reg().guard();
}

// Writes the result for one ID in the chosen format.
class CheckPrinter {
public:
    explicit CheckPrinter(Format format) : format_(format) {
        if (format_ == Format::json) buffer_ += "[";
        if (format_ == Format::csv) buffer_ += "id,ok,kind,severity,match,message\n";
        if (format_ == Format::tsv) buffer_ += "id\tok\tkind\tseverity\tmatch\tmessage\n";
    }

    void add(std::string_view id, const std::string* format_problem,
             const std::vector<GuardFinding>& findings) {
        bool ok = !format_problem && findings.empty();
        // An ID that passed the format check is plain ASCII; others are escaped.
        std::string_view shown = id;
        std::string escaped;
        if (format_problem && !is_valid_utf8(id)) shown = escaped = printable(id, 200);
        switch (format_) {
            case Format::json:
            case Format::jsonl: {
                if (format_ == Format::json) buffer_ += count_ ? ",\n" : "\n";
                buffer_ += "{\"id\":";
                append_json_string(buffer_, shown);
                buffer_ += ok ? ",\"ok\":true" : ",\"ok\":false";
                if (format_problem) {
                    buffer_ += ",\"error\":";
                    append_json_string(buffer_, *format_problem);
                }
                buffer_ += ",\"findings\":[";
                for (std::size_t i = 0; i < findings.size(); ++i) {
                    const auto& f = findings[i];
                    if (i) buffer_ += ',';
                    buffer_ += "{\"kind\":\"";
                    buffer_ += kind_name(f.kind);
                    buffer_ += "\",\"severity\":\"";
                    buffer_ += severity_name(f.severity);
                    buffer_ += "\",\"match\":";
                    append_json_string(buffer_, f.match);
                    buffer_ += ",\"message\":";
                    append_json_string(buffer_, f.message);
                    buffer_ += '}';
                }
                buffer_ += "]}";
                if (format_ == Format::jsonl) buffer_ += '\n';
                break;
            }
            case Format::csv:
            case Format::tsv: {
                auto field = [&](std::string_view v) {
                    return format_ == Format::csv ? csv_field(v) : tsv_field(v);
                };
                char sep = format_ == Format::csv ? ',' : '\t';
                auto row = [&](std::string_view kind, std::string_view severity,
                               std::string_view match, std::string_view message) {
                    buffer_ += field(shown);
                    buffer_ += sep;
                    buffer_ += ok ? "true" : "false";
                    for (std::string_view v : {kind, severity, match, message}) {
                        buffer_ += sep;
                        buffer_ += field(v);
                    }
                    buffer_ += '\n';
                };
                if (format_problem) row("format", "block", "", *format_problem);
                for (const auto& f : findings)
                    row(kind_name(f.kind), severity_name(f.severity), f.match, f.message);
                if (ok) row("", "", "", "");
                break;
            }
            case Format::table: {
                buffer_ += shown;
                if (ok) {
                    buffer_ += ": ok\n";
                } else if (format_problem) {
                    buffer_ += ": ";
                    buffer_ += *format_problem;
                    buffer_ += '\n';
                } else {
                    buffer_ += findings.front().severity == Severity::block ? ": can't be used\n"
                                                                            : ": needs care\n";
                    append_finding_lines(buffer_, findings);
                }
                break;
            }
        }
        ++count_;
        if (buffer_.size() > (1 << 16)) flush();
    }

    void finish() {
        if (format_ == Format::json) buffer_ += count_ ? "\n]\n" : "]\n";
        flush();
        std::fflush(stdout);
    }

private:
    void flush() {
        std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
        buffer_.clear();
    }

    Format format_;
    std::string buffer_;
    std::size_t count_ = 0;
};

// Reads a line from the terminal without echo. The caller wipes it.
std::string read_secret(const char* prompt) {
    std::FILE* tty = std::fopen("/dev/tty", "r+");
    if (!tty) throw Error(Exit::usage, "--ask-name needs a terminal", "run it in a terminal");
    int fd = fileno(tty);
    termios saved{};
    tcgetattr(fd, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    // Echo off before the prompt, so that nothing typed after it is shown.
    tcsetattr(fd, TCSANOW, &quiet);
    std::fputs(prompt, tty);
    std::fflush(tty);
    std::string line;
    for (int c; (c = std::fgetc(tty)) != EOF && c != '\n';) line += static_cast<char>(c);
    tcsetattr(fd, TCSANOW, &saved);
    std::fputs("\n", tty);
    std::fclose(tty);
    return line;
}

}  // namespace

void register_id(CLI::App& app, Context& ctx) {
    auto* group = add_command(app, "id", "The anonymity guard and generated IDs", "");

    // id check
    struct CheckArgs {
        std::vector<std::string> ids;
        bool ask_name = false;
    };
    auto check = std::make_shared<CheckArgs>();
    auto* cmd = add_command(
        *group, "check", "Explain what an ID must not contain, without writing anything",
        "  caseload id check JSmith1985 HOM-0042\n"
        "  cut -d, -f1 ids.csv | caseload id check - --format jsonl\n"
        "  caseload id check K7M2-QX9A --ask-name");
    cmd->add_option("ids", check->ids, "IDs to check, or - for one a line on stdin")->required();
    cmd->add_flag("--ask-name", check->ask_name,
                  "Ask (without echo) for the person's real name and check against it too; "
                  "the name is never stored");
    cmd->callback([&ctx, check] {
        Format format = ctx.format();
        Guard guard = guard_for(ctx);
        std::string name;
        if (check->ask_name) {
            if (!Context::interactive())
                throw Error(Exit::usage, "--ask-name needs a terminal",
                            "run 'caseload id check ID --ask-name' in a terminal; the name is "
                            "asked for without echo and never stored");
            name = read_secret("Real name (not shown, never stored): ");
        }
        CheckPrinter out(format);
        bool any = false;
        auto check_one = [&](std::string_view raw) {
            std::string_view id = trim(raw);
            if (id.empty()) return;
            if (auto problem = id_format_problem(id)) {
                any = true;
                out.add(id, &*problem, {});
                return;
            }
            auto findings = name.empty() ? guard.check(id) : guard.check_with_name(id, name);
            any = any || !findings.empty();
            out.add(id, nullptr, findings);
        };
        bool from_stdin = check->ids.size() == 1 && check->ids.front() == "-";
        if (from_stdin) {
            // Streamed in constant memory: one line at a time.
            std::ios::sync_with_stdio(false);
            std::string line;
            while (std::getline(std::cin, line)) {
                if (line.size() > 4096) line.resize(4096);
                check_one(line);
            }
        } else {
            for (const auto& id : check->ids) check_one(id);
        }
        // Wipe the name: it lived in memory for this check alone.
        if (!name.empty()) explicit_bzero(name.data(), name.size());
        out.finish();
        if (any) throw Error(Exit::invalid, "", "");
    });

    // id scan
    auto* scan = add_command(*group, "scan",
                             "Re-check every stored ID against today's rules and words",
                             "  caseload id scan\n"
                             "  caseload id scan --format csv > findings.csv   # nightly, exit 3 "
                             "when any is blocked");
    scan->callback([&ctx] {
        Register& reg = ctx.reg();
        const Actor& actor = ctx.actor();
        Guard guard = reg.guard();
        RecordWriter out(ctx.format(), {"id", "service", "keyworker", "severity", "findings"},
                         std::cout);
        std::size_t checked = 0, flagged = 0, blocked = 0;
        ServiceUserFilter all;
        all.include_left = true;
        reg.for_each(actor.member, all, [&](const ServiceUser& su) {
            ++checked;
            auto findings = guard.check(su.id);
            if (findings.empty()) return;
            ++flagged;
            bool block = Guard::blocks(findings);
            blocked += block;
            Json list = Json::array();
            for (const auto& f : findings)
                list.push_back(Json{{"kind", std::string(kind_name(f.kind))},
                                    {"severity", std::string(severity_name(f.severity))},
                                    {"match", f.match},
                                    {"message", f.message}});
            Json row{{"id", su.id},
                     {"service", reg.service_code(su.service_key)},
                     {"keyworker", reg.username(su.keyworker_key)},
                     {"severity", block ? "block" : "warn"},
                     {"findings", list}};
            if (ctx.format() != Format::json && ctx.format() != Format::jsonl) {
                std::vector<std::string> parts;
                for (const auto& f : findings)
                    parts.push_back(fmt::format("{} \"{}\" ({})", kind_name(f.kind), f.match,
                                                f.message));
                row["findings"] = join(parts, "; ");
            }
            out.add(row);
        });
        out.finish();
        ctx.note(fmt::format("Checked {} IDs: {} with findings, {} blocked.", with_thousands(checked),
                             with_thousands(flagged), with_thousands(blocked)));
        if (blocked)
            throw Error(Exit::invalid,
                        fmt::format("{} stored ID{} would now be refused", blocked,
                                    blocked == 1 ? "" : "s"),
                        "rename each with 'caseload su rename OLD --generate --confirm-anonymous', "
                        "or a lead allows a word with 'caseload words allow WORD --reason ...'");
    });

    // id new
    struct NewArgs {
        std::size_t count = 1;
        std::optional<std::string> service;
    };
    auto make = std::make_shared<NewArgs>();
    auto* generate = add_command(*group, "new", "Make IDs nobody has to invent",
                                 "  caseload id new\n  caseload id new -n 20 --service HOM");
    generate->add_option("-n,--count", make->count, "How many (default 1)")
        ->option_text("N")
        ->check(CLI::Range(1, 100000));
    generate->add_option("--service", make->service, "Prefix the IDs with this service code")
        ->option_text("CODE");
    generate->callback([&ctx, make] {
        std::error_code ec;
        bool have_register = std::filesystem::exists(ctx.database_path(), ec);
        Guard guard = have_register ? ctx.reg().guard() : Guard();
        std::string prefix;
        if (make->service) {
            prefix = have_register ? require_service(ctx.reg().directory(), *make->service).code
                                   : normalise_service_code(*make->service);
        }
        std::set<std::string> made;
        for (std::size_t i = 0; i < make->count; ++i) {
            std::string id = generate_id(prefix, guard, [&](std::string_view candidate) {
                if (made.count(id_key(candidate))) return true;
                return have_register && ctx.reg().id_in_use(candidate);
            });
            made.insert(id_key(id));
            std::cout << id << '\n';
        }
    });
}

}  // namespace caseload::cli
