#pragma once
// Benchmarks shared between organisations (issue 14, spec §7): an aggregate
// file of one Star's protected counts, written by 'caseload benchmark
// export', stored by another organisation's 'benchmark add', and compared
// with by 'report --compare benchmark'. No record leaves: only counts per
// segment of one dimension, each protected as in disclosure.hpp.
//
// The file (JSON; man caseload-benchmark(1)):
//   {"format": "caseload-benchmark", "version": 1,
//    "organisation": "Northside Housing", "star": "homelessness",
//    "made_on": "2026-11-26", "threshold": 8, "rounding": 5,
//    "people": 1235,
//    "segments": {"age_band": [{"value": "18-24", "count": 125,
//                               "suppressed": false}, ...],
//                 "gender": [...], "ethnicity": [...], "need": [...],
//                 "status": [...]}}
// people: the active people on the Star (rounded). Segments of age_band,
// gender, ethnicity and need count active people; status counts active and
// left. A hidden count is "count": null, "suppressed": true.
#include <optional>
#include <string>
#include <vector>

#include "caseload/dates.hpp"
#include "caseload/register.hpp"
#include "caseload/report.hpp"

namespace caseload {

inline constexpr int kBenchmarkVersion = 1;
inline constexpr long long kBenchmarkDefaultThreshold = 8;
// The fewest other organisations a benchmark may rest on, so that no single
// one can be read off.
inline constexpr long long kBenchmarkMinimumOrganisations = 3;

// The dimensions a benchmark file holds, in its order.
const std::vector<Dimension>& benchmark_dimensions();

// The aggregate file of this organisation's people on `star_code`, as JSON
// text (lead only: it covers the whole organisation).
std::string export_benchmark(Register& reg, const StaffMember& who, std::string_view star_code,
                             const std::optional<std::string>& pseudonym, long long suppress_below,
                             const Date& today);

struct StoredBenchmark {
    Key id = 0;
    std::string organisation;
    std::string star;
    std::string made_on;
    long long people = 0;
    std::string added_at;
    std::string content;  // the file as validated
};

// Checks a benchmark file (Error(invalid) naming what is wrong and where)
// and stores it, audited (lead only). Returns what was stored.
StoredBenchmark add_benchmark(Register& reg, const Actor& actor, std::string_view text,
                              std::string_view source_name);

std::vector<StoredBenchmark> list_benchmarks(Register& reg,
                                             const std::optional<std::string>& star = {});

// Removes a stored file by id, audited (lead only).
StoredBenchmark remove_benchmark(Register& reg, const Actor& actor, Key id);

// The average of the stored files for `star_code` as one population, for
// 'report --compare benchmark': counts and people summed over the files
// (a weighted average); hidden counts add nothing. Refuses a dimension the
// files do not hold, and fewer than kBenchmarkMinimumOrganisations files.
Benchmark pooled_benchmark(Register& reg, std::string_view star_code, const ReportRequest& request);

}  // namespace caseload
