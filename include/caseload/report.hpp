#pragma once
// Reports (spec §7): counts of service users segmented by one or two
// dimensions, limited to what the actor may see, with percentages, an optional
// organisation-wide benchmark and optional small-number suppression. This is
// the counting only, as data; the CLI draws it.
//
// Decisions (documented in 'caseload report --help'):
// - No --by: one row, the number of people in scope (count and 100.0 %).
// - Percent is the share of the people in scope (after the filters). For the
//   `need` dimension a person with several needs counts once under each need,
//   so the percentages may add up to more than 100; people with no need
//   recorded make a `not-recorded` row.
// - Missing gender, ethnicity or need: `not-recorded`. Age band: from the date
//   of birth as of today, else the recorded band, else `unknown`.
// - Rows are in each dimension's natural order: age bands, genders, ethnic
//   groups and statuses in their list order; services, keyworkers and needs by
//   code (username); `not-recorded` last. Stable, so reports line up.
// - Percentages are rounded to one decimal place (half up, in exact integer
//   arithmetic); the difference is that of the rounded figures, so the shown
//   columns add up.
// - --service / --keyworker outside the actor's scope are refused (denied):
//   nothing is counted. Unknown ones are not found.
// - --compare: the benchmark is the people in services on the same Star as
//   the report's people (spec §7), with the same --need and --include-left,
//   but not --service / --keyworker nor the actor's scope. A report whose
//   people are on several Stars is refused (usage): add --service or --need.
//   When the benchmark is the report's own people, it is not shown
//   (benchmark_is_self) rather than a difference of 0.0. Only its
//   percentages are ever shown. Segments of the fixed lists (age band,
//   gender, ethnicity, status) that the benchmark has but the scope has not
//   are listed with count 0.
// - Needs are keyed by Star and code: when a report's needs come from
//   several Stars each is shown as star/code, and its percentage is a share
//   of the people (in scope) on that Star.
// - --suppress-below N: see disclosure.hpp (hidden under the threshold,
//   everything else and every total rounded to 5, percentages from the
//   rounded figures). Default: no suppression.
//
// Periods and complete tables (issue 15):
// - A dimension with a fixed list (age band, gender, ethnicity, status, the
//   needs of the Stars in scope, the periods of --by month|quarter|year) shows
//   every value, count 0 included; --hide-empty drops the rows with 0.
// - --by month|quarter|year groups by the period of started_on (or left_on
//   with --of left); the people counted are those whose date lies in
//   --since..--until (default: from the first such date to today), whatever
//   their status now.
// - --since/--until without a period dimension count the people supported at
//   some time in the period: started on or before --until and not left before
//   --since.
// - --flow: for each period, the people active at its start (started before
//   it, not left before it), started in it, left in it, and active at its end
//   (started by its last day, not left by then); end = start + started - left.
// - Two dimensions: each value of the first gets a subtotal (the people with
//   it) and each row its percentage of that subtotal.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "caseload/dates.hpp"
#include "caseload/model.hpp"

namespace caseload {

class Register;

enum class Dimension {
    service,
    keyworker,
    age_band,
    gender,
    ethnicity,
    need,
    status,
    month,
    quarter,
    year
};
// Which date --by month|quarter|year groups by (--of).
enum class PeriodDate { started, left };

inline constexpr std::size_t kMaxReportDimensions = 2;
inline constexpr std::string_view kNotRecorded = "not-recorded";

// All dimensions, in the order they are listed to people.
std::span<const Dimension> all_dimensions();
// As given to --by: "age-band".
std::string_view dimension_name(Dimension d);
// As a field of json/csv rows: "age_band".
std::string_view dimension_field(Dimension d);
// Parses a --by value: the name or the field name, any case.
std::optional<Dimension> parse_dimension(std::string_view text);
// Throws Error(usage) for an unknown name (listing the allowed ones).
Dimension parse_dimension_or_throw(std::string_view text);
// Values of the fixed drop-down lists (age band, gender, ethnicity, status).
bool is_fixed_list(Dimension d);
// month, quarter, year.
bool is_period(Dimension d);

// Periods: "2026-10" (month), "2026-Q4" (quarter), "2026" (year).
std::string period_label(Dimension unit, const Date& d);
// The first day of the period holding `d`, and of the next one.
Date period_start(Dimension unit, const Date& d);
Date next_period_start(Dimension unit, const Date& start);
// The first day of the period a label names; nullopt for anything else.
std::optional<Date> period_label_start(Dimension unit, std::string_view label);

// One period of a report, clipped to the report's dates.
struct PeriodSpan {
    std::string label;
    Date from;
    Date to;  // inclusive
};
// The periods of `unit` from `from` to `to` (inclusive), the first and last
// clipped to them. Throws Error(usage) beyond 1,200 periods.
std::vector<PeriodSpan> periods_between(Dimension unit, const Date& from, const Date& to);

struct ReportRequest {
    std::vector<Dimension> by;  // 0, 1 or 2
    std::optional<std::string> service;
    std::optional<std::string> keyworker;
    std::optional<std::string> need;
    bool include_left = false;
    bool compare = false;
    bool compare_benchmark = false;  // --compare benchmark: other organisations' files
    long long suppress_below = 0;    // 0: no suppression
    std::optional<Date> since;       // --since, inclusive
    std::optional<Date> until;       // --until, inclusive (default: today)
    PeriodDate period_of = PeriodDate::started;
    bool flow = false;
    bool hide_empty = false;
};

// What a report's people are, as to dates.
enum class DateFilter {
    none,           // no period: the status filter alone (a snapshot today)
    active_during,  // --since/--until: supported at some time in the period
    started_in,     // --by PERIOD: started in the period
    left_in,        // --by PERIOD --of left: left in the period
    flow,           // --flow: active at some time in the period
};

// The period a report covers, as resolved against today.
struct ReportPeriod {
    DateFilter filter = DateFilter::none;
    std::optional<Date> from;  // nullopt: from the first date there is
    Date to;                   // --until, else today
};

// The date filter and dates of a request; throws Error(usage) for --since
// after --until, --of or a period dimension where they mean nothing, and a
// flow with more than one dimension besides its period.
ReportPeriod resolve_period(const ReportRequest& request, const Date& today);

// Throws Error(usage) for more than two dimensions or one given twice.
void check_dimensions(const std::vector<Dimension>& by);

// One segment's count, its values as codes (one per dimension).
struct SegmentCount {
    std::vector<std::string> values;
    long long count = 0;
    Key star = 0;  // the Star of a need value (0: not a need, or not recorded)
};

// What the database says for one population: segment counts and the number
// of distinct people (the denominator of the percentages).
struct Tally {
    std::vector<SegmentCount> segments;
    long long people = 0;
    // With the need dimension: the people counted on each Star (by key),
    // and whether the needs are of several Stars (values star/code).
    std::map<Key, long long> people_by_star;
    bool needs_by_star = false;
    // Per dimension, every value to list (count 0 included); empty: only
    // the values found.
    std::vector<std::vector<std::string>> domains;
    // Two dimensions, the second overlapping (need): the people per value of
    // the first. Empty otherwise (the rows add up).
    std::vector<SegmentCount> groups;
};

// The population a report is compared with (--compare).
struct Benchmark {
    std::string star;             // the Star's code
    bool is_self = false;         // the benchmark is the report's own people
    long long organisations = 0;  // --compare benchmark: files it rests on
    std::optional<Tally> tally;   // nullopt when is_self; never in a Report
    long long people = 0;         // as shown (rounded under --suppress-below)
    bool people_suppressed = false;
};

struct ReportRow {
    std::vector<std::string> values;  // codes, one per dimension of the request
    long long count = 0;              // as shown: rounded under --suppress-below
    long long percent_tenths = 0;     // share of the people in scope, in tenths of a percent
    bool suppressed = false;          // count and every percentage hidden
    Key star = 0;                     // a need's Star
    // --compare: the organisation's share of the same segment, and
    // percent - organisation_percent; nullopt when hidden by suppression.
    std::optional<long long> organisation_percent_tenths;
    std::optional<long long> difference_tenths;
    // Two dimensions: the share of the row's subtotal (its first value).
    std::optional<long long> row_percent_tenths;
};

// --flow: one period (and a value of the other dimension, when given).
struct FlowRow {
    std::vector<std::string> values;  // the period label first
    long long active_at_start = 0;
    long long started = 0;
    long long left = 0;
    long long active_at_end = 0;
    // Under --suppress-below: which counts are hidden (kFlowStart, ...),
    // the others being rounded (disclosure.hpp).
    unsigned hidden = 0;
};
inline constexpr unsigned kFlowStart = 1, kFlowStarted = 2, kFlowLeft = 4, kFlowEnd = 8;

struct Report {
    ReportRequest request;
    long long total = 0;  // people in scope (as shown: rounded under --suppress-below)
    bool total_suppressed = false;
    long long threshold = 0;             // effective suppression threshold (0: none)
    bool overlapping = false;            // a person may count in several rows (need)
    bool needs_by_star = false;          // need values are star/code, shares of their Star
    std::optional<Benchmark> benchmark;  // with --compare: what it rests on
    std::vector<ReportRow> rows;
    // Two dimensions: one per value of the first, count = its people.
    std::vector<ReportRow> subtotals;
    ReportPeriod period;
    std::string organisation;   // its name
    std::string scope;          // who is counted, in words
    std::vector<FlowRow> flow;  // --flow only (rows, subtotals empty)
    // --flow: active at the start of the first period, the sums of started
    // and left, active at the end of the last (over every value).
    FlowRow flow_total;
};

// count / people as tenths of a percent, rounded half up; 0 when people is 0.
long long percent_tenths(long long count, long long people);

// Pure: orders the segments, computes percentages, the benchmark and the
// suppression. `benchmark` is given with request.compare.
Report assemble_compared_report(const ReportRequest& request, Tally scope,
                                const std::optional<Benchmark>& benchmark);
// As above, the benchmark being `organisation`, on one Star.
Report assemble_report(const ReportRequest& request, Tally scope,
                       const std::optional<Tally>& organisation);

// Orders rows by the natural order of each dimension (see above).
bool report_value_less(Dimension d, std::string_view a, std::string_view b);

// The SQL expression giving the age-band code of `su` as of `today` (from the
// date of birth, else the recorded band, else 'unknown').
std::string age_band_sql(const Date& today);

// Who and what a count covers, resolved against the Directory.
struct ReportPopulation {
    bool whole_organisation = false;  // no actor scope
    std::vector<Key> managed_services;
    std::vector<Key> worker_services;
    Key keyworker_self = 0;  // the actor, for their own caseload
    std::optional<Key> service;
    std::optional<Key> keyworker;
    std::vector<Key> need_keys;  // empty: no need filter
    bool include_left = false;
    std::vector<Key> star_services;  // not empty: only these services (a Star's)
    ReportPeriod period;
    PeriodDate period_of = PeriodDate::started;
    // Under suppression: the people no count includes (people_left_out,
    // disclosure.hpp), whatever the filters.
    std::vector<Key> left_out;
};

// The population of the report for `who` (checks the filters: unknown ones
// are not found, ones outside the actor's scope are denied).
ReportPopulation report_population(const Directory& dir, const StaffMember& who,
                                   const ReportRequest& request);

// The benchmark population: the services on `star`, same need and status.
ReportPopulation star_population(const Directory& dir, const ReportPopulation& scope, Key star);

// The Stars of the services of the people in a population (one query).
std::vector<Key> stars_of(Register& reg, const ReportPopulation& population);

// Counts one population in SQL (GROUP BY over the indexes; names mapped
// afterwards from the Directory).
Tally count_segments(Register& reg, const std::vector<Dimension>& by,
                     const ReportPopulation& population, const Date& today);

// Every value of a fixed-list dimension for this population (the Stars'
// needs: of the services in scope); empty for the others and for periods.
std::vector<std::string> dimension_domain(const Directory& dir, Dimension d,
                                          const ReportPopulation& population);

// People with the same dates (ISO text; left_on empty when they have not
// left) and the same value of the dimension besides the period (empty
// without one). A need's value keeps its Star (`star`, else 0): two Stars'
// needs with one code stay apart, as in count_segments.
struct FlowCount {
    std::string value;
    std::string started_on;
    std::string left_on;
    long long count = 0;
    Key star = 0;
};
// Pure: the rows of --flow, per value (in the order given) and period.
std::vector<FlowRow> assemble_flow(const std::vector<PeriodSpan>& periods,
                                   const std::vector<std::string>& values,
                                   const std::vector<FlowCount>& counts);

// The whole report: checks, counts, benchmark, assembly.
Report run_report(Register& reg, const StaffMember& who, const ReportRequest& request,
                  const Date& today);

}  // namespace caseload
