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

enum class Dimension { service, keyworker, age_band, gender, ethnicity, need, status };

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

struct ReportRequest {
    std::vector<Dimension> by;  // 0, 1 or 2
    std::optional<std::string> service;
    std::optional<std::string> keyworker;
    std::optional<std::string> need;
    bool include_left = false;
    bool compare = false;
    bool compare_benchmark = false;  // --compare benchmark: other organisations' files
    long long suppress_below = 0;    // 0: no suppression
};

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
    // With the need dimension: the people counted on each Star (by key).
    std::map<Key, long long> people_by_star;
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
    long long count = 0;           // as shown: rounded under --suppress-below
    long long percent_tenths = 0;  // share of the people in scope, in tenths of a percent
    bool suppressed = false;       // count and every percentage hidden
    Key star = 0;                  // a need's Star
    // --compare: the organisation's share of the same segment, and
    // percent - organisation_percent; nullopt when hidden by suppression.
    std::optional<long long> organisation_percent_tenths;
    std::optional<long long> difference_tenths;
};

struct Report {
    ReportRequest request;
    long long total = 0;  // people in scope (as shown: rounded under --suppress-below)
    bool total_suppressed = false;
    long long threshold = 0;   // effective suppression threshold (0: none)
    bool overlapping = false;  // a person may count in several rows (need)
    bool needs_by_star = false;  // need values are star/code, shares of their Star
    std::optional<Benchmark> benchmark;  // with --compare: what it rests on
    std::vector<ReportRow> rows;
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

// The whole report: checks, counts, benchmark, assembly.
Report run_report(Register& reg, const StaffMember& who, const ReportRequest& request,
                  const Date& today);

}  // namespace caseload
