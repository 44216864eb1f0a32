// caseload id check|scan|new: the guard and generated IDs (spec §2).
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
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

// The output of `id check`, gathered in a large buffer and written in big
// blocks: one million IDs make one million lines. Without a file to write
// to, it keeps all it is given (a batch of lines checked by a worker thread).
class OutputBuffer {
public:
    explicit OutputBuffer(std::FILE* sink = stdout)
        : sink_(sink), capacity_(kBlock + kBlock / 2), data_(new char[capacity_]) {}
    OutputBuffer(const OutputBuffer&) = delete;
    OutputBuffer& operator=(const OutputBuffer&) = delete;

    [[gnu::always_inline]] void put(std::string_view text) {
        if (text.size() <= capacity_ - used_) [[likely]] {
            copy(data_.get() + used_, text.data(), text.size());
            used_ += text.size();
        } else {
            put_long(text);
        }
    }
    [[gnu::always_inline]] void put(char c) {
        if (used_ == capacity_) [[unlikely]]
            make_room(1);
        data_[used_++] = c;
    }
    void pad(std::size_t count) {
        if (count > capacity_ - used_) make_room(count);
        std::memset(data_.get() + used_, ' ', count);  // count < 12
        used_ += count;
    }
    // Writes out once a block is full enough.
    void maybe_flush() {
        if (used_ >= kBlock && sink_) flush();
    }
    void flush() {
        if (used_ && sink_) std::fwrite(data_.get(), 1, used_, sink_);
        used_ = 0;
    }
    std::string_view text() const { return {data_.get(), used_}; }
    void clear() { used_ = 0; }

private:
    // memcpy, without a call for the short texts of a line (IDs, matches,
    // messages): overlapping fixed-size moves.
    [[gnu::always_inline]] static void copy(char* to, const char* from, std::size_t n) {
        if (n >= 8) {
            if (n > 16) {
                std::memcpy(to, from, n);
                return;
            }
            std::uint64_t a, b;
            std::memcpy(&a, from, 8);
            std::memcpy(&b, from + n - 8, 8);
            std::memcpy(to, &a, 8);
            std::memcpy(to + n - 8, &b, 8);
        } else if (n >= 4) {
            std::uint32_t a, b;
            std::memcpy(&a, from, 4);
            std::memcpy(&b, from + n - 4, 4);
            std::memcpy(to, &a, 4);
            std::memcpy(to + n - 4, &b, 4);
        } else if (n > 0) {
            to[0] = from[0];
            to[n / 2] = from[n / 2];
            to[n - 1] = from[n - 1];
        }
    }

    // Room for `n` more bytes: written out, or (keeping all) a larger buffer.
    void make_room(std::size_t n) {
        if (sink_) {
            flush();
            if (n <= capacity_) return;
        }
        std::size_t capacity = capacity_;
        while (capacity - used_ < n) capacity *= 2;
        std::unique_ptr<char[]> data(new char[capacity]);
        std::memcpy(data.get(), data_.get(), used_);
        data_ = std::move(data);
        capacity_ = capacity;
    }

    void put_long(std::string_view text) {
        make_room(text.size());
        std::memcpy(data_.get() + used_, text.data(), text.size());
        used_ += text.size();
    }

    static constexpr std::size_t kBlock = std::size_t{1} << 16;
    std::FILE* sink_;
    std::size_t capacity_;
    std::unique_ptr<char[]> data_;
    std::size_t used_ = 0;
};

// True when `text` needs no JSON escaping (all printable ASCII but '"' and '\\').
bool json_plain(std::string_view text) {
    for (unsigned char c : text)
        if (c < 0x20 || c == '"' || c == '\\') return false;
    return true;
}

// JSON string escaping for the hot path of `id check -` (nlohmann is slower
// per line than needed for a million IDs). Input is shown through printable()
// first when it is not valid UTF-8.
void append_json_string(OutputBuffer& out, std::string_view text) {
    out.put('"');
    if (json_plain(text)) {
        out.put(text);
    } else {
        for (unsigned char c : text) {
            switch (c) {
                case '"': out.put("\\\""); break;
                case '\\': out.put("\\\\"); break;
                case '\n': out.put("\\n"); break;
                case '\r': out.put("\\r"); break;
                case '\t': out.put("\\t"); break;
                default:
                    if (c < 0x20) out.put(fmt::format("\\u{:04x}", c));
                    else out.put(static_cast<char>(c));
            }
        }
    }
    out.put('"');
}

// The start of a finding's line in the table, by kind: "  " and the kind
// name padded to 10, then a space and the match's opening quote.
std::string_view finding_line_start(FindingKind kind) {
    switch (kind) {
        case FindingKind::name: return "  name       \"";
        case FindingKind::address: return "  address    \"";
        case FindingKind::identifier: return "  identifier \"";
        case FindingKind::date: return "  date       \"";
        case FindingKind::initials: return "  initials   \"";
    }
    return {};
}

// As finding_lines, without a formatting library in the hot path.
void append_finding_lines(OutputBuffer& out, const std::vector<GuardFinding>& findings) {
    for (const auto& f : findings) {
        const std::string_view start = finding_line_start(f.kind);
        if (!start.empty()) {
            out.put(start);
        } else {
            out.put("  ");
            const std::string_view kind = kind_name(f.kind);
            out.put(kind);
            if (kind.size() < 10) out.pad(10 - kind.size());
            out.put(" \"");
        }
        out.put(f.match);
        out.put('"');
        if (f.match.size() + 2 < 12) out.pad(12 - (f.match.size() + 2));
        out.put(' ');
        out.put(f.message);
        if (f.severity == Severity::warn) out.put(" (warning)");
        out.put('\n');
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

// As trim() (caseload/text.hpp), inline: the same ASCII white space.
[[gnu::always_inline]] inline std::string_view trim_space(std::string_view text) {
    auto is_space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    const char* begin = text.data();
    const char* end = begin + text.size();
    while (begin != end && is_space(*begin)) ++begin;
    while (end != begin && is_space(end[-1])) --end;
    return std::string_view(begin, static_cast<std::size_t>(end - begin));
}

// Writes the result for one ID in the chosen format.
class CheckPrinter {
public:
    CheckPrinter(Format format, OutputBuffer& out) : format_(format), out_(out) {}

    // What comes before the first ID.
    void start() {
        if (format_ == Format::json) out_.put("[");
        if (format_ == Format::csv) out_.put("id,ok,kind,severity,match,message\n");
        if (format_ == Format::tsv) out_.put("id\tok\tkind\tseverity\tmatch\tmessage\n");
    }

    void add(std::string_view id, const std::string* format_problem,
             const std::vector<GuardFinding>& findings) {
        bool ok = !format_problem && findings.empty();
        // An ID that passed the format check is plain ASCII; others are escaped.
        std::string_view shown = id;
        std::string escaped;
        if (format_problem) shown = escaped = printable(id, 200);
        switch (format_) {
            case Format::json:
            case Format::jsonl: {
                if (format_ == Format::json) out_.put(count_ ? ",\n" : "\n");
                out_.put("{\"id\":");
                append_json_string(out_, shown);
                out_.put(ok ? ",\"ok\":true" : ",\"ok\":false");
                if (format_problem) {
                    out_.put(",\"error\":");
                    append_json_string(out_, *format_problem);
                }
                out_.put(",\"findings\":[");
                for (std::size_t i = 0; i < findings.size(); ++i) {
                    const auto& f = findings[i];
                    if (i) out_.put(',');
                    out_.put("{\"kind\":\"");
                    out_.put(kind_name(f.kind));
                    out_.put("\",\"severity\":\"");
                    out_.put(severity_name(f.severity));
                    out_.put("\",\"match\":");
                    append_json_string(out_, f.match);
                    out_.put(",\"message\":");
                    append_json_string(out_, f.message);
                    out_.put('}');
                }
                out_.put(format_ == Format::jsonl ? "]}\n" : "]}");
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
                    out_.put(field(shown));
                    out_.put(sep);
                    out_.put(ok ? "true" : "false");
                    for (std::string_view v : {kind, severity, match, message}) {
                        out_.put(sep);
                        out_.put(field(v));
                    }
                    out_.put('\n');
                };
                if (format_problem) row("format", "block", "", *format_problem);
                for (const auto& f : findings)
                    row(kind_name(f.kind), severity_name(f.severity), f.match, f.message);
                if (ok) row("", "", "", "");
                break;
            }
            case Format::table: {
                out_.put(shown);
                if (ok) {
                    out_.put(": ok\n");
                } else if (format_problem) {
                    out_.put(": ");
                    out_.put(*format_problem);
                    out_.put('\n');
                } else {
                    out_.put(findings.front().severity == Severity::block ? ": can't be used\n"
                                                                          : ": needs care\n");
                    append_finding_lines(out_, findings);
                }
                break;
            }
        }
        ++count_;
        out_.maybe_flush();
    }

    // What comes after the last ID; `count`: how many there were.
    void finish(std::size_t count) {
        if (format_ == Format::json) out_.put(count ? "\n]\n" : "]\n");
        out_.flush();
        std::fflush(stdout);
    }
    std::size_t count() const { return count_; }

private:
    Format format_;
    OutputBuffer& out_;
    std::size_t count_ = 0;
};

// Checks one line of input (or one argument) and prints its result; true
// when it has a finding or is not a valid ID.
bool check_line(std::string_view raw, const Guard& guard, const std::string& name,
                CheckPrinter& out) {
    std::string_view id = trim_space(raw);
    if (id.empty()) return false;
    if (auto problem = id_format_problem(id)) {
        out.add(id, &*problem, {});
        return true;
    }
    auto findings = name.empty() ? guard.check(id) : guard.check_with_name(id, name);
    out.add(id, nullptr, findings);
    return !findings.empty();
}

// Calls on_line(line) for every line of standard input, each cut to its first
// `max_line` bytes, in constant memory: big blocks read at once, lines split
// in place. As std::getline: a last line without a newline counts.
template <class OnLine>
void for_each_stdin_line(std::size_t max_line, OnLine&& on_line) {
    const std::size_t capacity = std::max<std::size_t>(std::size_t{1} << 17, 2 * max_line);
    std::unique_ptr<char[]> buffer(new char[capacity]);
    char* const data = buffer.get();
    std::size_t used = 0;     // bytes in data
    bool skipping = false;    // inside a line already given (cut): drop up to its newline
    for (;;) {
        const ssize_t got = ::read(STDIN_FILENO, data + used, capacity - used);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;  // end of input (or an error, which ends it as getline would)
        const char* start = data;
        const char* const end = data + used + got;
        const char* scan = data + used;  // no newline before this point
        while (const char* nl = static_cast<const char*>(std::memchr(scan, '\n', end - scan))) {
            if (!skipping) on_line(std::string_view(start, std::min<std::size_t>(nl - start, max_line)));
            skipping = false;
            start = scan = nl + 1;
        }
        // The rest is the start of a line.
        std::size_t rest = static_cast<std::size_t>(end - start);
        if (skipping) {
            rest = 0;
        } else if (rest >= max_line) {
            on_line(std::string_view(start, max_line));  // its first max_line bytes are all it gives
            skipping = true;
            rest = 0;
        }
        if (rest && start != data) std::memmove(data, start, rest);
        used = rest;
    }
    if (used && !skipping) on_line(std::string_view(data, used));
}

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
        OutputBuffer buffer;
        CheckPrinter out(format, buffer);
        out.start();
        bool any = false;
        auto check_one = [&](std::string_view raw) { any |= check_line(raw, guard, name, out); };
        bool from_stdin = check->ids.size() == 1 && check->ids.front() == "-";
        if (from_stdin) {
            // Streamed in constant memory: lines longer than 4096 bytes are
            // checked on their first 4096 (never a valid ID either way).
            for_each_stdin_line(4096, check_one);
        } else {
            for (const auto& id : check->ids) check_one(id);
        }
        // Wipe the name: it lived in memory for this check alone.
        if (!name.empty()) explicit_bzero(name.data(), name.size());
        out.finish(out.count());
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
