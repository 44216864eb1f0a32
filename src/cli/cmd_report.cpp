// caseload report: the counting is in the core (report.hpp); this file holds
// the command line and the drawing (table with bars, json, jsonl, csv, tsv).
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <iostream>

#include "caseload/error.hpp"
#include "caseload/report.hpp"
#include "caseload/text.hpp"
#include "context.hpp"
#include "report_page.hpp"

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
  and percentages are computed from the rounded figures. Every protected
  count also leaves out at most one person per service, chosen by the
  register's secret, so that no combination of reports gives a hidden count.
  N is raised to at least 8 and to the next of 8, 13, 18, ... (see
  caseload-report(1) for why). There is no suppression by default.

Periods (every report states the one it covers):
  --since/--until: the people supported at some time in the period (started
  by --until, not left before --since). --by month|quarter|year: who started
  (--of left: left) in each period, every period listed. --flow: per period,
  active at the start, started, left and active at the end.

Complete tables: fixed lists (age bands, genders, ethnic groups, statuses, the
Stars' needs, periods) show every value, 0 included, unless --hide-empty. Two
dimensions get a subtotal per value of the first and row %.

Fields (json, jsonl, csv, tsv): from and to (with a period), the dimension
fields (service, keyworker, age_band, gender, ethnicity, need, status, month,
quarter, year), count, percent; with two dimensions row_percent; with
--compare organisation_percent, difference; with --suppress-below suppressed.
--flow: from, to, the period, the other dimension, active_at_start, started,
left, active_at_end. json is one object, {"rows": [...], "total": {...}};
jsonl has a line a row, then a last line {"total": {...}}; the total is
{"count": N} (a flow's: its four figures). --no-header leaves the table's
title and headings out. --format html writes one self-contained page with SVG
charts; --format md Markdown tables.

The table draws a bar for each count, scaled so the largest fills the width of
the terminal (else $COLUMNS, else 80 columns). Colour (--color auto, the
default: on a terminal, not with NO_COLOR) marks the bars and the sign of a
difference only.

Examples:
  caseload report --by gender --service HOM --compare
  caseload report --by service --by age-band --format csv
  caseload report --by need --suppress-below 5 --json
  caseload report --by keyworker --include-left --by status
  caseload report --flow --by quarter --since 2026-04-01 --until 2027-03-31
  caseload report --by age-band --format html > board.html)";

Json tenths_json(const std::optional<long long>& tenths) {
    return tenths ? Json(static_cast<double>(*tenths) / 10.0) : Json(nullptr);
}

std::vector<std::string> field_names(const Report& report) {
    std::vector<std::string> fields;
    if (report.period.filter != DateFilter::none) fields.insert(fields.end(), {"from", "to"});
    for (Dimension d : report.request.by) fields.emplace_back(dimension_field(d));
    if (report.request.flow) {
        if (std::none_of(report.request.by.begin(), report.request.by.end(), is_period))
            fields.insert(fields.begin() + 2, "period");
        fields.insert(fields.end(), {"active_at_start", "started", "left", "active_at_end"});
        if (report.threshold > 0) fields.emplace_back("suppressed");
        return fields;
    }
    fields.insert(fields.end(), {"count", "percent"});
    if (report.request.by.size() == 2) fields.emplace_back("row_percent");
    if (report.request.compare) fields.insert(fields.end(), {"organisation_percent", "difference"});
    if (report.threshold > 0) fields.emplace_back("suppressed");
    return fields;
}

Json date_json(const std::optional<Date>& d) {
    return d ? Json(d->iso()) : Json(nullptr);
}

// A row for json/jsonl/csv/tsv: a suppressed count is null (an empty cell in
// csv/tsv, beside suppressed = true).
Json row_json(const Report& report, const ReportRow& row) {
    Json j = Json::object();
    if (report.period.filter != DateFilter::none) {
        j["from"] = date_json(report.period.from);
        j["to"] = report.period.to.iso();
    }
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
    if (by.size() == 2) j["row_percent"] = tenths_json(row.row_percent_tenths);
    if (report.request.compare) {
        j["organisation_percent"] = tenths_json(row.organisation_percent_tenths);
        j["difference"] = tenths_json(row.difference_tenths);
    }
    if (report.threshold > 0) j["suppressed"] = row.suppressed;
    return j;
}

// A flow row: the period's own dates, its label, the other value, the counts.
Json flow_json(const Report& report, const FlowRow& row, const std::vector<PeriodSpan>& spans) {
    Json j = Json::object();
    const PeriodSpan* span = nullptr;
    for (const auto& s : spans)
        if (s.label == row.values[0]) span = &s;
    j["from"] = span ? Json(span->from.iso()) : date_json(report.period.from);
    j["to"] = span ? span->to.iso() : report.period.to.iso();
    const auto fields = field_names(report);
    for (std::size_t i = 0; i < row.values.size(); ++i) j[fields[2 + i]] = row.values[i];
    auto figure = [&](long long value, unsigned bit) {
        return row.hidden & bit ? Json(nullptr) : Json(value);
    };
    j["active_at_start"] = figure(row.active_at_start, kFlowStart);
    j["started"] = figure(row.started, kFlowStarted);
    j["left"] = figure(row.left, kFlowLeft);
    j["active_at_end"] = figure(row.active_at_end, kFlowEnd);
    if (report.threshold > 0) j["suppressed"] = row.hidden != 0;
    return j;
}

// The total of json and jsonl: the people counted ({"count": N}), or for a
// flow the four figures over the whole period and every value.
Json total_json(const Report& report) {
    if (report.request.flow) {
        const FlowRow& row = report.flow_total;
        auto figure = [&](long long value, unsigned bit) {
            return row.hidden & bit ? Json(nullptr) : Json(value);
        };
        Json total{{"active_at_start", figure(row.active_at_start, kFlowStart)},
                   {"started", figure(row.started, kFlowStarted)},
                   {"left", figure(row.left, kFlowLeft)},
                   {"active_at_end", figure(row.active_at_end, kFlowEnd)}};
        if (report.threshold > 0) total["suppressed"] = row.hidden != 0;
        return total;
    }
    Json total{{"count", report.total_suppressed ? Json(nullptr) : Json(report.total)}};
    if (report.threshold > 0) total["suppressed"] = report.total_suppressed;
    return total;
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

// Colour on a terminal, only where it helps: the bars, and the sign of a difference.
struct Palette {
    const char* bar = "";
    const char* plus = "";
    const char* minus = "";
    const char* reset = "";
    static Palette of(bool colour) {
        if (!colour) return {};
        return {"\x1b[36m", "\x1b[32m", "\x1b[31m", "\x1b[0m"};
    }
};

// Aligned columns: the first `label_columns` left-aligned, the rest right.
class Columns {
  public:
    explicit Columns(std::size_t label_columns) : label_columns_(label_columns) {}
    void measure(const std::vector<std::string>& cells) {
        if (widths_.size() < cells.size()) widths_.resize(cells.size(), 0);
        for (std::size_t i = 0; i < cells.size(); ++i)
            widths_[i] = std::max(widths_[i], display_width(cells[i]));
    }
    // Numbers get at least the width of "100.0" so columns stay steady.
    void steady_numbers() {
        for (std::size_t i = label_columns_; i < widths_.size(); ++i)
            widths_[i] = std::max<std::size_t>(widths_[i], 5);
    }
    std::size_t width() const {
        std::size_t total = 0;
        for (std::size_t w : widths_) total += w;
        return total + 2 * (widths_.empty() ? 0 : widths_.size() - 1);
    }
    // `paint` may wrap a cell (after padding) in colour.
    std::string line(
        const std::vector<std::string>& cells,
        const std::function<std::string(std::size_t, const std::string&)>& paint = nullptr) const {
        std::string line;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            std::size_t pad = widths_[i] - display_width(cells[i]);
            std::string cell = paint ? paint(i, cells[i]) : cells[i];
            if (i) line += "  ";
            if (i < label_columns_)
                line += cell + std::string(pad, ' ');
            else
                line += std::string(pad, ' ') + cell;
        }
        return line;
    }

  private:
    std::size_t label_columns_;
    std::vector<std::size_t> widths_;
};

std::string trimmed(std::string line) {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line;
}

void write_heading(const Report& report, std::ostream& out) {
    out << report_title(report) << '\n' << report_scope_line(report) << "\n\n";
}

void write_notes(const Report& report, std::ostream& out) {
    auto notes = report_notes(report);
    if (notes.empty()) return;
    out << '\n';
    for (const auto& note : notes) out << note << '\n';
}

void write_table(const Report& report, std::ostream& out, bool colour) {
    const auto& request = report.request;
    const auto& by = request.by;
    const std::string hidden = fmt::format("<{}", report.threshold);
    const std::size_t dims = by.size();
    const bool two = dims == 2;
    const Palette palette = Palette::of(colour);

    // Cells: the dimension columns (left-aligned), then the numbers (right).
    std::vector<std::string> heading;
    for (Dimension d : by) heading.push_back(dimension_heading(d));
    if (by.empty()) heading.emplace_back("");
    heading.insert(heading.end(), {"count", "%"});
    if (two) heading.emplace_back("row %");
    if (request.compare) heading.insert(heading.end(), {"org %", "diff"});
    const std::size_t diff_column = request.compare ? heading.size() - 1 : heading.size();

    auto number_cells = [&](const ReportRow& row, bool subtotal) {
        std::vector<std::string> cells;
        cells.push_back(row.suppressed ? hidden : with_thousands(row.count));
        cells.push_back(row.suppressed ? "" : tenths_text(row.percent_tenths));
        if (two)
            cells.push_back(subtotal                 ? (row.suppressed ? "" : "100.0")
                            : row.row_percent_tenths ? tenths_text(*row.row_percent_tenths)
                                                     : "");
        if (request.compare) {
            cells.push_back(row.organisation_percent_tenths
                                ? tenths_text(*row.organisation_percent_tenths)
                                : "");
            cells.push_back(row.difference_tenths ? tenths_text(*row.difference_tenths, true) : "");
        }
        return cells;
    };

    // The lines: rows, and with two dimensions a subtotal after each group.
    struct Line {
        std::vector<std::string> cells;
        const ReportRow* bar = nullptr;  // the row whose count gets a bar
    };
    std::vector<Line> lines;
    std::size_t group = 0;
    for (std::size_t r = 0; r < report.rows.size(); ++r) {
        const ReportRow& row = report.rows[r];
        std::vector<std::string> cells;
        // With two dimensions, the first is written once per group.
        bool first_of_group = r == 0 || report.rows[r - 1].values[0] != row.values[0];
        for (std::size_t i = 0; i < dims; ++i)
            cells.push_back(i == 0 && two && !first_of_group ? "" : printable(row.values[i], 40));
        auto numbers = number_cells(row, false);
        cells.insert(cells.end(), numbers.begin(), numbers.end());
        lines.push_back({std::move(cells), &row});
        bool last_of_group =
            r + 1 == report.rows.size() || report.rows[r + 1].values[0] != row.values[0];
        if (two && last_of_group && group < report.subtotals.size()) {
            std::vector<std::string> sub{"", "subtotal"};
            auto sub_numbers = number_cells(report.subtotals[group++], true);
            sub.insert(sub.end(), sub_numbers.begin(), sub_numbers.end());
            lines.push_back({std::move(sub), nullptr});
        }
    }
    // The total line: the people counted.
    std::vector<std::string> total{"total"};
    for (std::size_t i = 1; i < dims; ++i) total.emplace_back("");
    total.push_back(report.total_suppressed ? hidden : with_thousands(report.total));
    total.push_back(report.total_suppressed || report.total == 0 ? "" : "100.0");
    if (two) total.emplace_back("");
    if (request.compare) {
        const ReportRow* only = by.empty() && !report.rows.empty() ? &report.rows.front() : nullptr;
        total.push_back(only && only->organisation_percent_tenths
                            ? tenths_text(*only->organisation_percent_tenths)
                            : "");
        total.push_back(
            only && only->difference_tenths ? tenths_text(*only->difference_tenths, true) : "");
    }

    Columns columns(by.empty() ? 1 : dims);
    columns.measure(heading);
    for (const auto& l : lines) columns.measure(l.cells);
    columns.measure(total);
    columns.steady_numbers();
    const std::size_t text_width = columns.width();
    const std::size_t width = terminal_width();
    const std::size_t cells = width > text_width + 2 + 10 ? width - text_width - 2 - 1 : 10;

    long long largest = 0;
    for (const auto& row : report.rows)
        if (!row.suppressed) largest = std::max(largest, row.count);

    auto paint = [&](std::size_t column, const std::string& cell) -> std::string {
        if (column != diff_column || cell.empty() || !*palette.reset) return cell;
        const char* c = cell[0] == '+' ? palette.plus : cell[0] == '-' ? palette.minus : "";
        return *c ? c + cell + palette.reset : cell;
    };
    if (headers_shown()) {  // --no-header: the rows and the total only
        write_heading(report, out);
        out << trimmed(columns.line(heading)) << '\n';
    }
    for (const auto& l : lines) {
        std::string line = columns.line(l.cells, paint);
        long long eighths =
            l.bar && !l.bar->suppressed ? report_bar_eighths(l.bar->count, largest, cells) : 0;
        if (eighths > 0)
            out << line << "  " << palette.bar << report_bar(eighths) << palette.reset << '\n';
        else
            out << trimmed(line) << '\n';
    }
    out << trimmed(columns.line(total, paint)) << '\n';
    write_notes(report, out);
}

// --flow as a table: per period (and value), the four counts, and a total.
void write_flow_table(const Report& report, std::ostream& out) {
    const auto& flow = report.flow;
    const bool with_value = !flow.empty() && flow.front().values.size() > 1;
    std::vector<std::string> heading{flow_period_heading(report)};
    for (Dimension d : report.request.by)
        if (!is_period(d)) heading.push_back(dimension_heading(d));
    heading.insert(heading.end(), {"active at start", "started", "left", "active at end"});
    const std::size_t labels = with_value ? 2 : 1;
    std::vector<std::vector<std::string>> lines;
    for (std::size_t r = 0; r < flow.size(); ++r) {
        const FlowRow& row = flow[r];
        std::vector<std::string> cells;
        cells.push_back(printable(row.values[0], 40));
        if (with_value) cells.push_back(printable(row.values[1], 40));
        for (const auto& cell : flow_cells(report, row)) cells.push_back(cell);
        lines.push_back(std::move(cells));
    }
    // The total (from the core): active at the start of the first period,
    // the sums, active at the end of the last (over every value).
    std::vector<std::string> total{"total"};
    if (with_value) total.emplace_back("");
    for (const auto& cell : flow_cells(report, report.flow_total)) total.push_back(cell);
    Columns columns(labels);
    columns.measure(heading);
    for (const auto& l : lines) columns.measure(l);
    columns.measure(total);
    if (headers_shown()) {  // --no-header: the rows and the total only
        write_heading(report, out);
        out << trimmed(columns.line(heading)) << '\n';
    }
    for (const auto& l : lines) out << trimmed(columns.line(l)) << '\n';
    out << trimmed(columns.line(total)) << '\n';
    write_notes(report, out);
}

bool want_colour(const std::string& when) {
    if (when == "always") return true;
    if (when == "never") return false;
    return colour_enabled(STDOUT_FILENO);
}

// Writes the report in `format` (a name: the table and machine formats of
// every command, and html and md).
void write_report(const Report& report, const std::string& format, Format machine,
                  const std::string& colour) {
    if (format == "html") return write_report_html(report, std::cout);
    if (format == "md") return write_report_markdown(report, std::cout);
    if (machine == Format::table) {
        if (report.request.flow)
            write_flow_table(report, std::cout);
        else
            write_table(report, std::cout, want_colour(colour));
        return;
    }
    Json rows = Json::array();
    if (report.request.flow) {
        std::vector<PeriodSpan> spans;
        for (Dimension d : report.request.by)
            if (is_period(d) && report.period.from)
                spans = periods_between(d, *report.period.from, report.period.to);
        for (const auto& row : report.flow) rows.push_back(flow_json(report, row, spans));
    } else {
        for (const auto& row : report.rows) rows.push_back(row_json(report, row));
    }
    // Report JSON is one object (issue 16): the rows, and the total.
    if (machine == Format::json)
        return write_single(machine, Json{{"rows", rows}, {"total", total_json(report)}},
                            std::cout);
    RecordWriter writer(machine, field_names(report), std::cout);
    for (const auto& row : rows) writer.add(row);
    writer.finish();
    // In jsonl the total is the last line, an object of its own: {"total": {...}}.
    if (machine == Format::jsonl)
        write_single(machine, Json{{"total", total_json(report)}}, std::cout);
}

}  // namespace

void register_report(CLI::App& app, Context& ctx) {
    struct Args {
        std::vector<std::string> by;
        std::string compare_with;
        std::optional<std::string> since, until;
        std::string of = "started";
        std::string colour = "auto";
        ReportRequest request;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = add_command(app, "report",
                            "Count service users by service, keyworker, age band, gender, "
                            "ethnicity, need, status or period; flows; a page for the board",
                            "");
    cmd->footer(kFooter);
    cmd->add_option("--by", args->by,
                    "Segment by this dimension (once or twice): service, keyworker, age-band, "
                    "gender, ethnicity, need, status, month, quarter, year")
        ->option_text("DIM")
        ->delimiter(',')
        ->allow_extra_args(false);
    cmd->add_option("--service", args->request.service, "Only this service")->option_text("CODE");
    cmd->add_option("--keyworker", args->request.keyworker, "Only this keyworker's caseload")
        ->option_text("USERNAME");
    cmd->add_option("--need", args->request.need, "Only people with this support need")
        ->option_text("NEED");
    cmd->add_flag("--include-left", args->request.include_left, "Also count people who have left");
    cmd->add_option("--since", args->since,
                    "The period starts on this day (YYYY-MM-DD or DD/MM/YYYY)")
        ->option_text("DATE");
    cmd->add_option("--until", args->until,
                    "The period ends on this day, included (default: today)")
        ->option_text("DATE");
    cmd->add_option("--of", args->of,
                    "With --by month|quarter|year: the date grouped, started (default) or left")
        ->option_text("DATE")
        ->check(CLI::IsMember({"started", "left", "started_on", "left_on"}));
    cmd->add_flag("--flow", args->request.flow,
                  "Per period: active at the start, started, left, active at the end");
    cmd->add_flag("--hide-empty", args->request.hide_empty,
                  "Leave out the values of fixed lists that count 0");
    cmd->add_option("--compare", args->compare_with,
                    "Add the percentage of each segment among the people on the same Star (or, "
                    "with 'benchmark', other organisations'), and the difference")
        ->expected(0, 1)
        ->option_text("[benchmark]");
    cmd->add_option("--suppress-below", args->request.suppress_below,
                    "Hide counts under N (default: no suppression)")
        ->option_text("N")
        ->check(CLI::Range(1LL, 1000000000LL));
    cmd->add_option("--color,--colour", args->colour,
                    "Colour the bars and the sign of a difference: auto (on a terminal, not "
                    "with NO_COLOR), always or never")
        ->option_text("WHEN")
        ->check(CLI::IsMember({"auto", "always", "never"}));
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
        if (request.flow)  // the period first: its rows are per period
            std::stable_partition(request.by.begin(), request.by.end(), is_period);
        if (args->since) request.since = parse_date_or_throw(*args->since, "--since");
        if (args->until) request.until = parse_date_or_throw(*args->until, "--until");
        request.period_of = args->of.starts_with("left") ? PeriodDate::left : PeriodDate::started;
        // A bad --format fails before any counting; html and md are the report's own.
        const std::string format = ctx.global.json ? "json" : ctx.global.format;
        const Format machine = format == "html" || format == "md" ? Format::table : ctx.format();
        Register& reg = ctx.reg();
        Report report = run_report(reg, ctx.actor().member, request, today());
        write_report(report, format, machine, args->colour);
        std::cout.flush();
        if (!std::cout) throw Error(Exit::failure, "could not write the report to standard output");
        if (!request.flow && report.total == 0 && !report.total_suppressed)
            ctx.note("No service users to count: none you may see match.");
        // In a table or a page the notes are in it; other formats carry data only.
        if (machine != Format::table)
            for (const auto& note : benchmark_notes(report)) ctx.note(note);
    });
}

}  // namespace caseload::cli
