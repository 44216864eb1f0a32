#pragma once
// Drawing of `caseload report` shared by its table, the Markdown text and the
// HTML page (report_page.cpp): the words that state what a report covers, and
// the two document formats. The counting is in the core (report.hpp).
#include <iosfwd>
#include <string>

#include "caseload/report.hpp"

namespace caseload::cli {

// One decimal place from tenths, exactly; with `sign` a leading + or -.
std::string tenths_text(long long tenths, bool sign = false);

// What the report counts and when: "Active service users on 2026-11-26",
// "Service users who started, 2026-10-01 to 2026-12-31, by month", ...
std::string report_title(const Report& report);
// The period alone: "on 2026-11-26", "2026-10-01 to 2026-12-31", "up to 2026-12-31".
std::string report_period_text(const Report& report);
// "Test Org: the whole organisation".
std::string report_scope_line(const Report& report);
// A column heading for a dimension: "age band".
std::string dimension_heading(Dimension d);
// The heading of a flow's first column: the unit (month, quarter, year) or "period".
std::string flow_period_heading(const Report& report);

// The notes under a report's table (needs overlap, --compare, suppression).
std::vector<std::string> report_notes(const Report& report);

// One self-contained page: inline CSS and SVG, no script, nothing fetched.
void write_report_html(const Report& report, std::ostream& out);
// GitHub-flavoured Markdown tables, for pasting into a document.
void write_report_markdown(const Report& report, std::ostream& out);

}  // namespace caseload::cli
