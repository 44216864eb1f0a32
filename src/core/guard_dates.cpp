// Guard detector: dates (warn).
//  - a plausible date of birth: DDMMYYYY or YYYYMMDD as one 8-digit run, or
//    D-M-YYYY, YYYY-M-D, D-M-YY with separators; a real calendar date, not in
//    the future, at most 120 years back;
//  - a plausible year of birth: a 4-digit run from 1920 to 16 years ago.
//  - a six-digit DDMMYY that is the whole ID (270285), a plausible date of
//    birth (16 years ago or more); six digits among other characters are
//    serials (REC-865797).
// Digits already reported as an identifier are not also a date.
#include <bit>

#include "guard_detectors.hpp"

namespace caseload::guard_internal {

namespace {

constexpr std::string_view kDateMessage = "may be a date of birth";
constexpr std::string_view kYearMessage = "may be a year of birth";

int number(const IdScan& scan, Span span) {
    int value = 0;
    for (std::uint32_t i = span.begin; i < span.end; ++i) value = value * 10 + (scan.id[i] - '0');
    return value;
}

// (count is a constant where it is called: the loop unrolled, no branch.)
[[gnu::always_inline]] inline int number(const IdScan& scan, std::uint32_t from,
                                         std::uint32_t count) {
    int value = 0;
    for (std::uint32_t k = 0; k < count; ++k) value = value * 10 + (scan.id[from + k] - '0');
    return value;
}

bool plausible(const GuardState& state, int year, int month, int day) {
    if (!is_valid_date(year, month, day)) return false;
    if (year < state.today.year - 120) return false;
    return Date{year, month, day} <= state.today;
}

// A two-digit year: this century when that is not in the future.
int full_year(const GuardState& state, int yy) {
    return 2000 + yy <= state.today.year ? 2000 + yy : 1900 + yy;
}

bool joined(const IdScan& scan, std::size_t k) {
    const Span a = scan.digit_runs[k], b = scan.digit_runs[k + 1];
    return b.begin == a.end + 1 && is_separator(scan.id[a.end]);
}

void add(Hits& hits, Span span, std::string_view message) {
    if (overlaps_kind(hits, FindingKind::identifier, span)) return;
    hits.push(Hit{FindingKind::date, Severity::warn, span, message, 0});
}

// Six digits that are the whole ID (270285): a date of birth when plausible.
[[gnu::noinline]] void six_digits(const IdScan& scan, const GuardState& state, Hits& hits) {
    const int year = full_year(state, number(scan, 4, 2));
    if (year <= state.max_birth_year &&
        plausible(state, year, number(scan, 2, 2), number(scan, 0, 2)))
        add(hits, scan.digit_runs[0], kDateMessage);
}

// detect_dates past its quick tests (out of line: most IDs stop before).
[[gnu::noinline]] void dates(const IdScan& scan, const GuardState& state, Hits& hits) {
    const std::size_t runs = scan.digit_runs.size();
    for (Span run : scan.digit_runs) {
        if (run.size() != 8) continue;
        const bool dmy = plausible(state, number(scan, run.begin + 4, 4),
                                   number(scan, run.begin + 2, 2), number(scan, run.begin, 2));
        const bool ymd = plausible(state, number(scan, run.begin, 4),
                                   number(scan, run.begin + 4, 2), number(scan, run.begin + 6, 2));
        if (dmy || ymd) add(hits, run, kDateMessage);
    }
    for (std::size_t a = 0; a + 2 < runs; ++a) {
        if (!joined(scan, a) || !joined(scan, a + 1)) continue;
        const Span x = scan.digit_runs[a], y = scan.digit_runs[a + 1], z = scan.digit_runs[a + 2];
        const auto short_part = [](Span s) { return s.size() == 1 || s.size() == 2; };
        bool date = false;
        if (short_part(x) && short_part(y) && (z.size() == 4 || z.size() == 2)) {
            const int year = z.size() == 4 ? number(scan, z) : full_year(state, number(scan, z));
            date = plausible(state, year, number(scan, y), number(scan, x));
        } else if (x.size() == 4 && short_part(y) && short_part(z)) {
            date = plausible(state, number(scan, x), number(scan, y), number(scan, z));
        }
        if (date) add(hits, Span{x.begin, z.end}, kDateMessage);
    }
    for (Span run : scan.digit_runs) {
        if (run.size() != 4) continue;
        const int year = number(scan, run.begin, 4);  // (4 digits: a loop of known length)
        if (year < state.min_birth_year || year > state.max_birth_year) continue;
        if (overlaps_kind(hits, FindingKind::date, run)) continue;
        add(hits, run, kYearMessage);
    }
}

}  // namespace

void detect_dates(const IdScan& scan, const GuardState& state, Hits& hits) {
    const std::size_t runs = scan.digit_runs.size();
    if (scan.masks_known) {
        // From the masks, one branch each (the runs of random codes make
        // tests of them hard to predict): six digits and nothing else; two
        // separators between digits, as three runs make a date only when
        // so joined (1-2-1990).
        const std::uint64_t digits = scan.digit_mask;
        if ((scan.id.size() == 6) & (digits == 0x3Fu)) return six_digits(scan, state, hits);
        const std::uint64_t separators = ~(digits | scan.letter_mask);
        const bool three = std::popcount(separators & (digits << 1) & (digits >> 1)) >= 2;
        if (three | scan.digits_4_or_8 | scan.reference) dates(scan, state, hits);
        return;
    }
    if (scan.id.size() == 6 && runs == 1 && scan.digit_runs[0].size() == 6)
        return six_digits(scan, state, hits);
    // Three runs make a date only when joined by two separators (1-2-1990).
    const bool candidate = runs >= 3 || scan.digits_4_or_8 || scan.reference;
    if (candidate) dates(scan, state, hits);
}

}  // namespace caseload::guard_internal
