// caseload report: the counting is in the core (report.hpp); this file holds
// the command line and the drawing (table with bars, json, jsonl, csv, tsv).
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "caseload/error.hpp"
#include "caseload/report.hpp"
#include "caseload/text.hpp"
#include "context.hpp"

namespace caseload::cli {

namespace {

constexpr const char* kFooter = R"(
What is counted:
  Active service users, or also those who have left with --include-left; only
  those you may see: a worker their own caseload, a manager the services they
  manage, a lead the whole organisation. --service and --keyworker narrow this
  further; one outside what you may see is refused (exit 6) and nothing is
  counted. Without --by: one row, the number of people.

Dimensions (--by, once or twice, or --by A,B):
  service, keyworker, age-band, gender, ethnicity, need, status.
  Age band comes from the date of birth as of today, else the recorded band,
  else 'unknown'. A missing gender or ethnicity, and a person with no need
  recorded, count as 'not-recorded'. Rows follow each list's own order (age
  bands, genders, ethnic groups, statuses); services, keyworkers and needs by
  code; 'not-recorded' last.

Percentages:
  The share of the people counted (rounded to one decimal place). A person
  with several needs counts once under each need, so by need they may add up
  to more than 100.

--compare:
  Adds organisation_percent, the same segment's share of the people on the
  same Star as yours (every service on that Star, with the same --need and
  --include-left, but not --service, --keyworker or your scope), and
  difference = percent - organisation_percent in points. A report whose
  people are on several Stars is refused (exit 2): add --service. When the
  Star's people are all in your report, there is nothing to compare with, and
  it says so. Only percentages of the benchmark are shown, never its counts.
  --compare benchmark compares with the average of other organisations'
  aggregate files for the Star (see caseload benchmark): by one dimension of
  age-band, gender, ethnicity, need or status, from at least 3 organisations.

Needs of several Stars:
  When a report's needs come from several Stars, each is shown as star/need
  (two Stars may share a need's code) and its percentage is a share of the
  people on that Star.

--suppress-below N:
  Counts under the threshold are hidden (in json "count": null and
  "suppressed": true; in csv/tsv an empty count, suppressed true), with their
  percentages; every other count and every total is rounded to the nearest 5,
  and percentages are computed from the rounded figures, so that no hidden
  count can be worked out from this report or any other. N is raised to the
  next of 3, 8, 13, 18, ... (see caseload-report(1) for why). There is no
  suppression by default.

Fields (json, jsonl, csv, tsv): the dimension fields (service, keyworker,
age_band, gender, ethnicity, need, status), count, percent; with --compare
organisation_percent, difference; with --suppress-below suppressed.

The table draws a bar for each count, scaled so the largest fills the width of
the terminal (else $COLUMNS, else 80 columns).

Examples:
  caseload report --by gender --service HOM --compare
  caseload report --by service --by age-band --format csv
  caseload report --by need --suppress-below 5 --json
  caseload report --by keyworker --include-left --by status)";

// One decimal place from tenths, exactly; with `sign` a leading + or -.
std::string tenths_text(long long tenths, bool sign = false) {
    long long magnitude = tenths < 0 ? -tenths : tenths;
    std::string text = fmt::format("{}.{}", magnitude / 10, magnitude % 10);
    if (tenths < 0) return "-" + text;
    if (sign && tenths > 0) return "+" + text;
    return text;
}

Json tenths_json(const std::optional<long long>& tenths) {
    return tenths ? Json(static_cast<double>(*tenths) / 10.0) : Json(nullptr);
}

std::vector<std::string> field_names(const Report& report) {
    std::vector<std::string> fields;
    for (Dimension d : report.request.by) fields.emplace_back(dimension_field(d));
    fields.insert(fields.end(), {"count", "percent"});
    if (report.request.compare) fields.insert(fields.end(), {"organisation_percent", "difference"});
    if (report.threshold > 0) fields.emplace_back("suppressed");
    return fields;
}

// A row for json/jsonl/csv/tsv: a suppressed count is null (an empty cell in
// csv/tsv, beside suppressed = true).
Json row_json(const Report& report, const ReportRow& row) {
    Json j = Json::object();
    const auto& by = report.request.by;
    for (std::size_t i = 0; i < by.size(); ++i)
        j[std::string(dimension_field(by[i]))] = row.values[i];
    if (row.suppressed) {
        j["count"] = nullptr;
        j["percent"] = nullptr;
    } else {
        j["count"] = row.count;
        j["percent"] = tenths_json(row.percent_tenths);
    }
    if (report.request.compare) {
        j["organisation_percent"] = tenths_json(row.organisation_percent_tenths);
        j["difference"] = tenths_json(row.difference_tenths);
    }
    if (report.threshold > 0) j["suppressed"] = row.suppressed;
    return j;
}

// Columns of the terminal: the window of stdout, else $COLUMNS, else 80.
std::size_t terminal_width() {
    winsize ws{};
    if (isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    if (const char* columns = std::getenv("COLUMNS"); columns && *columns) {
        char* end = nullptr;
        long value = std::strtol(columns, &end, 10);
        if (end && *end == '\0' && value > 0 && value < 10000)
            return static_cast<std::size_t>(value);
    }
    return 80;
}

// A bar of `eighths` eighths of a cell: full blocks and one partial block.
std::string report_bar(long long eighths) {
    static constexpr const char* kPartial[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    std::string bar;
    for (long long i = 0; i < eighths / 8; ++i) bar += "█";
    return bar + kPartial[eighths % 8];
}

// The length, in eighths of a cell, of the bar of `count` when `largest`
// fills `cells`; a count above zero always shows.
long long report_bar_eighths(long long count, long long largest, std::size_t cells) {
    if (count <= 0 || largest <= 0) return 0;
    long long scale = static_cast<long long>(cells) * 8;
    long long eighths = (count * scale * 2 + largest) / (2 * largest);
    return std::max(1LL, std::min(eighths, scale));
}

// What the benchmark of --compare is, or why there is none.
std::vector<std::string> benchmark_notes(const Report& report) {
    std::vector<std::string> notes;
    if (!report.request.compare || !report.benchmark) return notes;
    const Benchmark& b = report.benchmark.value();
    if (b.star.empty()) return notes;
    if (b.is_self) {
        notes.push_back(fmt::format("No benchmark: every person on the {} Star is in this report, "
                                    "so there is nobody else to compare with.",
                                    b.star));
        return notes;
    }
    std::string people = b.people_suppressed ? fmt::format("fewer than {}", report.threshold)
                                             : with_thousands(b.people);
    if (b.organisations > 0)
        notes.push_back(fmt::format("org % is the average of {} other organisations on the {} Star "
                                    "({} people), weighted by their totals; diff is % minus org %, "
                                    "in points.",
                                    b.organisations, b.star, people));
    else
        notes.push_back(fmt::format("org % is the same segment's share of the {} people on the {} "
                                    "Star; diff is % minus org %, in points.",
                                    people, b.star));
    return notes;
}

std::string suppression_note(const Report& report) {
    const auto asked = report.request.suppress_below;
    std::string raised =
        asked == report.threshold ? "" : fmt::format(" (--suppress-below {} raised to {})", asked,
                                                     report.threshold);
    return fmt::format(
        "Counts under {}{} are shown as <{}; other counts and totals are rounded to the nearest "
        "5, and percentages computed from the rounded figures.",
        report.threshold, raised, report.threshold);
}

void write_table(const Report& report, std::ostream& out, bool colour) {
    const auto& request = report.request;
    const auto& by = request.by;
    const std::string hidden = fmt::format("<{}", report.threshold);
    const std::size_t dims = by.size();

    // Cells: the dimension columns (left-aligned), then the numbers (right).
    std::vector<std::string> heading;
    for (Dimension d : by) {
        std::string h(dimension_field(d));
        std::replace(h.begin(), h.end(), '_', ' ');
        heading.push_back(h);
    }
    if (by.empty()) heading.emplace_back("");
    heading.insert(heading.end(), {"count", "%"});
    if (request.compare) heading.insert(heading.end(), {"org %", "diff"});

    std::vector<std::vector<std::string>> rows;
    std::vector<const ReportRow*> sources;
    if (!by.empty()) {
        const ReportRow* previous = nullptr;
        for (const auto& row : report.rows) {
            std::vector<std::string> cells;
            for (std::size_t i = 0; i < dims; ++i) {
                // With two dimensions, the first is written once per group.
                bool repeat =
                    i == 0 && dims == 2 && previous && previous->values[0] == row.values[0];
                cells.push_back(repeat ? "" : printable(row.values[i], 40));
            }
            cells.push_back(row.suppressed ? hidden : with_thousands(row.count));
            cells.push_back(row.suppressed ? "" : tenths_text(row.percent_tenths));
            if (request.compare) {
                cells.push_back(row.organisation_percent_tenths
                                    ? tenths_text(*row.organisation_percent_tenths)
                                    : "");
                cells.push_back(row.difference_tenths ? tenths_text(*row.difference_tenths, true)
                                                      : "");
            }
            rows.push_back(std::move(cells));
            sources.push_back(&row);
            previous = &row;
        }
    }
    // The total line: the people counted.
    std::vector<std::string> total{"total"};
    for (std::size_t i = 1; i < dims; ++i) total.emplace_back("");
    total.push_back(report.total_suppressed ? hidden : with_thousands(report.total));
    total.push_back(report.total_suppressed || report.total == 0 ? "" : "100.0");
    if (request.compare) {
        const ReportRow* only = by.empty() && !report.rows.empty() ? &report.rows.front() : nullptr;
        total.push_back(only && only->organisation_percent_tenths
                            ? tenths_text(*only->organisation_percent_tenths)
                            : "");
        total.push_back(
            only && only->difference_tenths ? tenths_text(*only->difference_tenths, true) : "");
    }

    const std::size_t label_columns = by.empty() ? 1 : dims;
    std::vector<std::size_t> widths(heading.size(), 0);
    auto measure = [&](const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i)
            widths[i] = std::max(widths[i], display_width(cells[i]));
    };
    measure(heading);
    for (const auto& r : rows) measure(r);
    measure(total);
    // Numbers get at least the width of "100.0" so columns stay steady.
    for (std::size_t i = label_columns; i < widths.size(); ++i)
        widths[i] = std::max<std::size_t>(widths[i], 5);

    auto line_of = [&](const std::vector<std::string>& cells) {
        std::string line;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            std::size_t pad = widths[i] - display_width(cells[i]);
            if (i) line += "  ";
            if (i < label_columns)
                line += cells[i] + std::string(pad, ' ');
            else
                line += std::string(pad, ' ') + cells[i];
        }
        return line;
    };
    std::size_t text_width = 0;
    for (std::size_t w : widths) text_width += w;
    text_width += 2 * (widths.size() - 1);
    const std::size_t width = terminal_width();
    const std::size_t cells = width > text_width + 2 + 10 ? width - text_width - 2 - 1 : 10;

    long long largest = 0;
    for (const auto& row : report.rows)
        if (!row.suppressed) largest = std::max(largest, row.count);

    auto trimmed = [](std::string line) {
        while (!line.empty() && line.back() == ' ') line.pop_back();
        return line;
    };
    const char* bold = colour ? "\x1b[1m" : "";
    const char* bar_colour = colour ? "\x1b[36m" : "";
    const char* dim = colour ? "\x1b[2m" : "";
    const char* reset = colour ? "\x1b[0m" : "";

    out << bold << trimmed(line_of(heading)) << reset << '\n';
    for (std::size_t r = 0; r < rows.size(); ++r) {
        std::string line = line_of(rows[r]);
        const ReportRow& row = *sources[r];
        long long eighths = row.suppressed ? 0 : report_bar_eighths(row.count, largest, cells);
        if (eighths > 0)
            out << line << "  " << bar_colour << report_bar(eighths) << reset << '\n';
        else
            out << trimmed(line) << '\n';
    }
    out << bold << trimmed(line_of(total)) << reset << '\n';

    std::vector<std::string> notes;
    if (report.overlapping)
        notes.emplace_back(
            "A person with several needs counts once under each need, so the percentages may "
            "add up to more than 100.");
    if (report.needs_by_star)
        notes.emplace_back(
            "Needs of several Stars are shown as star/need; each % is a share of the people on "
            "that Star.");
    for (auto& note : benchmark_notes(report)) notes.push_back(std::move(note));
    if (report.threshold > 0)
        notes.push_back(suppression_note(report));
    if (!notes.empty()) {
        out << '\n';
        for (const auto& note : notes) out << dim << note << reset << '\n';
    }
}

}  // namespace

void register_report(CLI::App& app, Context& ctx) {
    struct Args {
        std::vector<std::string> by;
        std::string compare_with;
        ReportRequest request;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = add_command(app, "report",
                            "Count service users by service, keyworker, age band, gender, "
                            "ethnicity, need or status",
                            "");
    cmd->footer(kFooter);
    cmd->add_option("--by", args->by,
                    "Segment by this dimension (once or twice): service, keyworker, age-band, "
                    "gender, ethnicity, need, status")
        ->option_text("DIM")
        ->delimiter(',')
        ->allow_extra_args(false);
    cmd->add_option("--service", args->request.service, "Only this service")->option_text("CODE");
    cmd->add_option("--keyworker", args->request.keyworker, "Only this keyworker's caseload")
        ->option_text("USERNAME");
    cmd->add_option("--need", args->request.need, "Only people with this support need")
        ->option_text("NEED");
    cmd->add_flag("--include-left", args->request.include_left, "Also count people who have left");
    cmd->add_option("--compare", args->compare_with,
                    "Add the percentage of each segment among the people on the same Star (or, "
                    "with 'benchmark', other organisations'), and the difference")
        ->expected(0, 1)
        ->option_text("[benchmark]");
    cmd->add_option("--suppress-below", args->request.suppress_below,
                    "Hide counts under N (default: no suppression)")
        ->option_text("N")
        ->check(CLI::Range(1LL, 1000000000LL));
    cmd->callback([&ctx, args, cmd] {
        ReportRequest request = args->request;
        request.compare = cmd->count("--compare") > 0;
        if (request.compare && !args->compare_with.empty()) {
            if (ascii_lower(trim(args->compare_with)) != "benchmark")
                throw Error(Exit::usage,
                            fmt::format("--compare takes nothing or 'benchmark', not '{}'",
                                        printable(args->compare_with)),
                            "--compare: the people on your Star; --compare benchmark: other "
                            "organisations' files (caseload benchmark add)");
            request.compare_benchmark = true;
        }
        request.by.clear();
        for (const auto& name : args->by) request.by.push_back(parse_dimension_or_throw(name));
        check_dimensions(request.by);
        const Format format = ctx.format();  // a bad --format fails before any counting
        Register& reg = ctx.reg();
        Report report = run_report(reg, ctx.actor().member, request, today());

        if (format == Format::table) {
            write_table(report, std::cout, colour_enabled(STDOUT_FILENO));
            std::cout.flush();
        } else {
            RecordWriter writer(format, field_names(report), std::cout);
            for (const auto& row : report.rows) writer.add(row_json(report, row));
            writer.finish();
        }
        if (report.total == 0 && !report.total_suppressed)
            ctx.note("No service users to count: none you may see match.");
        // In a table the notes are under it; other formats carry data only.
        if (format != Format::table)
            for (const auto& note : benchmark_notes(report)) ctx.note(note);
    });
}

}  // namespace caseload::cli
