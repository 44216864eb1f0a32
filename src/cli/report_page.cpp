// The words of a report (title, period, scope, notes) and its two documents:
// Markdown, and one self-contained HTML page with inline CSS and SVG charts.
#include "report_page.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <ostream>

#include "caseload/text.hpp"
#include "output.hpp"

namespace caseload::cli {

std::string tenths_text(long long tenths, bool sign) {
    long long magnitude = tenths < 0 ? -tenths : tenths;
    std::string text = fmt::format("{}.{}", magnitude / 10, magnitude % 10);
    if (tenths < 0) return "-" + text;
    if (sign && tenths > 0) return "+" + text;
    return text;
}

std::string dimension_heading(Dimension d) {
    std::string h(dimension_field(d));
    std::replace(h.begin(), h.end(), '_', ' ');
    return h;
}

std::string flow_period_heading(const Report& report) {
    for (Dimension d : report.request.by)
        if (is_period(d)) return std::string(dimension_name(d));
    return "period";
}

std::string report_period_text(const Report& report) {
    const ReportPeriod& p = report.period;
    if (p.filter == DateFilter::none) return "on " + p.to.iso();
    if (p.from) return fmt::format("{} to {}", p.from->iso(), p.to.iso());
    return "up to " + p.to.iso();
}

std::string report_title(const Report& report) {
    const auto& request = report.request;
    std::string what;
    switch (report.period.filter) {
        case DateFilter::none:
            what =
                request.include_left ? "Service users, active and left," : "Active service users";
            return what + " " + report_period_text(report) + [&] {
                std::vector<std::string> dims;
                for (Dimension d : request.by) dims.push_back(dimension_heading(d));
                return dims.empty() ? std::string() : ", by " + join(dims, " and ");
            }();
        case DateFilter::active_during:
            what = "Service users supported";
            break;
        case DateFilter::started_in:
            what = "Service users who started";
            break;
        case DateFilter::left_in:
            what = "Service users who left";
            break;
        case DateFilter::flow:
            what = "Flow of service users";
            break;
    }
    std::vector<std::string> dims;
    for (Dimension d : request.by) dims.push_back(dimension_heading(d));
    return what + ", " + report_period_text(report) +
           (dims.empty() ? "" : ", by " + join(dims, " and "));
}

std::string report_scope_line(const Report& report) {
    return report.organisation + ": " + report.scope;
}

std::vector<std::string> benchmark_notes(const Report& report) {
    std::vector<std::string> notes;
    if (!report.request.compare || !report.benchmark) return notes;
    const Benchmark& b = report.benchmark.value();
    if (b.star.empty()) return notes;
    if (b.is_self) {
        notes.push_back(
            fmt::format("No benchmark: every person on the {} Star is in this report, "
                        "so there is nobody else to compare with.",
                        b.star));
        return notes;
    }
    std::string people = b.people_suppressed ? fmt::format("fewer than {}", report.threshold)
                                             : with_thousands(b.people);
    if (b.organisations > 0)
        notes.push_back(
            fmt::format("org % is the average of {} other organisations on the {} Star "
                        "({} people), weighted by their totals; diff is % minus org %, "
                        "in points.",
                        b.organisations, b.star, people));
    else
        notes.push_back(
            fmt::format("org % is the same segment's share of the {} people on the {} "
                        "Star; diff is % minus org %, in points.",
                        people, b.star));
    return notes;
}

std::string suppression_note(const Report& report) {
    const auto asked = report.request.suppress_below;
    std::string raised =
        asked == report.threshold
            ? ""
            : fmt::format(" (--suppress-below {} raised to {})", asked, report.threshold);
    return fmt::format(
        "Counts under {}{} are shown as <{}; other counts and totals are rounded to the nearest "
        "5, and percentages computed from the rounded figures; each service may have one person "
        "left out (see caseload-report(1)).",
        report.threshold, raised, report.threshold);
}

std::vector<std::string> flow_cells(const Report& report, const FlowRow& row) {
    std::vector<std::string> cells;
    const std::pair<long long, unsigned> figures[] = {{row.active_at_start, kFlowStart},
                                                      {row.started, kFlowStarted},
                                                      {row.left, kFlowLeft},
                                                      {row.active_at_end, kFlowEnd}};
    for (auto [value, bit] : figures)
        cells.push_back(row.hidden & bit ? fmt::format("<{}", report.threshold)
                                         : with_thousands(value));
    return cells;
}

std::vector<std::string> report_notes(const Report& report) {
    const auto& request = report.request;
    std::vector<std::string> notes;
    switch (report.period.filter) {
        case DateFilter::none:
            break;
        case DateFilter::active_during:
            notes.emplace_back(
                "Counted: everyone supported at some time in the period (started by its last day, "
                "not left before its first), whatever their status now.");
            break;
        case DateFilter::started_in:
        case DateFilter::left_in:
            notes.push_back(
                fmt::format("Counted: everyone who {} in the period, whatever their status now.",
                            report.period.filter == DateFilter::left_in ? "left" : "started"));
            break;
        case DateFilter::flow:
            notes.emplace_back(
                "Active at start: started before the period, not left before it. Active at end: "
                "started by its last day, not left by then. End = start + started - left.");
            break;
    }
    if (report.overlapping)
        notes.emplace_back(
            "A person with several needs counts once under each need, so the percentages may "
            "add up to more than 100.");
    if (request.by.size() == 2 && !request.flow)
        notes.emplace_back("row % is the share of the subtotal of the row's " +
                           dimension_heading(request.by[0]) + ".");
    if (report.needs_by_star)
        notes.emplace_back(
            "Needs of several Stars are shown as star/need; each % is a share of the people on "
            "that Star.");
    for (auto& note : benchmark_notes(report)) notes.push_back(std::move(note));
    if (report.threshold > 0) notes.push_back(suppression_note(report));
    return notes;
}

namespace {

std::string html(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// A Markdown table cell: pipes escaped, line breaks as spaces.
std::string md(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n' || c == '\r')
            out += ' ';
        else
            out += c;
    }
    return out;
}

// A table as cells, shared by Markdown and HTML: the heading, the lines
// (kind: row, subtotal, total) and which columns are the comparison.
struct Cell {
    std::string text;
    bool suppressed = false;
    int sign = 0;  // a difference: +1, -1
};
struct TableLine {
    enum Kind { row, subtotal, total } kind = row;
    std::vector<Cell> cells;
};
struct PageTable {
    std::vector<std::string> heading;
    std::size_t label_columns = 1;
    std::size_t comparison_from = 0;  // columns from here on are the comparison (0: none)
    std::vector<TableLine> lines;
};

PageTable counts_table(const Report& report) {
    const auto& request = report.request;
    const auto& by = request.by;
    const bool two = by.size() == 2;
    const std::string hidden = fmt::format("<{}", report.threshold);
    PageTable t;
    for (Dimension d : by) t.heading.push_back(dimension_heading(d));
    if (by.empty()) t.heading.emplace_back("");
    t.label_columns = t.heading.size();
    t.heading.insert(t.heading.end(), {"count", "%"});
    if (two) t.heading.emplace_back("row %");
    if (request.compare) {
        t.comparison_from = t.heading.size();
        t.heading.insert(t.heading.end(), {"org %", "diff"});
    }
    auto numbers = [&](const ReportRow& row, TableLine& line, bool subtotal) {
        line.cells.push_back({row.suppressed ? hidden : with_thousands(row.count), row.suppressed});
        line.cells.push_back({row.suppressed ? "" : tenths_text(row.percent_tenths)});
        if (two)
            line.cells.push_back({subtotal                 ? (row.suppressed ? "" : "100.0")
                                  : row.row_percent_tenths ? tenths_text(*row.row_percent_tenths)
                                                           : ""});
        if (request.compare) {
            line.cells.push_back({row.organisation_percent_tenths
                                      ? tenths_text(*row.organisation_percent_tenths)
                                      : ""});
            const auto& d = row.difference_tenths;
            line.cells.push_back(
                {d ? tenths_text(*d, true) : "", false, d ? (*d > 0) - (*d < 0) : 0});
        }
    };
    std::size_t group = 0;
    for (std::size_t r = 0; r < report.rows.size(); ++r) {
        const ReportRow& row = report.rows[r];
        TableLine line;
        for (const auto& v : row.values) line.cells.push_back({v});
        numbers(row, line, false);
        t.lines.push_back(std::move(line));
        bool last = r + 1 == report.rows.size() || report.rows[r + 1].values[0] != row.values[0];
        if (two && last && group < report.subtotals.size()) {
            TableLine sub{TableLine::subtotal, {{row.values[0] + " subtotal"}, {""}}};
            numbers(report.subtotals[group++], sub, true);
            t.lines.push_back(std::move(sub));
        }
    }
    TableLine total{TableLine::total, {{"total"}}};
    for (std::size_t i = 1; i < t.label_columns; ++i) total.cells.push_back({""});
    total.cells.push_back(
        {report.total_suppressed ? hidden : with_thousands(report.total), report.total_suppressed});
    total.cells.push_back({report.total_suppressed || report.total == 0 ? "" : "100.0"});
    if (two) total.cells.push_back({""});
    if (request.compare) {
        const ReportRow* only = by.empty() && !report.rows.empty() ? &report.rows.front() : nullptr;
        total.cells.push_back({only && only->organisation_percent_tenths
                                   ? tenths_text(*only->organisation_percent_tenths)
                                   : ""});
        total.cells.push_back(
            {only && only->difference_tenths ? tenths_text(*only->difference_tenths, true) : ""});
    }
    t.lines.push_back(std::move(total));
    return t;
}

PageTable flow_table(const Report& report) {
    PageTable t;
    t.heading.push_back(flow_period_heading(report));
    for (Dimension d : report.request.by)
        if (!is_period(d)) t.heading.push_back(dimension_heading(d));
    t.label_columns = t.heading.size();
    t.heading.insert(t.heading.end(), {"active at start", "started", "left", "active at end"});
    for (const auto& row : report.flow) {
        TableLine line;
        for (const auto& v : row.values) line.cells.push_back({v});
        for (const auto& cell : flow_cells(report, row))
            line.cells.push_back({cell, cell[0] == '<'});
        t.lines.push_back(std::move(line));
    }
    TableLine total{TableLine::total, {{"total"}}};
    for (std::size_t i = 1; i < t.label_columns; ++i) total.cells.push_back({""});
    for (const auto& cell : flow_cells(report, report.flow_total))
        total.cells.push_back({cell, cell[0] == '<'});
    t.lines.push_back(std::move(total));
    return t;
}

PageTable page_table(const Report& report) {
    return report.request.flow ? flow_table(report) : counts_table(report);
}

// ---------------------------------------------------------------------------
// SVG bar charts: horizontal bars, one per value, grouped under the values
// of the first dimension when there are two. Each bar carries its figures as
// data attributes (data-count, data-value, data-group, data-series), so that
// a test can check the drawing against the JSON report.

struct Bar {
    std::string group;  // empty: not grouped
    std::string value;
    std::string series;  // the legend's name for its colour
    long long count = 0;
    bool suppressed = false;
    std::optional<double> benchmark;  // the comparison, in the same units as count
    std::string tip;                  // the tooltip
};

constexpr const char* kSeriesColours[] = {"#0072b2", "#e69f00", "#009e73", "#cc79a7",
                                          "#56b4e9", "#d55e00", "#8c6d00", "#4d4d4d"};
constexpr int kLabelWidth = 210, kBarArea = 400, kChartWidth = 720, kRowHeight = 20,
              kGroupHeight = 24, kTop = 8;

std::string number_text(double v) {
    return fmt::format("{:.2f}", v);
}

void write_chart(std::ostream& out, const std::string& id, const std::string& caption,
                 const std::vector<Bar>& bars, const std::vector<std::string>& series,
                 long long suppress_below) {
    double largest = 0;
    for (const auto& b : bars) {
        if (!b.suppressed) largest = std::max(largest, static_cast<double>(b.count));
        if (b.benchmark) largest = std::max(largest, *b.benchmark);
    }
    const double scale = largest > 0 ? kBarArea / largest : 0;
    std::string body;
    int y = kTop;
    std::string group;
    bool first = true;
    std::map<std::string, std::size_t> series_index;
    for (std::size_t i = 0; i < series.size(); ++i) series_index[series[i]] = i;
    for (const auto& b : bars) {
        if (!b.group.empty() && (first || b.group != group)) {
            y += first ? 0 : 6;
            body +=
                fmt::format(R"(<text class="group" x="0" y="{}">{}</text>)", y + 15, html(b.group));
            body += '\n';
            y += kGroupHeight;
            group = b.group;
        }
        first = false;
        const std::size_t s = series_index.count(b.series) ? series_index[b.series] : 0;
        const char* colour = kSeriesColours[s % std::size(kSeriesColours)];
        const int indent = b.group.empty() ? 0 : 16;
        body += fmt::format(R"(<text class="label" x="{}" y="{}">{}</text>)", indent, y + 14,
                            html(b.value));
        if (b.suppressed) {
            body += fmt::format(
                R"svg(<rect class="bar suppressed" data-chart="{}" data-group="{}" data-value="{}" data-series="{}" data-suppressed="true" x="{}" y="{}" width="36" height="14" fill="url(#hatch)"><title>{}: suppressed (under {})</title></rect>)svg",
                html(id), html(b.group), html(b.value), html(b.series), kLabelWidth, y + 3,
                html(b.value), suppress_below);
            body += fmt::format(R"(<text class="count" x="{}" y="{}">suppressed</text>)",
                                kLabelWidth + 42, y + 14);
        } else {
            const double width = static_cast<double>(b.count) * scale;
            body += fmt::format(
                R"(<rect class="bar" data-chart="{}" data-group="{}" data-value="{}" data-series="{}" data-count="{}" x="{}" y="{}" width="{}" height="14" fill="{}"><title>{}</title></rect>)",
                html(id), html(b.group), html(b.value), html(b.series), b.count, kLabelWidth, y + 3,
                number_text(width), colour, html(b.tip));
            body += fmt::format(R"(<text class="count" x="{}" y="{}">{}</text>)",
                                kLabelWidth + static_cast<int>(width) + 6, y + 14,
                                with_thousands(b.count));
        }
        if (b.benchmark) {
            const double x = kLabelWidth + *b.benchmark * scale;
            body += fmt::format(
                R"(<line class="benchmark" x1="{0}" x2="{0}" y1="{1}" y2="{2}"><title>comparison: the organisation's share</title></line>)",
                number_text(x), y, y + kRowHeight);
        }
        body += '\n';
        y += kRowHeight;
    }
    // The legend: the series (two dimensions, flows) and the comparison marker.
    bool benchmark =
        std::any_of(bars.begin(), bars.end(), [](const Bar& b) { return b.benchmark; });
    std::string legend;
    int x = 0;
    y += 10;
    if (series.size() > 1)
        for (std::size_t i = 0; i < series.size(); ++i) {
            legend += fmt::format(
                R"(<rect x="{}" y="{}" width="12" height="12" fill="{}"/><text class="legend" x="{}" y="{}">{}</text>)",
                x, y, kSeriesColours[i % std::size(kSeriesColours)], x + 16, y + 11,
                html(series[i]));
            x += 24 + static_cast<int>(display_width(series[i])) * 7;
            if (x > kChartWidth - 120) {
                x = 0;
                y += 18;
            }
        }
    if (benchmark) {
        if (x > 0) y += 18;
        legend += fmt::format(
            R"(<line class="benchmark" x1="6" x2="6" y1="{}" y2="{}"/><text class="legend" x="16" y="{}">comparison: the organisation's share of each segment</text>)",
            y, y + 12, y + 11);
    }
    if (!legend.empty()) y += 18;
    out << "<figure>\n<svg class=\"chart\" data-chart=\"" << html(id)
        << "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" << kChartWidth
        << "\" height=\"" << y + 4 << "\" viewBox=\"0 0 " << kChartWidth << ' ' << y + 4
        << "\" aria-label=\"" << html(caption) << "\">\n"
        << "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
           "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eee\"/>"
           "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#999\" stroke-width=\"3\"/>"
           "</pattern></defs>\n"
        << body << legend << "\n</svg>\n<figcaption>" << html(caption)
        << "</figcaption>\n</figure>\n";
}

std::string percent_tip(const ReportRow& row, std::string_view name) {
    if (row.suppressed) return fmt::format("{}: suppressed", name);
    return fmt::format("{}: {} ({}%)", name, with_thousands(row.count),
                       tenths_text(row.percent_tenths));
}

void write_charts(const Report& report, std::ostream& out) {
    const auto& by = report.request.by;
    const long long n = report.threshold;
    if (report.request.flow) {
        // Per period: started, left, and active at the end, side by side.
        const std::vector<std::string> series{"active at end", "started", "left"};
        std::vector<Bar> bars;
        for (const auto& row : report.flow) {
            std::string group = row.values[0];
            if (row.values.size() > 1) group += " · " + row.values[1];
            const long long counts[] = {row.active_at_end, row.started, row.left};
            for (std::size_t i = 0; i < 3; ++i)
                bars.push_back({group, series[i], series[i], counts[i], false, std::nullopt,
                                fmt::format("{}, {}: {}", group, series[i], counts[i])});
        }
        write_chart(out, "flow", "Flow per " + flow_period_heading(report), bars, series, n);
        return;
    }
    if (by.empty()) return;
    auto benchmark_of = [&](const ReportRow& row) -> std::optional<double> {
        if (!row.organisation_percent_tenths) return std::nullopt;
        return static_cast<double>(*row.organisation_percent_tenths) *
               static_cast<double>(report.total) / 1000.0;
    };
    if (by.size() == 1) {
        std::vector<Bar> bars;
        for (const auto& row : report.rows)
            bars.push_back({"", row.values[0], "", row.count, row.suppressed, benchmark_of(row),
                            percent_tip(row, row.values[0])});
        write_chart(out, dimension_heading(by[0]), "By " + dimension_heading(by[0]), bars, {}, n);
        return;
    }
    // Two dimensions: the first alone (its subtotals), then both, grouped.
    std::vector<Bar> firsts;
    for (const auto& sub : report.subtotals)
        firsts.push_back({"", sub.values[0], "", sub.count, sub.suppressed, std::nullopt,
                          percent_tip(sub, sub.values[0])});
    write_chart(out, dimension_heading(by[0]), "By " + dimension_heading(by[0]), firsts, {}, n);
    std::vector<std::string> series;
    for (const auto& row : report.rows)
        if (std::find(series.begin(), series.end(), row.values[1]) == series.end())
            series.push_back(row.values[1]);
    std::stable_sort(series.begin(), series.end(),
                     [&](const auto& a, const auto& b) { return report_value_less(by[1], a, b); });
    std::vector<Bar> bars;
    for (const auto& row : report.rows)
        bars.push_back({row.values[0], row.values[1], row.values[1], row.count, row.suppressed,
                        benchmark_of(row), percent_tip(row, row.values[0] + ", " + row.values[1])});
    const std::string both = dimension_heading(by[0]) + " and " + dimension_heading(by[1]);
    write_chart(out, both, "By " + both + " (grouped)", bars, series, n);
}

constexpr const char* kStyle = R"(
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 820px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.5em; margin: 0 0 .4em; }
h2 { font-size: 1.15em; margin: 1.6em 0 .5em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: .15em 1em; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: .5em 0; font-variant-numeric: tabular-nums; }
th, td { padding: .25em .7em; border-bottom: 1px solid #e4e4e4; }
th { text-align: left; background: #f4f4f4; }
td.number, th.number { text-align: right; }
th.comparison, td.comparison { background: #f3f7fb; }
tr.subtotal td { font-style: italic; background: #fafafa; }
tr.total td { font-weight: 700; border-top: 2px solid #888; }
td.suppressed { color: #666; background: repeating-linear-gradient(45deg, #f2f2f2, #f2f2f2 4px, #e6e6e6 4px, #e6e6e6 8px); }
td.plus { color: #1b6e20; }
td.minus { color: #a01c1c; }
figure { margin: 1em 0 1.5em; }
figcaption { font-size: .9em; color: #555; }
svg.chart text { font: 12px system-ui, Arial, sans-serif; fill: #1a1a1a; }
svg.chart text.group { font-weight: 600; }
svg.chart text.count { fill: #444; }
svg.chart line.benchmark { stroke: #000; stroke-width: 2; stroke-dasharray: 3 2; }
p.note { font-size: .9em; color: #444; margin: .3em 0; }
footer { margin-top: 2em; font-size: .8em; color: #777; }
@media print { main { max-width: none; } }
)";

void write_html_table(const Report& report, std::ostream& out) {
    const PageTable t = page_table(report);
    out << "<table>\n<thead><tr>";
    for (std::size_t i = 0; i < t.heading.size(); ++i) {
        std::string classes = i >= t.label_columns ? "number" : "";
        if (t.comparison_from && i >= t.comparison_from) classes += " comparison";
        out << "<th scope=\"col\"" << (classes.empty() ? "" : " class=\"" + classes + "\"") << '>'
            << html(t.heading[i])
            << (t.comparison_from && i >= t.comparison_from ? " <small>(comparison)</small>" : "")
            << "</th>";
    }
    out << "</tr></thead>\n<tbody>\n";
    const std::string hidden_title = fmt::format("suppressed: fewer than {}", report.threshold);
    for (const auto& line : t.lines) {
        out << (line.kind == TableLine::subtotal ? "<tr class=\"subtotal\">"
                : line.kind == TableLine::total  ? "<tr class=\"total\">"
                                                 : "<tr>");
        for (std::size_t i = 0; i < line.cells.size(); ++i) {
            const Cell& c = line.cells[i];
            std::vector<std::string> classes;
            if (i >= t.label_columns) classes.emplace_back("number");
            if (t.comparison_from && i >= t.comparison_from) classes.emplace_back("comparison");
            if (c.suppressed) classes.emplace_back("suppressed");
            if (c.sign > 0) classes.emplace_back("plus");
            if (c.sign < 0) classes.emplace_back("minus");
            out << "<td" << (classes.empty() ? "" : " class=\"" + join(classes, " ") + "\"")
                << (c.suppressed ? " title=\"" + html(hidden_title) + "\"" : "") << '>'
                << html(c.text) << "</td>";
        }
        out << "</tr>\n";
    }
    out << "</tbody>\n</table>\n";
}

}  // namespace

void write_report_html(const Report& report, std::ostream& out) {
    const std::string title = report_title(report);
    out << "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'\">\n"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        << "<title>" << html(title) << " — " << html(report.organisation) << "</title>\n"
        << "<style>" << kStyle << "</style>\n</head>\n<body>\n<main>\n"
        << "<h1>" << html(title) << "</h1>\n<dl class=\"facts\">\n"
        << "<dt>Organisation</dt><dd>" << html(report.organisation) << "</dd>\n"
        << "<dt>Scope</dt><dd>" << html(report.scope) << "</dd>\n"
        << "<dt>Period</dt><dd>" << html(report_period_text(report)) << "</dd>\n";
    for (const auto& note : benchmark_notes(report))
        out << "<dt>Comparison</dt><dd>" << html(note) << "</dd>\n";
    if (report.threshold > 0)
        out << "<dt>Suppression</dt><dd>" << html(suppression_note(report)) << "</dd>\n";
    out << "</dl>\n<h2>Table</h2>\n";
    write_html_table(report, out);
    out << "<h2>" << (report.request.by.size() == 2 ? "Charts" : "Chart") << "</h2>\n";
    write_charts(report, out);
    for (const auto& note : report_notes(report))
        out << "<p class=\"note\">" << html(note) << "</p>\n";
    out << "<footer>Made by caseload " << CASELOAD_VERSION << ". Counts of people under "
        << "anonymous IDs; no record is in this page.</footer>\n</main>\n</body>\n</html>\n";
}

void write_report_markdown(const Report& report, std::ostream& out) {
    out << "## " << md(report_title(report)) << "\n\n"
        << "**Organisation:** " << md(report.organisation) << "  \n"
        << "**Scope:** " << md(report.scope) << "  \n"
        << "**Period:** " << md(report_period_text(report)) << "\n";
    for (const auto& note : benchmark_notes(report)) out << "\n*Comparison:* " << md(note) << "\n";
    const PageTable t = page_table(report);
    out << "\n|";
    for (const auto& h : t.heading) out << ' ' << md(h.empty() ? " " : h) << " |";
    out << "\n|";
    for (std::size_t i = 0; i < t.heading.size(); ++i)
        out << (i >= t.label_columns ? " ---: |" : " --- |");
    out << '\n';
    for (const auto& line : t.lines) {
        out << '|';
        const bool strong = line.kind == TableLine::total;
        const bool subtle = line.kind == TableLine::subtotal;
        for (const auto& c : line.cells) {
            std::string text = md(c.text);
            if (!text.empty() && strong) text = "**" + text + "**";
            if (!text.empty() && subtle) text = "*" + text + "*";
            out << ' ' << text << " |";
        }
        out << '\n';
    }
    auto notes = report_notes(report);
    if (!notes.empty()) out << '\n';
    for (const auto& note : notes) out << "- " << md(note) << '\n';
}

}  // namespace caseload::cli
