#pragma once
// Small-number protection of published counts (issue 14), shared by reports,
// their totals and benchmarks, and by the aggregate files of
// 'caseload benchmark export'.
//
// The rule (NHS Digital's, aligned to the threshold): a count under the
// threshold is hidden; every other count, and every total, is rounded to the
// nearest 5; percentages are computed from the rounded figures. The threshold
// asked for is raised to at least 8 (NHS Digital's: 1 to 7 hidden), and to the
// next of 8, 13, 18, ... (5k + 3): then the
// smallest shown count, N, is shown as N + 2, and every shown figure F stands
// for exactly the five counts F - 2 .. F + 2, none of them under the
// threshold. Knowing that a shown count is "at least N" narrows nothing, and
// every hidden count has at least seven possible values (1 .. N - 1, or 0 ..
// N - 1 where zero rows are listed). With a threshold of 3 (0 .. 2 hidden)
// the differencing test pinned hidden counts of random registers; with 8 and
// 13 it pins none. A difference of two shown figures is
// uncertain by +-4, so subtracting one report from another (keyworker x age
// band from keyworker) no longer gives a hidden count away. The same count is
// always shown as the same figure, so asking again teaches nothing new.
// Not a proof: tests/e2e/disclosure.py, integer programming over every report
// a person can ask of random registers, still pins a few hidden counts (4 of
// 996: two hidden counts whose shown sum is at the top of their range).
#include <optional>

namespace caseload {

inline constexpr long long kMinimumThreshold = 8;

// The threshold applied for a requested one (>= 1): the smallest 5k + 3, at
// least 8, that is not below it (1 .. 8 -> 8; 9 .. 13 -> 13).
long long effective_threshold(long long requested);

// `count` rounded to the nearest multiple of 5, halves up (12 -> 10, 13 -> 15).
long long round_to_five(long long count);

// What may be shown of a count under an effective threshold: nullopt when
// hidden, else the rounded figure. `threshold` 0: no protection (as is).
std::optional<long long> protect_count(long long count, long long threshold);

// count / base in tenths of a percent, from the figures as shown (both
// protected); nullopt when either is hidden.
std::optional<long long> protected_percent_tenths(long long count, long long base,
                                                  long long threshold);

}  // namespace caseload
